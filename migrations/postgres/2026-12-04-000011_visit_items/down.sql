DELETE FROM case_events WHERE case_id IN (
    SELECT c.id FROM cases c WHERE EXISTS (
        SELECT 1 FROM cases o WHERE o.ticket_id = c.ticket_id AND o.id < c.id));
DELETE FROM cases c WHERE EXISTS (SELECT 1 FROM cases o WHERE o.ticket_id = c.ticket_id AND o.id < c.id);
ALTER TABLE cases DROP CONSTRAINT cases_ticket_id_service_id_key;
ALTER TABLE cases ADD CONSTRAINT cases_ticket_id_key UNIQUE (ticket_id);
DROP TABLE ticket_items;
DROP TABLE booking_items;
ALTER TABLE halls DROP COLUMN limit_counts_items;
ALTER TABLE bookings DROP COLUMN places;
