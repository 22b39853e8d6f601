//! onestop: a government one-stop service hall (一号、一窗、一网).
//!
//! By feature: `catalog` (departments, windows, items), `hall` (halls,
//! hours, calendar), `accounts`, `seed`; shared plumbing in `db`, `web`,
//! `config`, `clock`, `error`, `i18n`.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod booking;
pub mod cases;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod hall;
pub mod i18n;
pub mod keys;
pub mod notify;
pub mod pii;
pub mod queue;
pub mod ratings;
pub mod seed;
pub mod startup;
pub mod text;
pub mod visit;
pub mod web;
