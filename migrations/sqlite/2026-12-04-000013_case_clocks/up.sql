-- The law's clocks on cases (行政许可法 Art. 32, 42, 45) and the whole
-- 好差评 loop (国办发〔2019〕51号, GB/T 39734-2020).
--
-- A case (办件) now starts when materials are received (收件): at the
-- window's 受理 it is accepted at once; at a 收件 the department reviews
-- them and, within 5 working days, accepts them or gives the one-time
-- 补正 notice — or the law deems them accepted on the day they arrived.
-- Its due dates count working days from acceptance, skipping those it was
-- suspended (听证, 检验检测, 专家评审, 公示 …) and adding an approved extension.

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
    status TEXT NOT NULL CHECK (status IN ('received', 'supplement', 'not_accepted', 'accepted', 'reviewing', 'approved', 'refused', 'ready_for_pickup', 'mailed', 'collected')),
    received_on DATE NOT NULL,
    -- Within 5 working days of receipt: accept, or give the 补正 notice.
    notice_due DATE,
    notice_at TIMESTAMP,
    notice_text TEXT NOT NULL DEFAULT '',
    -- The notice came late, or never came and the case was deemed accepted.
    notice_late BOOLEAN NOT NULL DEFAULT 0,
    accepted_on DATE,
    promised_days INTEGER NOT NULL DEFAULT 0,
    legal_days INTEGER NOT NULL DEFAULT 0,
    promised_due DATE,
    legal_due DATE,
    -- Working days of finished suspensions; an open one began on suspended_since.
    suspended_days INTEGER NOT NULL DEFAULT 0 CHECK (suspended_days >= 0),
    suspended_since DATE,
    extended_days INTEGER NOT NULL DEFAULT 0 CHECK (extended_days >= 0),
    extension_reason TEXT NOT NULL DEFAULT '',
    extended_by INTEGER REFERENCES accounts (id),
    extended_at TIMESTAMP,
    concluded_at TIMESTAMP,
    conclusion_note TEXT NOT NULL DEFAULT '',
    on_time BOOLEAN,
    result_name TEXT NOT NULL DEFAULT '',
    delivery TEXT NOT NULL DEFAULT '',
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (ticket_id, service_id)
);
INSERT INTO cases_new (id, case_number, hall_id, department_id, service_id, ticket_id, booking_id,
        account_id, phone_last4, status, received_on, accepted_on, promised_days, legal_days,
        promised_due, legal_due, concluded_at, on_time, closed_at, created_at, updated_at)
    SELECT c.id, c.case_number, c.hall_id, c.department_id, c.service_id, c.ticket_id, c.booking_id,
        c.account_id, c.phone_last4, c.status, c.accepted_on, c.accepted_on, s.promised_days, s.legal_days,
        c.promised_due, c.legal_due,
        CASE WHEN c.status IN ('approved', 'refused', 'ready_for_pickup', 'mailed', 'collected') THEN c.updated_at END,
        CASE WHEN c.status IN ('approved', 'refused', 'ready_for_pickup', 'mailed', 'collected') THEN date(c.updated_at) <= c.promised_due END,
        c.closed_at, c.created_at, c.updated_at
    FROM cases c JOIN service_items s ON s.id = c.service_id;
DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE INDEX cases_department ON cases (department_id, status);
CREATE INDEX cases_hall_accepted_stats ON cases (hall_id, accepted_on, status, service_id, promised_due);

CREATE TABLE case_suspensions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('supplement', 'hearing', 'inspection', 'expert_review', 'public_notice', 'other')),
    reason TEXT NOT NULL,
    -- Days from_day up to (not including) to_day do not count.
    from_day DATE NOT NULL,
    to_day DATE,
    started_at TIMESTAMP NOT NULL,
    started_by INTEGER REFERENCES accounts (id),
    ended_at TIMESTAMP,
    ended_by INTEGER REFERENCES accounts (id)
);
CREATE INDEX case_suspensions_case ON case_suspensions (case_id);
-- At most one open suspension per case.
CREATE UNIQUE INDEX case_suspensions_one_open ON case_suspensions (case_id) WHERE to_day IS NULL;

-- How far an item's time limit may be extended (Art. 42: 10 days by
-- default), and whether a 补正 after acceptance stops its clock.
ALTER TABLE service_items ADD COLUMN max_extension_days INTEGER NOT NULL DEFAULT 10 CHECK (max_extension_days BETWEEN 0 AND 60);
ALTER TABLE service_items ADD COLUMN supplement_stops_clock BOOLEAN NOT NULL DEFAULT 1;

-- 好差评: a rating of a visit (一次一评) or of a finished case (一事一评);
-- tick-box reasons for a bad one; a rating a hall rule gave for a visit
-- not rated in time (never the resident's words); an upheld appeal keeps
-- the rating on record but out of the published figures.
CREATE TABLE ratings_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    case_id INTEGER REFERENCES cases (id),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    reasons TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('web', 'track', 'kiosk', 'api', 'default')),
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    window_id INTEGER REFERENCES windows (id),
    clerk_id INTEGER REFERENCES accounts (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    excluded BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO ratings_new (id, ticket_id, grade, comment, channel, hall_id, window_id, clerk_id,
        service_id, department_id, created_at)
    SELECT id, ticket_id, grade, comment, channel, hall_id, window_id, clerk_id, service_id,
        department_id, created_at FROM ratings;
DROP TABLE ratings;
ALTER TABLE ratings_new RENAME TO ratings;
CREATE INDEX ratings_department ON ratings (department_id, created_at);
CREATE INDEX ratings_hall_created_stats ON ratings (hall_id, created_at, grade, service_id, window_id);
CREATE UNIQUE INDEX ratings_one_per_visit ON ratings (ticket_id) WHERE case_id IS NULL;
CREATE UNIQUE INDEX ratings_one_per_case ON ratings (case_id) WHERE case_id IS NOT NULL;

-- A follow-up past its deadline is escalated to the administrators.
ALTER TABLE follow_ups ADD COLUMN escalated_at TIMESTAMP;

-- 申诉复核: a department appeals a rating; an administrator decides.
CREATE TABLE rating_appeals (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    rating_id INTEGER NOT NULL UNIQUE REFERENCES ratings (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    filed_by INTEGER NOT NULL REFERENCES accounts (id),
    filed_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'rejected')),
    decided_by INTEGER REFERENCES accounts (id),
    decided_at TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rating_appeals_status ON rating_appeals (status, filed_at);

ALTER TABLE halls ADD COLUMN follow_up_days INTEGER NOT NULL DEFAULT 5 CHECK (follow_up_days BETWEEN 1 AND 30);
-- 0: off. Otherwise a visit not rated within this many days counts as
-- default_rating_grade (some provinces' rule), shown as such.
ALTER TABLE halls ADD COLUMN default_rating_days INTEGER NOT NULL DEFAULT 0 CHECK (default_rating_days BETWEEN 0 AND 30);
ALTER TABLE halls ADD COLUMN default_rating_grade INTEGER NOT NULL DEFAULT 5 CHECK (default_rating_grade BETWEEN 3 AND 5);

-- Each item's outcome is on its ticket_items row; the ticket no longer
-- keeps a copy of the first one.
ALTER TABLE tickets DROP COLUMN outcome;
ALTER TABLE tickets DROP COLUMN outcome_note;
