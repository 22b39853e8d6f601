-- A number every change to the catalogue bumps in its own transaction
-- (halls, departments, items, windows and which items they serve), so
-- that each instance knows when its copy in memory is stale. A window's
-- staffing and pauses are not catalogue: they do not bump it.
CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 1);
CREATE TRIGGER catalogue_halls_insert AFTER INSERT ON halls
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_halls_update AFTER UPDATE ON halls
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_halls_delete AFTER DELETE ON halls
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_departments_insert AFTER INSERT ON departments
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_departments_update AFTER UPDATE ON departments
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_departments_delete AFTER DELETE ON departments
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_service_items_insert AFTER INSERT ON service_items
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_service_items_update AFTER UPDATE ON service_items
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_service_items_delete AFTER DELETE ON service_items
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_window_services_insert AFTER INSERT ON window_services
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_window_services_update AFTER UPDATE ON window_services
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_window_services_delete AFTER DELETE ON window_services
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_windows_insert AFTER INSERT ON windows
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_windows_update AFTER UPDATE OF hall_id, number, name, zone_id, department_id, active ON windows
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER catalogue_windows_delete AFTER DELETE ON windows
BEGIN UPDATE catalogue_version SET version = version + 1 WHERE id = 1; END;
