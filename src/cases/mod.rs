//! Cases (办件): opened when a window accepts an application (受理) or
//! receives it for the department (收件); their legal clocks in working
//! days, stopped by suspensions and moved by an extension; moved on by the
//! department's staff, followed by the applicant.

pub mod alerts;
pub mod api;
pub mod clock;
pub mod exchange;
pub mod json;
pub mod models;
pub mod moves;
pub mod pages;
pub mod service;
mod stops;
pub mod view;
