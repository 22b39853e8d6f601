-- Several items in one visit (一窗受理, "一件事一次办"): a booking takes one
-- place per item at one window that serves them all, and its one ticket
-- carries every item with the outcome the clerk recorded for it. Every
-- booking and ticket lists its items here (one row for a single item), so
-- readers never special-case the single-item visit.

ALTER TABLE bookings ADD COLUMN places INTEGER NOT NULL DEFAULT 1 CHECK (places BETWEEN 1 AND 5);
-- Whether a visit of k items counts as k toward max_active_bookings (else one).
ALTER TABLE halls ADD COLUMN limit_counts_items BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE booking_items (
    booking_id INTEGER NOT NULL REFERENCES bookings (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    PRIMARY KEY (booking_id, service_id),
    UNIQUE (booking_id, position)
);
CREATE INDEX booking_items_service ON booking_items (service_id, booking_id);
INSERT INTO booking_items (booking_id, service_id, position) SELECT id, service_id, 1 FROM bookings;

-- decided_at is set when the clerk records the item's outcome; a ticket
-- waits (and is called) for its undecided items only.
CREATE TABLE ticket_items (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    -- received (收件): materials taken in for the department's review
    -- before acceptance (前台收件、后台受理).
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('done', 'accepted', 'received', 'incomplete', 'refused')),
    outcome_note TEXT NOT NULL DEFAULT '',
    window_id INTEGER REFERENCES windows (id),
    decided_at TIMESTAMP,
    PRIMARY KEY (ticket_id, service_id),
    UNIQUE (ticket_id, position)
);
CREATE INDEX ticket_items_service ON ticket_items (service_id, decided_at);
INSERT INTO ticket_items (ticket_id, service_id, position, outcome, outcome_note, window_id, decided_at)
    SELECT id, service_id, 1, outcome, outcome_note,
           CASE WHEN outcome IS NULL THEN NULL ELSE window_id END,
           CASE WHEN outcome IS NULL THEN NULL ELSE finished_at END
    FROM tickets;

-- One case per accepted item of a visit: unique by ticket and item, no
-- longer by ticket. SQLite cannot drop a column's UNIQUE, so the table is
-- rebuilt; case_events keep pointing at the same ids (checked at commit).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE cases_new (
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
INSERT INTO cases_new SELECT id, case_number, hall_id, department_id, service_id, ticket_id, booking_id,
    account_id, phone_last4, status, accepted_on, promised_due, legal_due, closed_at, created_at, updated_at
    FROM cases;
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE INDEX cases_department ON cases (department_id, status);
CREATE INDEX cases_hall_accepted_stats ON cases (hall_id, accepted_on, status, service_id, promised_due);
