-- The materials a 补正 notice lists are rows (see the SQLite migration).
CREATE TABLE ticket_missing_materials (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (ticket_id, service_id, position)
);
INSERT INTO ticket_missing_materials (ticket_id, service_id, position, name)
    SELECT t.id, t.service_id, m.ord, m.name
    FROM tickets t, LATERAL unnest(string_to_array(t.outcome_note, '；')) WITH ORDINALITY AS m (name, ord)
    WHERE t.outcome = 'incomplete' AND m.name <> '';
UPDATE tickets SET outcome_note = '' WHERE outcome = 'incomplete';
UPDATE ticket_events SET kind = 'completed' WHERE kind LIKE 'completed:%';
