//! The public catalogue: departments, windows, service items and the
//! window ↔ item matrix, as pages and as the JSON API.

pub mod api;
pub mod edit;
pub mod export;
pub mod files;
pub mod import;
pub mod json;
pub mod labels;
pub mod models;
pub mod pages;
pub mod repo;
pub mod search;
pub mod sheet;
pub mod snapshot;
