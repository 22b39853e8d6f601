//! Online booking (预约): window slots from opening hours and the calendar,
//! race-free booking of one or several items per visit (一窗受理),
//! cancelling and rescheduling, the waiting list (候补) with its held
//! places, booking codes, the booking's messages and public tracking.

pub mod api;
pub mod code;
pub mod error;
pub mod ics;
pub mod items;
pub mod messages;
pub mod models;
pub mod offer;
pub mod pages;
pub mod person;
pub mod repo;
pub mod rules;
pub mod service;
pub mod slots;
pub mod track;
pub mod views;
pub mod waitlist;
