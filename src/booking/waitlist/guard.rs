//! The guard of freed places, and the control run that turns it off.
//! The race tests (`tests/api/waitlist_race.rs`) prove the guard by running
//! the same race without it, which must break an invariant: there a freed
//! place is released at once and offered after the commit by a read, a
//! wait and an unconditional write — what an unguarded system does.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::holds::{Freed, candidates, hold_of, insert_hold, send_offer};
use super::models::EntryStatus;
use crate::db::DbConn;
use crate::db::schema::waitlist_entries;

/// Whether freed places are guarded. Always `On`, except in the control
/// run of the race tests (`Settings::race_control`, never read from the
/// environment): there a freed place is released at once and offered after
/// the commit by a read, a wait and an unconditional write — what an
/// unguarded system does — so that the tests can show they would catch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    On,
    Off(std::time::Duration),
}

impl Guard {
    pub fn of(settings: &crate::config::Settings) -> Guard {
        settings.race_control.map_or(Guard::On, Guard::Off)
    }
}

/// After the commit of a cancellation or a move: nothing, except in the
/// unguarded control run, where the released places are offered now by a
/// read, a wait and an unconditional write (see [`Guard`]).
pub fn after_commit(
    conn: &mut DbConn,
    f: &Freed,
    guard: Guard,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<()> {
    let Guard::Off(delay) = guard else {
        return Ok(());
    };
    let Some(hall) = crate::hall::repo::find_hall(conn, f.hall)? else {
        return Ok(());
    };
    for _ in 0..f.places {
        let Some(entry) = candidates(conn, f)?.into_iter().next() else {
            return Ok(());
        };
        std::thread::sleep(delay);
        let until = now + Duration::minutes(i64::from(hall.waitlist_hold_minutes));
        crate::db::write_transaction(conn, |conn| {
            diesel::update(waitlist_entries::table.find(entry.id))
                .set((
                    waitlist_entries::status.eq(EntryStatus::Offered.as_str()),
                    waitlist_entries::offered_at.eq(now),
                    waitlist_entries::offer_until.eq(until),
                    waitlist_entries::updated_at.eq(now),
                ))
                .execute(conn)?;
            if hold_of(conn, entry.id)?.is_none() {
                insert_hold(conn, f, Some(entry.id), until, now)?;
            }
            send_offer(conn, &entry, f, &hall, until, now, tz)
        })?;
    }
    Ok(())
}
