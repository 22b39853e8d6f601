-- The hall floor: queue tickets (一号), window state, cases (办件) and ratings (好差评).

ALTER TABLE windows ADD COLUMN paused BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE windows ADD COLUMN current_clerk_id INTEGER REFERENCES accounts (id);
-- A clerk sits at one window at a time.
CREATE UNIQUE INDEX windows_one_per_clerk ON windows (current_clerk_id) WHERE current_clerk_id IS NOT NULL;

ALTER TABLE service_items ADD COLUMN walk_in_quota INTEGER CHECK (walk_in_quota IS NULL OR walk_in_quota >= 0);
ALTER TABLE service_items ADD COLUMN target_wait_minutes INTEGER CHECK (target_wait_minutes IS NULL OR target_wait_minutes > 0);
ALTER TABLE service_items ADD COLUMN avg_service_minutes INTEGER NOT NULL DEFAULT 10 CHECK (avg_service_minutes > 0);

ALTER TABLE halls ADD COLUMN checkin_early_minutes INTEGER NOT NULL DEFAULT 30 CHECK (checkin_early_minutes >= 0);
ALTER TABLE halls ADD COLUMN checkin_late_minutes INTEGER NOT NULL DEFAULT 15 CHECK (checkin_late_minutes >= 0);
ALTER TABLE halls ADD COLUMN starvation_minutes INTEGER NOT NULL DEFAULT 30 CHECK (starvation_minutes > 0);

-- The last number given out per hall, day and letter: taking the next one is
-- an UPDATE inside the ticket's transaction, so numbers are gapless.
CREATE TABLE ticket_counters (
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    day DATE NOT NULL,
    letter TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hall_id, day, letter)
);

CREATE TABLE walk_in_counters (
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    day DATE NOT NULL,
    issued INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, day)
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    day DATE NOT NULL,
    letter TEXT NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    booking_id INTEGER UNIQUE REFERENCES bookings (id),
    status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'serving', 'completed', 'no_show', 'transferred')),
    priority_reason TEXT CHECK (priority_reason IS NULL OR priority_reason IN ('elderly', 'disabled', 'pregnant', 'military')),
    appointment_at TIMESTAMP,
    queue_since TIMESTAMP NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    target_window_id INTEGER REFERENCES windows (id),
    window_id INTEGER REFERENCES windows (id),
    clerk_id INTEGER REFERENCES accounts (id),
    call_count INTEGER NOT NULL DEFAULT 0,
    called_at TIMESTAMP,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('done', 'accepted', 'incomplete', 'refused')),
    outcome_note TEXT NOT NULL DEFAULT '',
    UNIQUE (hall_id, day, letter, seq),
    UNIQUE (hall_id, day, number)
);
CREATE INDEX tickets_queue ON tickets (hall_id, day, status);
-- One ticket at a time is called or being served at a window.
CREATE UNIQUE INDEX tickets_one_per_window ON tickets (window_id) WHERE status IN ('called', 'serving');

CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    kind TEXT NOT NULL,
    window_id INTEGER REFERENCES windows (id),
    actor_id INTEGER REFERENCES accounts (id),
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id);

CREATE TABLE case_counters (
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    day DATE NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hall_id, day)
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    case_number TEXT NOT NULL UNIQUE,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets (id),
    booking_id INTEGER REFERENCES bookings (id),
    account_id INTEGER REFERENCES accounts (id),
    phone_last4 TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('accepted', 'reviewing', 'approved', 'refused', 'ready_for_pickup', 'mailed', 'collected')),
    accepted_on DATE NOT NULL,
    promised_due DATE NOT NULL,
    legal_due DATE,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_department ON cases (department_id, status);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_id INTEGER REFERENCES accounts (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id);

CREATE TABLE ratings (
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
CREATE INDEX ratings_department ON ratings (department_id, created_at);

-- A bad rating (不满意 / 非常不满意) opens a follow-up: 回访, 整改, 反馈.
CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    rating_id INTEGER NOT NULL UNIQUE REFERENCES ratings (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    due_on DATE NOT NULL,
    callback_note TEXT NOT NULL DEFAULT '',
    callback_at TIMESTAMP,
    fix_note TEXT NOT NULL DEFAULT '',
    fix_at TIMESTAMP,
    report_note TEXT NOT NULL DEFAULT '',
    report_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_ups_department ON follow_ups (department_id, report_at);
