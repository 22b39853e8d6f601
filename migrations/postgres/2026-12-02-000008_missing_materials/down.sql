UPDATE tickets t SET outcome_note = coalesce((
    SELECT string_agg(name, '；' ORDER BY position) FROM ticket_missing_materials m WHERE m.ticket_id = t.id
), '') WHERE outcome = 'incomplete';
DROP TABLE ticket_missing_materials;
