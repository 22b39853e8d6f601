//! 好差评: a five-grade rating once per visit, tied to the ticket, window,
//! clerk and item; a bad rating opens a follow-up for the department
//! (回访, 整改, 反馈) due in five working days.

pub mod pages;
pub mod service;
