-- Kiosks and calling boards: each a named device of one hall with its own
-- revocable token (stored hashed), so that its requests are attributable
-- and rate-limited per device rather than per address.
CREATE TABLE devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'board')),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER NOT NULL REFERENCES accounts (id),
    last_seen_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX devices_by_hall ON devices (hall_id);
