//! HTTP-level tests, one binary. See helpers.rs for the harness.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod admin;
mod authz;
mod booking;
mod case_clock_model;
mod catalogue;
mod catalogue_kept;
mod catalogue_rules;
mod cli;
mod client_caching;
mod concurrency;
mod hall_floor;
mod helpers;
mod messages;
mod migrations;
mod model;
mod openapi;
mod pages;
mod promises;
mod queue_load;
mod search;
mod security;
mod seed;
mod ticket_model;
mod timezone;
mod translations;
mod visits;
mod waitlist;
mod waitlist_model;
mod waitlist_race;
