//! Accounts of residents and staff: roles, real-name validation, password
//! hashing and the protection of personal information (PIPL).

pub mod create;
pub mod models;
pub mod password;
pub mod pii;
pub mod repo;
pub mod validate;
