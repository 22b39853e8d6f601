//! Real-browser journeys in headless Chromium, driven through Debian's
//! chromedriver. Without chromedriver the suite prints that it was skipped,
//! unless `ONESTOP_REQUIRE_BROWSER=1` (CI), where that is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../api/helpers.rs"]
mod helpers;

mod cases;
mod driver;
mod journeys;
mod visits;
