//! Accounts of residents and staff: roles, real-name validation, password
//! hashing and the protection of personal information (PIPL).

pub mod access;
pub mod api;
pub mod create;
pub mod device;
pub mod hasher;
pub mod identity;
pub mod models;
pub mod own;
pub mod pair;
pub mod password;
pub mod register;
pub mod repo;
pub mod routes;
pub mod session;
pub mod signin;
pub mod validate;

pub use identity::{CurrentUser, Identity};
