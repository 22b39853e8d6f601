-- The year-long statistics read only these indexes, never the tables: each
-- holds every column the dashboard filters, groups or sums on. The ticket
-- index also serves the queue (its prefix is hall, day, status).
DROP INDEX tickets_hall_day;
DROP INDEX tickets_queue;
DROP INDEX bookings_hall_day;
DROP INDEX ratings_hall_created;
DROP INDEX cases_hall_accepted;
CREATE INDEX tickets_hall_day_stats ON tickets
    (hall_id, day, status, booking_id, service_id, window_id, wait_seconds, service_seconds);
CREATE INDEX bookings_hall_day_stats ON bookings (hall_id, day, status, service_id, window_id);
CREATE INDEX ratings_hall_created_stats ON ratings (hall_id, created_at, grade, service_id, window_id);
CREATE INDEX cases_hall_accepted_stats ON cases (hall_id, accepted_on, status, service_id, promised_due);
