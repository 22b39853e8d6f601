-- The outbox as a delivery queue: each message has a stable id (the SMS
-- gateway de-duplicates retries by it), a state, its attempts and when the
-- next one is due. An instance claims a message with a conditional UPDATE
-- that sets a lease (claimed_until); a lease that runs out (the instance
-- died mid-send) lets another instance claim it again.
CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    booking_id INTEGER REFERENCES bookings (id),
    kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'cancellation', 'rescheduled', 'waitlist_offer', 'password_reset', 'case_update')),
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    due_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO notifications_new (id, message_id, account_id, booking_id, kind, body, status, attempts,
        due_at, next_attempt_at, sent_at, cancelled_at, created_at)
    SELECT id, lower(hex(randomblob(16))), account_id, booking_id, kind, body,
        CASE WHEN cancelled_at IS NOT NULL THEN 'cancelled' WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'pending' END,
        CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END,
        due_at, due_at, sent_at, cancelled_at, created_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_account ON notifications (account_id, created_at);
CREATE INDEX notifications_booking ON notifications (booking_id);

-- INSERT OR REPLACE deletes the row it replaces without firing the delete
-- trigger; refuse any insert that would replace an existing row.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
