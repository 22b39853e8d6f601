DROP TRIGGER audit_log_no_replace;
CREATE TABLE notifications_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    booking_id INTEGER REFERENCES bookings (id),
    kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'cancellation', 'rescheduled')),
    body TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO notifications_old (id, account_id, booking_id, kind, body, due_at, sent_at, cancelled_at, created_at)
    SELECT id, account_id, booking_id, kind, body, due_at, sent_at, cancelled_at, created_at
    FROM notifications WHERE kind IN ('confirmation', 'reminder', 'cancellation', 'rescheduled');
DROP TABLE notifications;
ALTER TABLE notifications_old RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (sent_at, due_at);
CREATE INDEX notifications_account ON notifications (account_id);
