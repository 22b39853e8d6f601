ALTER TABLE tickets ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN ('done', 'accepted', 'incomplete', 'refused'));
ALTER TABLE tickets ADD COLUMN outcome_note TEXT NOT NULL DEFAULT '';
UPDATE tickets SET
    outcome = (SELECT CASE WHEN i.outcome = 'received' THEN 'accepted' ELSE i.outcome END
               FROM ticket_items i WHERE i.ticket_id = tickets.id AND i.position = 1),
    outcome_note = coalesce((SELECT i.outcome_note FROM ticket_items i
               WHERE i.ticket_id = tickets.id AND i.position = 1), '');
ALTER TABLE halls DROP COLUMN default_rating_grade;
ALTER TABLE halls DROP COLUMN default_rating_days;
ALTER TABLE halls DROP COLUMN follow_up_days;
DROP TABLE rating_appeals;
ALTER TABLE follow_ups DROP COLUMN escalated_at;
PRAGMA defer_foreign_keys = ON;
CREATE TABLE ratings_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('web', 'track', 'kiosk')),
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    window_id INTEGER REFERENCES windows (id),
    clerk_id INTEGER REFERENCES accounts (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    created_at TIMESTAMP NOT NULL
);
DELETE FROM follow_ups WHERE rating_id IN (SELECT id FROM ratings WHERE case_id IS NOT NULL);
INSERT INTO ratings_old (id, ticket_id, grade, comment, channel, hall_id, window_id, clerk_id,
        service_id, department_id, created_at)
    SELECT id, ticket_id, grade, comment,
        CASE WHEN channel IN ('web', 'track', 'kiosk') THEN channel ELSE 'web' END,
        hall_id, window_id, clerk_id, service_id, department_id, created_at
    FROM ratings WHERE case_id IS NULL;
DROP TABLE ratings;
ALTER TABLE ratings_old RENAME TO ratings;
CREATE INDEX ratings_department ON ratings (department_id, created_at);
CREATE INDEX ratings_hall_created_stats ON ratings (hall_id, created_at, grade, service_id, window_id);
ALTER TABLE service_items DROP COLUMN supplement_stops_clock;
ALTER TABLE service_items DROP COLUMN max_extension_days;
DROP TABLE case_suspensions;
CREATE TABLE cases_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    case_number TEXT NOT NULL UNIQUE,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    booking_id INTEGER REFERENCES bookings (id),
    account_id INTEGER REFERENCES accounts (id),
    phone_last4 TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('accepted', 'reviewing', 'approved', 'refused', 'ready_for_pickup', 'mailed', 'collected')),
    accepted_on DATE NOT NULL,
    promised_due DATE NOT NULL,
    legal_due DATE,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (ticket_id, service_id)
);
DELETE FROM case_events WHERE case_id IN (SELECT id FROM cases WHERE accepted_on IS NULL);
INSERT INTO cases_old SELECT id, case_number, hall_id, department_id, service_id, ticket_id, booking_id,
    account_id, phone_last4,
    CASE WHEN status = 'not_accepted' THEN 'refused' ELSE status END,
    accepted_on, coalesce(promised_due, accepted_on), legal_due, closed_at, created_at, updated_at
    FROM cases WHERE accepted_on IS NOT NULL;
DROP TABLE cases;
ALTER TABLE cases_old RENAME TO cases;
CREATE INDEX cases_department ON cases (department_id, status);
CREATE INDEX cases_hall_accepted_stats ON cases (hall_id, accepted_on, status, service_id, promised_due);
