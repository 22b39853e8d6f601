-- Residents: sessions, API tokens, sign-in throttling, booking rules per hall,
-- slot counters, bookings with their history, and the notifications outbox.

ALTER TABLE accounts ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN locked_until TIMESTAMP;

ALTER TABLE halls ADD COLUMN booking_horizon_days INTEGER NOT NULL DEFAULT 7 CHECK (booking_horizon_days BETWEEN 1 AND 60);
ALTER TABLE halls ADD COLUMN same_day_cutoff TIME NOT NULL DEFAULT '12:00:00';
ALTER TABLE halls ADD COLUMN min_lead_minutes INTEGER NOT NULL DEFAULT 30 CHECK (min_lead_minutes >= 0);
ALTER TABLE halls ADD COLUMN cancel_cutoff_minutes INTEGER NOT NULL DEFAULT 60 CHECK (cancel_cutoff_minutes >= 0);
ALTER TABLE halls ADD COLUMN max_active_bookings INTEGER NOT NULL DEFAULT 3 CHECK (max_active_bookings >= 1);
ALTER TABLE halls ADD COLUMN no_show_limit INTEGER NOT NULL DEFAULT 3 CHECK (no_show_limit >= 1);
ALTER TABLE halls ADD COLUMN no_show_window_days INTEGER NOT NULL DEFAULT 90 CHECK (no_show_window_days >= 1);
ALTER TABLE halls ADD COLUMN suspension_days INTEGER NOT NULL DEFAULT 30 CHECK (suspension_days >= 0);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- How many online bookings one window has taken for one slot. The capacity
-- check is a conditional UPDATE on this row inside the booking transaction.
CREATE TABLE slot_counters (
    window_id INTEGER NOT NULL REFERENCES windows (id),
    day DATE NOT NULL,
    start_time TIME NOT NULL,
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    PRIMARY KEY (window_id, day, start_time)
);

CREATE TABLE bookings (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    window_id INTEGER NOT NULL REFERENCES windows (id),
    day DATE NOT NULL,
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'called', 'serving', 'completed', 'cancelled', 'no_show')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX bookings_account ON bookings (account_id, day);
CREATE INDEX bookings_slot ON bookings (window_id, day, start_time);
-- One active booking per person, item and day.
CREATE UNIQUE INDEX bookings_one_active_per_item_day ON bookings (account_id, service_id, day)
    WHERE status IN ('booked', 'checked_in', 'called', 'serving');

CREATE TABLE booking_events (
    id SERIAL PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings (id),
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX booking_events_booking ON booking_events (booking_id);

CREATE TABLE notifications (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    booking_id INTEGER REFERENCES bookings (id),
    kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'cancellation', 'rescheduled')),
    body TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_due ON notifications (sent_at, due_at);
CREATE INDEX notifications_account ON notifications (account_id);
