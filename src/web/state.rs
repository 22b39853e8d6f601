use std::sync::Arc;

use chrono_tz::Tz;

use crate::accounts::hasher::Hasher;
use crate::accounts::pii::PiiKeys;
use crate::clock::Clock;
use crate::config::{Secret, Settings};
use crate::db::Db;
use crate::notify::worker::OutboxSignal;
use crate::queue::events::EventBus;
use crate::web::throttle::Throttle;

/// Everything a handler needs, passed as `web::Data` (no globals).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub pii: PiiKeys,
    pub master_key: Secret<Vec<u8>>,
    /// Key for CSRF tokens, derived from the master key.
    pub csrf_key: [u8; 32],
    pub hasher: Hasher,
    pub throttle: Arc<Throttle>,
    /// Wakes this instance's message worker after a commit that queued
    /// messages.
    pub outbox: OutboxSignal,
    /// Calls and queue changes for boards and ticket pages.
    pub events: EventBus,
}

impl AppState {
    pub fn tz(&self) -> Tz {
        self.settings.tz
    }
}
