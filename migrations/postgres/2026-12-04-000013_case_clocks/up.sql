-- The law's clocks on cases (行政许可法 Art. 32, 42, 45) and the whole
-- 好差评 loop (国办发〔2019〕51号, GB/T 39734-2020).
--
-- A case (办件) now starts when materials are received (收件): at the
-- window's 受理 it is accepted at once; at a 收件 the department reviews
-- them and, within 5 working days, accepts them or gives the one-time
-- 补正 notice — or the law deems them accepted on the day they arrived.
-- Its due dates count working days from acceptance, skipping those it was
-- suspended (听证, 检验检测, 专家评审, 公示 …) and adding an approved extension.

ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('received', 'supplement', 'not_accepted', 'accepted', 'reviewing', 'approved', 'refused', 'ready_for_pickup', 'mailed', 'collected'));
ALTER TABLE cases ADD COLUMN received_on DATE;
UPDATE cases SET received_on = accepted_on;
ALTER TABLE cases ALTER COLUMN received_on SET NOT NULL;
-- Within 5 working days of receipt: accept, or give the 补正 notice.
ALTER TABLE cases ADD COLUMN notice_due DATE;
ALTER TABLE cases ADD COLUMN notice_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN notice_text TEXT NOT NULL DEFAULT '';
-- The notice came late, or never came and the case was deemed accepted.
ALTER TABLE cases ADD COLUMN notice_late BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ALTER COLUMN accepted_on DROP NOT NULL;
ALTER TABLE cases ADD COLUMN promised_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN legal_days INTEGER NOT NULL DEFAULT 0;
UPDATE cases c SET promised_days = s.promised_days, legal_days = s.legal_days
    FROM service_items s WHERE s.id = c.service_id;
ALTER TABLE cases ALTER COLUMN promised_due DROP NOT NULL;
-- Working days of finished suspensions; an open one began on suspended_since.
ALTER TABLE cases ADD COLUMN suspended_days INTEGER NOT NULL DEFAULT 0 CHECK (suspended_days >= 0);
ALTER TABLE cases ADD COLUMN suspended_since DATE;
ALTER TABLE cases ADD COLUMN extended_days INTEGER NOT NULL DEFAULT 0 CHECK (extended_days >= 0);
ALTER TABLE cases ADD COLUMN extension_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN extended_by INTEGER REFERENCES accounts (id);
ALTER TABLE cases ADD COLUMN extended_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN concluded_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN conclusion_note TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN on_time BOOLEAN;
ALTER TABLE cases ADD COLUMN result_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN delivery TEXT NOT NULL DEFAULT '';
UPDATE cases SET concluded_at = updated_at, on_time = (updated_at::date <= promised_due)
    WHERE status IN ('approved', 'refused', 'ready_for_pickup', 'mailed', 'collected');

CREATE TABLE case_suspensions (
    id SERIAL PRIMARY KEY,
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
ALTER TABLE service_items ADD COLUMN supplement_stops_clock BOOLEAN NOT NULL DEFAULT TRUE;

-- 好差评: a rating of a visit (一次一评) or of a finished case (一事一评);
-- tick-box reasons for a bad one; a rating a hall rule gave for a visit
-- not rated in time (never the resident's words); an upheld appeal keeps
-- the rating on record but out of the published figures.
ALTER TABLE ratings DROP CONSTRAINT ratings_ticket_id_key;
ALTER TABLE ratings ADD COLUMN case_id INTEGER REFERENCES cases (id);
ALTER TABLE ratings ADD COLUMN reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE ratings ADD COLUMN excluded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE ratings DROP CONSTRAINT ratings_channel_check;
ALTER TABLE ratings ADD CONSTRAINT ratings_channel_check CHECK (channel IN ('web', 'track', 'kiosk', 'api', 'default'));
CREATE UNIQUE INDEX ratings_one_per_visit ON ratings (ticket_id) WHERE case_id IS NULL;
CREATE UNIQUE INDEX ratings_one_per_case ON ratings (case_id) WHERE case_id IS NOT NULL;

-- A follow-up past its deadline is escalated to the administrators.
ALTER TABLE follow_ups ADD COLUMN escalated_at TIMESTAMP;

-- 申诉复核: a department appeals a rating; an administrator decides.
CREATE TABLE rating_appeals (
    id SERIAL PRIMARY KEY,
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
