//! Online booking (预约): window slots from opening hours and the calendar,
//! race-free booking, cancelling and rescheduling, booking codes, the
//! notifications outbox and public tracking.

pub mod api;
pub mod code;
pub mod error;
pub mod ics;
pub mod messages;
pub mod models;
pub mod pages;
pub mod repo;
pub mod rules;
pub mod service;
pub mod slots;
pub mod track;
pub mod views;
