-- A number every change to the catalogue bumps in its own transaction
-- (halls, departments, items, windows and which items they serve), so
-- that each instance knows when its copy in memory is stale. A window's
-- staffing and pauses are not catalogue: they do not bump it.
CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 1);
CREATE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER catalogue_halls AFTER INSERT OR UPDATE OR DELETE ON halls
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER catalogue_departments AFTER INSERT OR UPDATE OR DELETE ON departments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER catalogue_service_items AFTER INSERT OR UPDATE OR DELETE ON service_items
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER catalogue_window_services AFTER INSERT OR UPDATE OR DELETE ON window_services
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER catalogue_windows AFTER INSERT OR UPDATE OF hall_id, number, name, zone_id, department_id, active OR DELETE ON windows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
