//! The resident's side of the waiting list: join it for a full day (or
//! slot), see where one stands, accept an offer, or leave. Each is one
//! write transaction; the person's limits apply as for a booking.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::holds::{self, Guard};
use super::models::{Entry, EntryStatus, Hold};
use crate::booking::error::BookingError;
use crate::booking::messages::{self, About};
use crate::booking::models::Booking;
use crate::booking::repo;
use crate::booking::service::{self, Offer, Placed};
use crate::booking::slots::Slot;
use crate::db::ids::{AccountId, BookingId, ServiceId, WaitlistEntryId};
use crate::db::schema::waitlist_entries;
use crate::db::{DbConn, write_transaction};
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;
use crate::notify::MessageKind;

pub struct JoinRequest {
    pub account: AccountId,
    pub service: ServiceId,
    pub date: NaiveDate,
    /// One slot, or any slot of the day.
    pub start: Option<NaiveTime>,
}

/// Joins the waiting list of an item for a day (or one of its slots) that
/// has no place left. Returns the entry and its place in line.
pub fn join(
    conn: &mut DbConn,
    req: &JoinRequest,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(Entry, i64), BookingError> {
    write_transaction(conn, |conn| {
        let offer = Offer::load(conn, req.service, now, tz)?;
        offer.check_bookable()?;
        let open = offer
            .availability(conn, req.date)?
            .filter(|o| !o.is_empty())
            .ok_or(BookingError::OutsideHorizon)?;
        let wanted: Vec<&(Slot, i32)> = open
            .iter()
            .filter(|(s, _)| req.start.is_none_or(|t| t == s.start))
            .collect();
        if wanted.is_empty() {
            return Err(BookingError::InvalidSlot);
        }
        if wanted.iter().any(|(_, left)| *left > 0) {
            return Err(BookingError::PlacesAvailable);
        }
        service::lock_person(conn, req.account)?;
        let hall = &offer.schedule.hall;
        service::check_person(conn, req.account, hall, 1, now, tz)?;
        if repo::has_active_for(conn, req.account, &[req.service], req.date, None)? {
            return Err(BookingError::Duplicate);
        }
        let live = live_of(conn, req.account)?;
        if live
            .iter()
            .any(|e| e.service_id == req.service && e.day == req.date)
        {
            return Err(BookingError::AlreadyWaiting);
        }
        if live.len() as i64 >= i64::from(hall.max_active_bookings) {
            return Err(BookingError::LimitReached(hall.max_active_bookings));
        }
        let id: WaitlistEntryId = diesel::insert_into(waitlist_entries::table)
            .values((
                waitlist_entries::account_id.eq(req.account),
                waitlist_entries::hall_id.eq(hall.id),
                waitlist_entries::service_id.eq(req.service),
                waitlist_entries::day.eq(req.date),
                waitlist_entries::start_time.eq(req.start),
                waitlist_entries::status.eq(EntryStatus::Waiting.as_str()),
                waitlist_entries::created_at.eq(now),
                waitlist_entries::updated_at.eq(now),
            ))
            .returning(waitlist_entries::id)
            .get_result(conn)?;
        let entry = find(conn, id)?;
        let position = position(conn, &entry)?;
        Ok((entry, position))
    })
}

pub fn find(conn: &mut DbConn, id: WaitlistEntryId) -> QueryResult<Entry> {
    waitlist_entries::table
        .find(id)
        .select(Entry::as_select())
        .first(conn)
}

fn find_owned(
    conn: &mut DbConn,
    account: AccountId,
    id: WaitlistEntryId,
) -> Result<Entry, BookingError> {
    waitlist_entries::table
        .find(id)
        .filter(waitlist_entries::account_id.eq(account))
        .select(Entry::as_select())
        .first(conn)
        .optional()?
        .ok_or(BookingError::NotFound)
}

fn live_of(conn: &mut DbConn, account: AccountId) -> QueryResult<Vec<Entry>> {
    waitlist_entries::table
        .filter(waitlist_entries::account_id.eq(account))
        .filter(waitlist_entries::status.eq_any(live_strs()))
        .select(Entry::as_select())
        .load(conn)
}

fn live_strs() -> Vec<&'static str> {
    EntryStatus::LIVE.iter().map(|s| s.as_str()).collect()
}

/// Where a waiting entry stands among those waiting for the same item and
/// day (1 = next); 0 once it is no longer waiting.
pub fn position(conn: &mut DbConn, e: &Entry) -> QueryResult<i64> {
    if e.status != EntryStatus::Waiting {
        return Ok(0);
    }
    waitlist_entries::table
        .filter(waitlist_entries::service_id.eq(e.service_id))
        .filter(waitlist_entries::day.eq(e.day))
        .filter(waitlist_entries::status.eq(EntryStatus::Waiting.as_str()))
        .filter(waitlist_entries::id.le(e.id))
        .count()
        .get_result(conn)
}

/// One entry as its owner sees it: with the place held for them, if any,
/// and where they stand.
pub struct EntryView {
    pub entry: Entry,
    pub hold: Option<Hold>,
    pub position: i64,
}

/// The person's entries: live ones first, then the last finished ones.
pub fn list_for_account(conn: &mut DbConn, account: AccountId) -> QueryResult<Vec<EntryView>> {
    let mut list: Vec<Entry> = waitlist_entries::table
        .filter(waitlist_entries::account_id.eq(account))
        .order(waitlist_entries::id.desc())
        .limit(50)
        .select(Entry::as_select())
        .load(conn)?;
    list.sort_by_key(|e| (!e.status.is_live(), std::cmp::Reverse(e.id)));
    list.into_iter()
        .map(|entry| {
            let hold = match entry.status {
                EntryStatus::Offered => holds::hold_of(conn, entry.id)?,
                _ => None,
            };
            let position = position(conn, &entry)?;
            Ok(EntryView {
                entry,
                hold,
                position,
            })
        })
        .collect()
}

fn hall_of(conn: &mut DbConn, e: &Entry) -> Result<Hall, BookingError> {
    hall_repo::find_hall(conn, e.hall_id)?.ok_or(BookingError::NotFound)
}

/// Accepts an offer: the held place becomes the person's booking. An offer
/// whose time ran out is passed on here and then (`offer_expired`).
pub fn accept(
    conn: &mut DbConn,
    account: AccountId,
    id: WaitlistEntryId,
    now: NaiveDateTime,
    tz: Tz,
    guard: Guard,
) -> Result<Booking, BookingError> {
    write_transaction(conn, |conn| {
        let entry = find_owned(conn, account, id)?;
        match entry.status {
            EntryStatus::Offered => {}
            EntryStatus::Expired => return Ok(Err(BookingError::OfferExpired)),
            _ => return Err(BookingError::WrongState),
        }
        let hall = hall_of(conn, &entry)?;
        let Some(hold) = holds::hold_of(conn, entry.id)? else {
            return Ok(Err(BookingError::OfferExpired));
        };
        if hold.until <= now {
            holds::end_offer(conn, &hold, EntryStatus::Expired, &hall, now, tz)?;
            return Ok(Err(BookingError::OfferExpired));
        }
        service::lock_person(conn, account)?;
        service::check_person(conn, account, &hall, 1, now, tz)?;
        let ids = [entry.service_id];
        if repo::has_active_for(conn, account, &ids, entry.day, None)? {
            return Err(BookingError::Duplicate);
        }
        if !holds::take_hold(conn, hold.id)? {
            return Ok(Err(BookingError::OfferExpired));
        }
        if let Guard::Off(_) = guard {
            // The control run released the place at the cancellation.
            repo::add_places_unchecked(conn, hold.window_id, hold.day, hold.start_time, 1)?;
        }
        let booking = service::insert_booking(
            conn,
            Placed {
                account,
                hall: hall.id,
                items: &ids,
                window: hold.window_id,
                day: hold.day,
                slot: Slot {
                    start: hold.start_time,
                    end: hold.end_time,
                },
            },
            now,
        )?;
        close(conn, entry.id, EntryStatus::Booked, Some(booking.id), now)?;
        repo::add_event(conn, booking.id, "waitlist", "", now)?;
        let names = crate::booking::items::names(conn, &ids)?;
        let item = names.get(&entry.service_id).cloned().unwrap_or_default();
        let about = About {
            hall: &hall.name,
            item: &item,
        };
        messages::queue_now(conn, &booking, &about, MessageKind::Confirmation, now)?;
        messages::queue_reminder(conn, &booking, &about, now, tz)?;
        Ok(Ok(booking))
    })?
}

fn close(
    conn: &mut DbConn,
    entry: WaitlistEntryId,
    to: EntryStatus,
    booking: Option<BookingId>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(waitlist_entries::table.find(entry))
        .set((
            waitlist_entries::status.eq(to.as_str()),
            waitlist_entries::booking_id.eq(booking),
            waitlist_entries::closed_at.eq(now),
            waitlist_entries::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Leaves the waiting list; an offer declined this way passes to the next
/// entry at once.
pub fn leave(
    conn: &mut DbConn,
    account: AccountId,
    id: WaitlistEntryId,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Entry, BookingError> {
    write_transaction(conn, |conn| {
        let entry = find_owned(conn, account, id)?;
        match entry.status {
            EntryStatus::Waiting => close(conn, entry.id, EntryStatus::Cancelled, None, now)?,
            EntryStatus::Offered => {
                let hall = hall_of(conn, &entry)?;
                match holds::hold_of(conn, entry.id)? {
                    Some(hold) => {
                        holds::end_offer(conn, &hold, EntryStatus::Cancelled, &hall, now, tz)?;
                    }
                    None => close(conn, entry.id, EntryStatus::Cancelled, None, now)?,
                }
            }
            _ => return Err(BookingError::WrongState),
        }
        Ok(find(conn, entry.id)?)
    })
}

/// The person booked the item for that day themselves (a booking or a
/// move): their entries for it are done, and a place held for them passes
/// on.
pub fn close_for_booking(
    conn: &mut DbConn,
    account: AccountId,
    services: &[ServiceId],
    day: NaiveDate,
    booking: BookingId,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(), BookingError> {
    let live: Vec<Entry> = live_of(conn, account)?
        .into_iter()
        .filter(|e| e.day == day && services.contains(&e.service_id))
        .collect();
    for e in live {
        if e.status == EntryStatus::Offered
            && let Some(hold) = holds::hold_of(conn, e.id)?
        {
            let hall = hall_of(conn, &e)?;
            holds::end_offer(conn, &hold, EntryStatus::Booked, &hall, now, tz)?;
        }
        close(conn, e.id, EntryStatus::Booked, Some(booking), now)?;
    }
    Ok(())
}
