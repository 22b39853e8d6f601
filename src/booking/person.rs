//! Who may book: the person's row lock, their suspension (for no-shows or
//! repeated cancellations, by the hall's rules) and their limit of active
//! bookings.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::error::{BookingError, Suspension};
use super::{repo, rules};
use crate::db::DbConn;
use crate::db::ids::AccountId;
use crate::db::schema::accounts;
use crate::hall::models::Hall;

/// Serialises one person's bookings on PostgreSQL (the row lock is held to
/// the end of the transaction); SQLite's IMMEDIATE transaction already does.
pub fn lock_person(conn: &mut DbConn, account: AccountId) -> QueryResult<()> {
    diesel::update(accounts::table.find(account))
        .set(accounts::failed_logins.eq(accounts::failed_logins))
        .execute(conn)?;
    Ok(())
}

/// Whether the person may book now, and why not: suspended (for no-shows
/// or for repeated cancellations), or at their limit of active bookings
/// with `adding` more (1 for a visit, or its item count where the hall
/// counts items).
pub fn check_person(
    conn: &mut DbConn,
    account: AccountId,
    hall: &Hall,
    adding: i32,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(), BookingError> {
    if let Some((until, why)) = suspension(conn, account, hall, now, tz)? {
        return Err(BookingError::Suspended(until, why));
    }
    let active = if hall.limit_counts_items {
        repo::active_places(conn, account)?
    } else {
        repo::count_active(conn, account)?
    };
    if active + i64::from(adding) > i64::from(hall.max_active_bookings) {
        return Err(BookingError::LimitReached(hall.max_active_bookings));
    }
    Ok(())
}

/// Whether online booking is suspended for the person today, until when
/// and why: the hall's no-show rule, then its cancellation rule.
pub fn suspension(
    conn: &mut DbConn,
    account: AccountId,
    hall: &Hall,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<Option<(NaiveDate, Suspension)>> {
    let today = crate::clock::local(now, tz).date();
    let since = today - Duration::days(i64::from(hall.no_show_window_days + hall.suspension_days));
    let no_shows = repo::no_show_days(conn, account, since)?;
    if let Some(until) = rules::suspended_until(
        &no_shows,
        today,
        hall.no_show_limit,
        hall.no_show_window_days,
        hall.suspension_days,
    ) {
        return Ok(Some((until, Suspension::NoShows)));
    }
    if hall.cancel_limit > 0 {
        let span = i64::from(hall.cancel_window_days + hall.cancel_suspension_days);
        let since =
            crate::clock::utc_of((today - Duration::days(span)).and_time(NaiveTime::MIN), tz);
        let cancels: Vec<NaiveDate> = repo::cancellations_since(conn, account, since)?
            .into_iter()
            .map(|at| crate::clock::local(at, tz).date())
            .collect();
        if let Some(until) = rules::suspended_until(
            &cancels,
            today,
            hall.cancel_limit,
            hall.cancel_window_days,
            hall.cancel_suspension_days,
        ) {
            return Ok(Some((until, Suspension::Cancellations)));
        }
    }
    Ok(None)
}
