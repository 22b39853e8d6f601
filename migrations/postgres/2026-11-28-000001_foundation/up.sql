-- Foundation: halls and their network, the service catalogue, opening hours,
-- the holiday calendar and accounts. Instants are UTC; dates and times are hall-local.

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE halls (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('city', 'district', 'street', 'community')),
    parent_id INTEGER REFERENCES halls (id),
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    slot_minutes INTEGER NOT NULL DEFAULT 30 CHECK (slot_minutes BETWEEN 5 AND 240),
    slot_capacity INTEGER NOT NULL DEFAULT 4 CHECK (slot_capacity BETWEEN 0 AND 1000),
    online_share_percent INTEGER NOT NULL DEFAULT 50 CHECK (online_share_percent BETWEEN 0 AND 100),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX halls_parent ON halls (parent_id);

CREATE TABLE zones (
    id SERIAL PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    letter TEXT NOT NULL CHECK (char_length(letter) = 1),
    name TEXT NOT NULL,
    floor INTEGER NOT NULL,
    UNIQUE (hall_id, letter)
);

CREATE TABLE departments (
    id SERIAL PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (hall_id, code)
);

CREATE TABLE windows (
    id SERIAL PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    number INTEGER NOT NULL CHECK (number > 0),
    name TEXT NOT NULL,
    zone_id INTEGER NOT NULL REFERENCES zones (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (hall_id, number)
);
CREATE INDEX windows_department ON windows (department_id);

CREATE TABLE service_items (
    id SERIAL PRIMARY KEY,
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('licensing', 'confirmation', 'benefit', 'public_service', 'other')),
    delivery TEXT NOT NULL CHECK (delivery IN ('on_the_spot', 'promised')),
    legal_days INTEGER NOT NULL DEFAULT 0 CHECK (legal_days >= 0),
    promised_days INTEGER NOT NULL DEFAULT 0 CHECK (promised_days >= 0),
    fee TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL CHECK (subject IN ('person', 'legal_entity')),
    description TEXT NOT NULL DEFAULT '',
    bookable_online BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (hall_id, code)
);
CREATE INDEX service_items_department ON service_items (department_id);

CREATE TABLE service_materials (
    id SERIAL PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES service_items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    form TEXT NOT NULL CHECK (form IN ('original', 'copy', 'original_and_copy')),
    copies TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (service_id, position)
);

CREATE TABLE window_services (
    window_id INTEGER NOT NULL REFERENCES windows (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL REFERENCES service_items (id) ON DELETE CASCADE,
    PRIMARY KEY (window_id, service_id)
);
CREATE INDEX window_services_service ON window_services (service_id);

CREATE TABLE opening_hours (
    hall_id INTEGER NOT NULL REFERENCES halls (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    morning_start TIME,
    morning_end TIME,
    afternoon_start TIME,
    afternoon_end TIME,
    PRIMARY KEY (hall_id, weekday)
);

CREATE TABLE calendar_days (
    day DATE PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

CREATE TABLE accounts (
    id SERIAL PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('resident', 'clerk', 'dept_admin', 'admin')),
    name TEXT NOT NULL,
    phone TEXT NOT NULL UNIQUE,
    id_number_cipher BYTEA,
    id_number_hash TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    hall_id INTEGER REFERENCES halls (id),
    department_id INTEGER REFERENCES departments (id),
    window_id INTEGER REFERENCES windows (id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
