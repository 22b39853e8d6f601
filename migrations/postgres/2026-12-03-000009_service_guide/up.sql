-- The 办事指南 fields of the national 实施清单, per item and per material,
-- and the blank forms and filled-in examples (样表) a hall offers.
ALTER TABLE service_items ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE service_items ADD COLUMN conditions TEXT NOT NULL DEFAULT '';
ALTER TABLE service_items ADD COLUMN visits INTEGER NOT NULL DEFAULT 1 CHECK (visits BETWEEN 0 AND 9);
ALTER TABLE service_items ADD COLUMN online BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE service_items ADD COLUMN by_post BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE service_items ADD COLUMN scope TEXT NOT NULL DEFAULT 'city';
ALTER TABLE service_items ADD COLUMN fee_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE service_items ADD COLUMN result TEXT NOT NULL DEFAULT '';
ALTER TABLE service_items ADD COLUMN result_delivery TEXT NOT NULL DEFAULT '';
ALTER TABLE service_materials ADD COLUMN medium TEXT NOT NULL DEFAULT 'paper';
ALTER TABLE service_materials ADD COLUMN necessity TEXT NOT NULL DEFAULT 'required';
ALTER TABLE service_materials ADD COLUMN source TEXT NOT NULL DEFAULT 'applicant';
ALTER TABLE halls ADD COLUMN complaint_phone TEXT NOT NULL DEFAULT '12345';
CREATE TABLE service_files (
    id SERIAL PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    kind TEXT NOT NULL CHECK (kind IN ('blank', 'sample')),
    title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    size_bytes INTEGER NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX service_files_by_service ON service_files (service_id);
