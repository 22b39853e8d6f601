//! 候补: the waiting list for full days and slots, the places held for it,
//! and the keeper that ends offers and releases held places on time.

pub mod api;
pub mod fill;
pub mod guard;
pub mod holds;
pub mod models;
pub mod pages;
pub mod service;
pub mod worker;
