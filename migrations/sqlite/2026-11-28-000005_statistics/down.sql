DROP INDEX cases_hall_accepted;
DROP INDEX ratings_hall_created;
DROP INDEX bookings_hall_day;
DROP INDEX tickets_hall_day;
ALTER TABLE tickets DROP COLUMN service_seconds;
ALTER TABLE tickets DROP COLUMN wait_seconds;
