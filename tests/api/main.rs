//! HTTP-level tests, one binary. See helpers.rs for the harness.

mod accounts;
mod booking;
mod catalogue;
mod cli;
mod concurrency;
mod helpers;
mod migrations;
mod model;
mod pages;
mod seed;
mod timezone;
