-- 候补 (waiting list), held places and the hall's fair-use rules.
--
-- A place freed by a cancellation or a move stays counted in slot_counters
-- while a place_holds row holds it: for one waiting entry until its offer
-- expires (entry_id set), or for nobody during the hall's release delay
-- (entry_id NULL), so that cancel-and-rebook cannot hand a place to a
-- friend. Nobody else can book a held place because the counter counts it.

ALTER TABLE halls ADD COLUMN waitlist_hold_minutes INTEGER NOT NULL DEFAULT 120 CHECK (waitlist_hold_minutes BETWEEN 5 AND 1440);
ALTER TABLE halls ADD COLUMN release_delay_minutes INTEGER NOT NULL DEFAULT 10 CHECK (release_delay_minutes BETWEEN 0 AND 240);
-- cancel_limit cancellations within cancel_window_days suspend online
-- booking for cancel_suspension_days; 0 turns the rule off.
ALTER TABLE halls ADD COLUMN cancel_limit INTEGER NOT NULL DEFAULT 5 CHECK (cancel_limit >= 0);
ALTER TABLE halls ADD COLUMN cancel_window_days INTEGER NOT NULL DEFAULT 30 CHECK (cancel_window_days >= 1);
ALTER TABLE halls ADD COLUMN cancel_suspension_days INTEGER NOT NULL DEFAULT 7 CHECK (cancel_suspension_days >= 0);

CREATE TABLE waitlist_entries (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    day DATE NOT NULL,
    -- NULL: any slot of the day.
    start_time TIME,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'cancelled')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- The offer, once made: when, and until when it was held.
    offered_at TIMESTAMP,
    offer_until TIMESTAMP,
    closed_at TIMESTAMP,
    booking_id INTEGER REFERENCES bookings (id)
);
-- One live entry per person, item and day.
CREATE UNIQUE INDEX waitlist_one_live ON waitlist_entries (account_id, service_id, day)
    WHERE status IN ('waiting', 'offered');
-- The longest-waiting matching entry, found by hall and day in id order.
CREATE INDEX waitlist_by_day ON waitlist_entries (hall_id, day, status, id);
CREATE INDEX waitlist_by_account ON waitlist_entries (account_id, day);

CREATE TABLE place_holds (
    id SERIAL PRIMARY KEY,
    window_id INTEGER NOT NULL REFERENCES windows (id),
    day DATE NOT NULL,
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    entry_id INTEGER REFERENCES waitlist_entries (id),
    until TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- An entry holds at most one place: a place is never offered twice.
CREATE UNIQUE INDEX place_holds_one_per_entry ON place_holds (entry_id);
CREATE INDEX place_holds_due ON place_holds (until);
CREATE INDEX place_holds_slot ON place_holds (window_id, day, start_time);

-- A retried POST with the same Idempotency-Key answers its first response.
CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
