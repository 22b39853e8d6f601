-- The materials a 补正 notice lists are rows, one per material and item
-- (a visit may carry several items), not a '；'-joined string.
CREATE TABLE ticket_missing_materials (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    service_id INTEGER NOT NULL REFERENCES service_items (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (ticket_id, service_id, position)
);
WITH RECURSIVE split (ticket_id, service_id, pos, item, rest) AS (
    SELECT id, service_id, 0, '', outcome_note || '；' FROM tickets
    WHERE outcome = 'incomplete' AND outcome_note <> ''
    UNION ALL
    SELECT ticket_id, service_id, pos + 1, substr(rest, 1, instr(rest, '；') - 1),
           substr(rest, instr(rest, '；') + 1)
    FROM split WHERE rest <> ''
)
INSERT INTO ticket_missing_materials (ticket_id, service_id, position, name)
    SELECT ticket_id, service_id, pos, item FROM split WHERE pos > 0 AND item <> '';
UPDATE tickets SET outcome_note = '' WHERE outcome = 'incomplete';
-- Event kinds are a closed set; the outcome is the ticket's.
UPDATE ticket_events SET kind = 'completed' WHERE kind LIKE 'completed:%';
