//! Halls and their four-level network, zones, opening hours and the
//! calendar of holidays and 调休 working days.

pub mod calendar;
pub mod edit;
pub mod form;
pub mod hours;
pub mod labels;
pub mod models;
pub mod repo;
