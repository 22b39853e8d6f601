DROP INDEX cases_hall_accepted_stats;
DROP INDEX ratings_hall_created_stats;
DROP INDEX bookings_hall_day_stats;
DROP INDEX tickets_hall_day_stats;
CREATE INDEX tickets_queue ON tickets (hall_id, day, status);
CREATE INDEX tickets_hall_day ON tickets (hall_id, day, service_id);
CREATE INDEX bookings_hall_day ON bookings (hall_id, day, service_id);
CREATE INDEX ratings_hall_created ON ratings (hall_id, created_at);
CREATE INDEX cases_hall_accepted ON cases (hall_id, accepted_on);
