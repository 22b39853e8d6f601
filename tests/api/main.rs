//! HTTP-level tests, one binary. See helpers.rs for the harness.

mod catalogue;
mod cli;
mod helpers;
mod migrations;
mod pages;
mod seed;
