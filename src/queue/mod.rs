//! The hall floor's queue (一号、一窗): tickets from check-in or walk-in,
//! one fair queue that any suitable window calls from, the clerk
//! workstation, and the live calling board.

pub mod api;
pub mod clerk;
pub mod display;
pub mod events;
pub mod kiosk;
pub mod models;
pub mod order;
pub mod service;
