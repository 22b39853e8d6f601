DROP TABLE idempotency_keys;
DROP TABLE place_holds;
DROP TABLE waitlist_entries;
ALTER TABLE halls DROP COLUMN cancel_suspension_days;
ALTER TABLE halls DROP COLUMN cancel_window_days;
ALTER TABLE halls DROP COLUMN cancel_limit;
ALTER TABLE halls DROP COLUMN release_delay_minutes;
ALTER TABLE halls DROP COLUMN waitlist_hold_minutes;
