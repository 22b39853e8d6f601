//! Shared web plumbing: application state, the page context every template
//! receives, middleware (security headers, request log, error pages), static
//! assets and the health check. It knows no feature: who is signed in
//! reaches it as a [`viewer::Viewer`] that the accounts feature resolves.

pub mod assets;
pub mod cache;
pub mod errors;
pub mod forms;
pub mod health;
pub mod idempotency;
pub mod lang;
pub mod middleware;
pub mod page;
pub mod spreadsheet;
pub mod state;
pub mod throttle;
pub mod viewer;

pub use page::PageCtx;
pub use state::AppState;
