//! New places for the waiting list: after a capacity raise, longer opening
//! hours or a window newly serving an item, free places go to the waiting
//! entries of the hall, longest-waiting first, in the same transaction as
//! the change that made them.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

use super::holds::{Freed, offer, offer_until};
use super::models::{Entry, EntryStatus};
use crate::booking::repo;
use crate::clock;
use crate::db::DbConn;
use crate::db::ids::HallId;
use crate::db::schema::waitlist_entries;

/// Places that are free in a hall's slots go to its waiting entries,
/// longest-waiting first, inside the caller's transaction: after a capacity
/// raise, longer opening hours or a window newly serving an item. Returns
/// the offers made.
pub fn offer_free_places(
    conn: &mut DbConn,
    hall: HallId,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<usize> {
    let Some(hall) = crate::hall::repo::find_hall(conn, hall)? else {
        return Ok(0);
    };
    let hall = &hall;
    let today = clock::local(now, tz).date();
    let waiting: Vec<Entry> = waitlist_entries::table
        .filter(waitlist_entries::hall_id.eq(hall.id))
        .filter(waitlist_entries::day.ge(today))
        .filter(waitlist_entries::status.eq(EntryStatus::Waiting.as_str()))
        .order(waitlist_entries::id)
        .select(Entry::as_select())
        .load(conn)?;
    let mut made = 0;
    for entry in waiting {
        use crate::booking::error::BookingError;
        let visit = match crate::booking::service::Offer::load(conn, entry.service_id, now, tz) {
            Ok(v) => v,
            Err(BookingError::Db(f)) => return Err(f.0),
            // An item no longer offered: its entries wait for nothing.
            Err(_) => continue,
        };
        let Some(open) = visit.availability(conn, entry.day)? else {
            continue;
        };
        let slot = open
            .into_iter()
            .filter(|(s, left)| *left > 0 && entry.start_time.is_none_or(|t| t == s.start))
            .map(|(s, _)| s)
            .next();
        let Some(slot) = slot else { continue };
        let cap = hall.online_capacity();
        for w in &visit.windows {
            if repo::take_places(conn, w.id, entry.day, slot.start, cap, 1)? {
                let f = Freed {
                    hall: hall.id,
                    window: w.id,
                    day: entry.day,
                    start: slot.start,
                    end: slot.end,
                    places: 1,
                };
                let Some(until) = offer_until(hall, &f, now, tz) else {
                    repo::release_places(conn, w.id, entry.day, slot.start, 1)?;
                    break;
                };
                if offer(conn, &entry, &f, hall, until, now, tz)? {
                    made += 1;
                } else {
                    repo::release_places(conn, w.id, entry.day, slot.start, 1)?;
                }
                break;
            }
        }
    }
    Ok(made)
}
