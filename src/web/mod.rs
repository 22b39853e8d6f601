//! Shared web plumbing: application state, the page context every template
//! receives, middleware (security headers, request log, error pages), static
//! assets and the health check.

pub mod access;
pub mod assets;
pub mod errors;
pub mod forms;
pub mod health;
pub mod identity;
pub mod lang;
pub mod middleware;
pub mod page;
pub mod state;
pub mod throttle;
pub mod urlencode;

pub use identity::{CurrentUser, Identity};
pub use page::PageCtx;
pub use state::AppState;
