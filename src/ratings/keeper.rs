//! The rating keeper, started by `serve` on every instance: escalates
//! follow-ups past their deadline to the administrators and, where a hall
//! has the rule, gives the default grade to visits not rated in time. Both
//! steps are conditional updates, so instances sharing a database never do
//! one twice.

use std::time::Duration;

use chrono_tz::Tz;

use super::{follow_up, service};
use crate::clock::Clock;
use crate::db::Db;

pub struct RatingKeeper {
    pub db: Db,
    pub clock: Clock,
    pub tz: Tz,
    pub poll: Duration,
}

impl RatingKeeper {
    pub async fn run(self) {
        loop {
            let (now, tz) = (self.clock.now_utc(), self.tz);
            let round = self
                .db
                .run(move |conn| {
                    let escalated = follow_up::escalate_due(conn, now, tz)?;
                    let defaults = service::give_default_ratings(conn, now, tz)?;
                    Ok::<_, crate::error::AppError>((escalated, defaults))
                })
                .await;
            match round {
                Ok((0, 0)) => {}
                Ok((escalated, defaults)) => {
                    tracing::info!(escalated, defaults, "rating keeper round")
                }
                Err(e) => tracing::warn!(error = %e, "rating keeper round failed"),
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}
