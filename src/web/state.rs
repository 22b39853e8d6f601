use std::sync::Arc;

use chrono_tz::Tz;

use crate::clock::Clock;
use crate::config::{Secret, Settings};
use crate::db::Db;
use crate::pii::PiiKeys;
use crate::web::throttle::Throttle;

/// What every handler may need, passed as `web::Data` (no globals). The
/// features' own services (the password hasher, the hall's event bus, the
/// message worker's wake-up) are registered beside it by the startup.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub pii: PiiKeys,
    pub master_key: Secret<Vec<u8>>,
    /// Key for CSRF tokens, derived from the master key.
    pub csrf_key: [u8; 32],
    pub throttle: Arc<Throttle>,
}

impl AppState {
    pub fn tz(&self) -> Tz {
        self.settings.tz
    }
}
