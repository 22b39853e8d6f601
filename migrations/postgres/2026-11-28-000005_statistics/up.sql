-- Statistics: the wait and service time of each ticket are kept when they
-- happen (portable, cheap to aggregate), and the indexes the dashboard uses.
ALTER TABLE tickets ADD COLUMN wait_seconds INTEGER;
ALTER TABLE tickets ADD COLUMN service_seconds INTEGER;
CREATE INDEX tickets_hall_day ON tickets (hall_id, day, service_id);
CREATE INDEX bookings_hall_day ON bookings (hall_id, day, service_id);
CREATE INDEX ratings_hall_created ON ratings (hall_id, created_at);
CREATE INDEX cases_hall_accepted ON cases (hall_id, accepted_on);
