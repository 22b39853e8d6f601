//! The hall floor's queue (一号、一窗): tickets from check-in or walk-in,
//! one fair queue that any suitable window calls from, the clerk
//! workstation, and the live calling board.

pub mod action;
pub mod api;
pub mod calls;
pub mod clerk;
pub mod desk;
pub mod display;
pub mod error;
pub mod estimates;
pub mod events;
pub mod issue;
pub mod items;
pub mod json;
pub mod kiosk;
pub mod machine;
pub mod models;
pub mod order;
pub mod outcomes;
pub mod pg_listen;
pub mod staffing;
pub mod transfer;
pub mod walk_in;
