//! Cases (办件): opened when a window accepts an application, due on the
//! promised and legal dates counted in working days, advanced by the
//! department's staff, followed by the resident.

pub mod models;
pub mod pages;
pub mod service;
