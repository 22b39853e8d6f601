use std::sync::Arc;

use chrono_tz::Tz;

use crate::accounts::pii::PiiKeys;
use crate::clock::Clock;
use crate::config::{Secret, Settings};
use crate::db::Db;

/// Everything a handler needs, passed as `web::Data` (no globals).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub pii: PiiKeys,
    pub master_key: Secret<Vec<u8>>,
}

impl AppState {
    pub fn tz(&self) -> Tz {
        self.settings.tz
    }
}
