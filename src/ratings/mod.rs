//! 好差评: a five-grade rating once per visit (一次一评) and once per decided
//! case (一事一评), tied to the ticket, window, clerk and item; a bad one
//! opens a follow-up for the department (回访, 整改, 反馈) in the hall's
//! working days, escalated when late; appeals an administrator decides; the
//! published figures anyone may read.

pub mod api;
pub mod appeals;
pub mod follow_up;
pub mod follow_up_pages;
pub mod keeper;
pub mod pages;
pub mod public;
pub mod service;
pub mod summary;
