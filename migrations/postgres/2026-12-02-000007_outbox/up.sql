-- The outbox as a delivery queue (see the SQLite migration for the design).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'reminder', 'cancellation', 'rescheduled', 'waitlist_offer', 'password_reset', 'case_update'));
ALTER TABLE notifications ADD COLUMN message_id TEXT;
UPDATE notifications SET message_id = md5(random()::text || id::text || clock_timestamp()::text);
ALTER TABLE notifications ALTER COLUMN message_id SET NOT NULL;
ALTER TABLE notifications ADD CONSTRAINT notifications_message_id_key UNIQUE (message_id);
ALTER TABLE notifications ADD COLUMN status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled'));
ALTER TABLE notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE notifications ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE notifications ADD COLUMN claimed_until TIMESTAMP;
ALTER TABLE notifications ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN failed_at TIMESTAMP;
UPDATE notifications SET
    status = CASE WHEN cancelled_at IS NOT NULL THEN 'cancelled' WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'pending' END,
    attempts = CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END,
    next_attempt_at = due_at;
ALTER TABLE notifications ALTER COLUMN next_attempt_at SET NOT NULL;
DROP INDEX notifications_due;
DROP INDEX notifications_account;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_account ON notifications (account_id, created_at);
CREATE INDEX notifications_booking ON notifications (booking_id);
