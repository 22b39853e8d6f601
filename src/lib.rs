//! onestop: a government one-stop service hall (一号、一窗、一网).
//!
//! **Layers.** Plumbing knows no feature: `db` (connections, transactions,
//! typed ids, the schema), `clock` (the one local↔UTC conversion), `config`,
//! `error`, `i18n`, `text` (cleaning and validating typed input), `pii`
//! (masking and encryption of ID and phone numbers), `keys` and `web`
//! (state, page context, middleware, forms, spreadsheets). Features sit on
//! it and depend only downward, in this order: `hall` (halls, hours,
//! calendar, their rules) → `catalog` (departments, windows, items, the
//! matrix; its one write path `catalog::edit`, the spreadsheet import and
//! export) → `audit` (the trail; a staff action and its row commit in one
//! transaction) → `accounts` (identity, sessions, the access table) →
//! `notify` (the SMS outbox and its worker) → `booking` (slots, bookings,
//! codes) → `cases` (办件 and their clocks) → `queue` (tickets, the
//! transition table, calls, staffing, estimates, the kiosk and the clerk's
//! desk, which opens a case in the same transaction as the call that
//! accepts it) → `ratings` (好差评 and follow-ups) → `visit` (the resident's view
//! of a visit across booking, ticket, case and rating) → `admin` (the
//! configuration pages, one file per kind of record, statistics). `seed`
//! loads the built-in catalogue through the same write paths; `openapi`
//! mounts `/api/v1` and describes it; `cli` and `startup` assemble
//! everything. `scripts/code-figures.py` checks that no import goes upward.

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
pub mod openapi;
pub mod pii;
pub mod queue;
pub mod ratings;
pub mod seed;
pub mod startup;
pub mod text;
pub mod visit;
pub mod web;
