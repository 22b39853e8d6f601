DROP TRIGGER catalogue_halls ON halls;
DROP TRIGGER catalogue_departments ON departments;
DROP TRIGGER catalogue_service_items ON service_items;
DROP TRIGGER catalogue_window_services ON window_services;
DROP TRIGGER catalogue_windows ON windows;
DROP FUNCTION bump_catalogue_version();
DROP TABLE catalogue_version;
