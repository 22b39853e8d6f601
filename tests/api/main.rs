//! HTTP-level tests, one binary. See helpers.rs for the harness.

mod accounts;
mod admin;
mod authz;
mod booking;
mod catalogue;
mod cli;
mod concurrency;
mod hall_floor;
mod helpers;
mod messages;
mod migrations;
mod model;
mod pages;
mod queue_load;
mod seed;
mod ticket_model;
mod timezone;
