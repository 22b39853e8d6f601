UPDATE tickets SET outcome_note = (
    SELECT group_concat(name, '；') FROM (
        SELECT name FROM ticket_missing_materials m WHERE m.ticket_id = tickets.id ORDER BY position
    )
) WHERE outcome = 'incomplete';
DROP TABLE ticket_missing_materials;
