DROP INDEX notifications_booking;
DROP INDEX notifications_account;
DROP INDEX notifications_due;
DELETE FROM notifications WHERE kind NOT IN ('confirmation', 'reminder', 'cancellation', 'rescheduled');
ALTER TABLE notifications DROP COLUMN failed_at;
ALTER TABLE notifications DROP COLUMN last_error;
ALTER TABLE notifications DROP COLUMN claimed_until;
ALTER TABLE notifications DROP COLUMN next_attempt_at;
ALTER TABLE notifications DROP COLUMN attempts;
ALTER TABLE notifications DROP COLUMN status;
ALTER TABLE notifications DROP CONSTRAINT notifications_message_id_key;
ALTER TABLE notifications DROP COLUMN message_id;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'reminder', 'cancellation', 'rescheduled'));
CREATE INDEX notifications_due ON notifications (sent_at, due_at);
CREATE INDEX notifications_account ON notifications (account_id);
