//! The built-in catalogue (data/catalogue/*.csv, compiled in) and the demo
//! accounts. Seeding only ever fills an empty database, in one transaction.

pub mod catalogue;
pub mod demo;
pub mod history;
pub mod province;

pub use catalogue::{SeedError, SeedReport, seed_catalogue};
