-- Several items in one visit (一窗受理, "一件事一次办"): a booking takes one
-- place per item at one window that serves them all, and its one ticket
-- carries every item with the outcome the clerk recorded for it. Every
-- booking and ticket lists its items here (one row for a single item), so
-- readers never special-case the single-item visit.

ALTER TABLE bookings ADD COLUMN places INTEGER NOT NULL DEFAULT 1 CHECK (places BETWEEN 1 AND 5);
-- Whether a visit of k items counts as k toward max_active_bookings (else one).
ALTER TABLE halls ADD COLUMN limit_counts_items BOOLEAN NOT NULL DEFAULT FALSE;

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

-- One case per accepted item of a visit: unique by ticket and item.
ALTER TABLE cases DROP CONSTRAINT cases_ticket_id_key;
ALTER TABLE cases ADD CONSTRAINT cases_ticket_id_service_id_key UNIQUE (ticket_id, service_id);
