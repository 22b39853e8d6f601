//! The hold keeper, started by `serve` on every instance: ends offers whose
//! time ran out (passing each place on at once), gives places held for the
//! release delay to residents who joined the list since, releases the
//! rest when their delay is over, closes entries whose day has passed and
//! forgets idempotency keys older than a day. Every step is conditional,
//! so instances sharing one database never process a hold twice.

use std::time::Duration;

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

use super::holds;
use super::models::{EntryStatus, Hold};
use crate::booking::repo;
use crate::clock::Clock;
use crate::db::ids::HallId;
use crate::db::schema::{idempotency_keys, place_holds, waitlist_entries, windows};
use crate::db::{Db, DbConn, write_transaction};
use crate::hall::repo as hall_repo;
use crate::notify::worker::OutboxSignal;

pub struct HoldKeeper {
    pub db: Db,
    pub clock: Clock,
    pub tz: Tz,
    /// Woken after offers were made, so that their texts go out at once.
    pub outbox: OutboxSignal,
    pub poll: Duration,
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub ended: usize,
    pub offered: usize,
    pub released: usize,
}

impl HoldKeeper {
    pub async fn run(self) {
        loop {
            let (now, tz) = (self.clock.now_utc(), self.tz);
            match self.db.run(move |conn| sweep(conn, now, tz)).await {
                Ok(s) if s.ended + s.offered > 0 => self.outbox.wake(),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "waiting-list round failed"),
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}

fn hall_of_window(conn: &mut DbConn, h: &Hold) -> QueryResult<Option<crate::hall::models::Hall>> {
    let hall: HallId = windows::table
        .find(h.window_id)
        .select(windows::hall_id)
        .first(conn)?;
    hall_repo::find_hall(conn, hall)
}

/// One round of the keeper.
pub fn sweep(
    conn: &mut DbConn,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Swept, crate::error::AppError> {
    let mut swept = Swept::default();
    let due: Vec<Hold> = place_holds::table
        .filter(place_holds::until.le(now))
        .order((place_holds::until, place_holds::id))
        .limit(200)
        .select(Hold::as_select())
        .load(conn)?;
    for h in due {
        let done = write_transaction(conn, |conn| -> QueryResult<Option<bool>> {
            let Some(hall) = hall_of_window(conn, &h)? else {
                return Ok(None);
            };
            if h.entry_id.is_some() {
                Ok(
                    holds::end_offer(conn, &h, EntryStatus::Expired, &hall, now, tz)?
                        .then_some(true),
                )
            } else if holds::take_hold(conn, h.id)? {
                repo::release_places(conn, h.window_id, h.day, h.start_time, 1)?;
                Ok(Some(false))
            } else {
                Ok(None)
            }
        })?;
        match done {
            Some(true) => swept.ended += 1,
            Some(false) => swept.released += 1,
            None => {}
        }
    }
    let delayed: Vec<Hold> = place_holds::table
        .filter(place_holds::entry_id.is_null())
        .filter(place_holds::until.gt(now))
        .order(place_holds::id)
        .limit(200)
        .select(Hold::as_select())
        .load(conn)?;
    for h in delayed {
        let given = write_transaction(conn, |conn| -> QueryResult<bool> {
            match hall_of_window(conn, &h)? {
                Some(hall) => holds::give_delay_hold(conn, &h, &hall, now, tz),
                None => Ok(false),
            }
        });
        match given {
            Ok(true) => swept.offered += 1,
            Ok(false) | Err(diesel::result::Error::RollbackTransaction) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let today = crate::clock::local(now, tz).date();
    diesel::update(
        waitlist_entries::table
            .filter(waitlist_entries::status.eq(EntryStatus::Waiting.as_str()))
            .filter(waitlist_entries::day.lt(today)),
    )
    .set((
        waitlist_entries::status.eq(EntryStatus::Expired.as_str()),
        waitlist_entries::closed_at.eq(now),
        waitlist_entries::updated_at.eq(now),
    ))
    .execute(conn)?;
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.lt(now - chrono::Duration::hours(24))),
    )
    .execute(conn)?;
    Ok(swept)
}
