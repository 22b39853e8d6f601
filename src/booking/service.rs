//! Booking, cancelling and rescheduling. Each is one write transaction in
//! which the database enforces the invariants: the slot counter's
//! conditional UPDATE (capacity: a visit of k items takes k places of one
//! window), a lock on the person's account row while their active bookings
//! and items are counted, and the place a cancellation or a move frees is
//! offered to the waiting list (or held for the hall's release delay) in
//! the same transaction that frees it.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

pub use super::error::{BookingError, Suspension};
use super::messages::{self, About};
use super::models::{Booking, BookingStatus, NewBooking};
pub use super::offer::{Offer, Schedule};
pub use super::person::{check_person, lock_person, suspension};
use super::slots::Slot;
use super::waitlist::holds::{self, Cause, Freed, Guard};
use super::waitlist::service as waitlist;
use super::{code, items, repo};
use crate::db::ids::{AccountId, ServiceId, WindowId};
use crate::db::{DbConn, write_transaction};
use crate::hall::repo as hall_repo;
use crate::notify::MessageKind;
use crate::notify::outbox;

fn unique_code(conn: &mut DbConn) -> Result<String, BookingError> {
    for _ in 0..8 {
        let c = code::generate();
        if repo::find_by_code(conn, &c)?.is_none() {
            return Ok(c);
        }
    }
    // 31⁸ codes: eight taken in a row means something else is wrong.
    Err(BookingError::NoFreeCode)
}

pub struct BookRequest {
    pub account: AccountId,
    /// The visit's items (1–5 of one hall); the first names it.
    pub services: Vec<ServiceId>,
    pub date: NaiveDate,
    pub start: NaiveTime,
}

/// Books a slot for a visit of one or more items. Returns the new booking.
pub fn book(
    conn: &mut DbConn,
    req: &BookRequest,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Booking, BookingError> {
    // The offer (items, hall rules, windows, hours, calendar) is read
    // before the write lock is taken: on SQLite every reader would
    // otherwise wait behind the whole read. It is what the resident was
    // offered a moment ago; the place itself is taken under the lock.
    let offer = Offer::load_visit(conn, &req.services, now, tz)?;
    offer.check_bookable()?;
    let slot = offer.schedule.slot_at(req.date, req.start)?;
    write_transaction(conn, |conn| {
        lock_person(conn, req.account)?;
        let hall = &offer.schedule.hall;
        let adding = if hall.limit_counts_items {
            offer.places()
        } else {
            1
        };
        check_person(conn, req.account, hall, adding, now, tz)?;
        let ids = offer.ids();
        if repo::has_active_for(conn, req.account, &ids, req.date, None)? {
            return Err(BookingError::Duplicate);
        }
        let window = offer.take_place(conn, req.date, slot.start)?;
        let booking = insert_booking(
            conn,
            Placed {
                account: req.account,
                hall: hall.id,
                items: &ids,
                window,
                day: req.date,
                slot,
            },
            now,
        )?;
        waitlist::close_for_booking(conn, req.account, &ids, req.date, booking.id, now, tz)?;
        messages::queue_now(
            conn,
            &booking,
            &offer.about(),
            MessageKind::Confirmation,
            now,
        )?;
        messages::queue_reminder(conn, &booking, &offer.about(), now, tz)?;
        Ok(booking)
    })
}

/// Where a booking's places were taken.
pub(crate) struct Placed<'a> {
    pub account: AccountId,
    pub hall: crate::db::ids::HallId,
    pub items: &'a [ServiceId],
    pub window: WindowId,
    pub day: NaiveDate,
    pub slot: Slot,
}

/// Writes a booking whose places are already taken: the row, its items
/// and its first event.
pub(crate) fn insert_booking(
    conn: &mut DbConn,
    p: Placed,
    now: NaiveDateTime,
) -> Result<Booking, BookingError> {
    let first = *p.items.first().ok_or(BookingError::InvalidItems)?;
    let code = unique_code(conn)?;
    let id = repo::insert_booking(
        conn,
        NewBooking {
            code,
            account_id: p.account,
            hall_id: p.hall,
            service_id: first,
            window_id: p.window,
            day: p.day,
            start_time: p.slot.start,
            end_time: p.slot.end,
            status: BookingStatus::Booked,
            places: p.items.len() as i32,
            created_at: now,
            updated_at: now,
        },
    )?;
    items::insert(conn, id, p.items)?;
    repo::add_event(conn, id, BookingStatus::Booked.as_str(), "", now)?;
    Ok(repo::find_by_id(conn, id)?)
}

/// An own booking that may still be cancelled or moved: booked, and before
/// the cut-off ahead of its slot. With its hall's schedule.
fn changeable(
    conn: &mut DbConn,
    account: AccountId,
    code: &str,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(Booking, Schedule), BookingError> {
    let booking = repo::find_owned(conn, code, account)?.ok_or(BookingError::NotFound)?;
    if booking.status != BookingStatus::Booked {
        return Err(BookingError::WrongState);
    }
    let hall = hall_repo::find_hall(conn, booking.hall_id)?.ok_or(BookingError::NotFound)?;
    let schedule = Schedule::load(conn, hall, now, tz)?;
    if schedule.now_local >= schedule.cancel_deadline(booking.day, booking.start_time) {
        return Err(BookingError::TooLate(schedule.hall.cancel_cutoff_minutes));
    }
    Ok((booking, schedule))
}

/// The hall and item names a message about `b` carries.
fn about_text(conn: &mut DbConn, b: &Booking) -> QueryResult<String> {
    let ids = items::of(conn, b.id)?;
    let names = items::names(conn, &ids)?;
    Ok(ids
        .iter()
        .filter_map(|i| names.get(i).cloned())
        .collect::<Vec<_>>()
        .join("、"))
}

/// Cancels an own booking until the cut-off before its slot. Its places
/// go, in the same transaction, to the longest-waiting matching residents
/// of the waiting list, or are held for the hall's release delay.
pub fn cancel(
    conn: &mut DbConn,
    account: AccountId,
    code: &str,
    now: NaiveDateTime,
    tz: Tz,
    guard: Guard,
) -> Result<Booking, BookingError> {
    let (booking, freed) = write_transaction(conn, |conn| {
        let (booking, schedule) = changeable(conn, account, code, now, tz)?;
        if !repo::transition(
            conn,
            booking.id,
            &[BookingStatus::Booked],
            BookingStatus::Cancelled,
            now,
        )? {
            return Err(BookingError::WrongState);
        }
        let freed = Freed::of(&booking);
        holds::freed(
            conn,
            &freed,
            &schedule.hall,
            Cause::Cancelled,
            now,
            tz,
            guard,
        )?;
        repo::add_event(conn, booking.id, BookingStatus::Cancelled.as_str(), "", now)?;
        outbox::cancel_pending(conn, booking.id, MessageKind::Reminder, now)?;
        let booking = repo::find_by_id(conn, booking.id)?;
        let names = about_text(conn, &booking)?;
        let about = About {
            hall: &schedule.hall.name,
            item: &names,
        };
        messages::queue_now(conn, &booking, &about, MessageKind::Cancellation, now)?;
        Ok((booking, freed))
    })?;
    holds::after_commit(conn, &freed, guard, now, tz)?;
    Ok(booking)
}

/// Moves an own booking to another slot: the new places are taken before
/// the old ones are given back (to the waiting list first), in one
/// transaction; if anything fails the booking keeps its old slot.
pub fn reschedule(
    conn: &mut DbConn,
    account: AccountId,
    code: &str,
    to: (NaiveDate, NaiveTime),
    now: NaiveDateTime,
    tz: Tz,
    guard: Guard,
) -> Result<Booking, BookingError> {
    let (date, start) = to;
    let (booking, freed) = write_transaction(conn, |conn| {
        let (booking, _) = changeable(conn, account, code, now, tz)?;
        let ids = items::of(conn, booking.id)?;
        let offer = Offer::load_visit(conn, &ids, now, tz)?;
        let slot = offer.schedule.slot_at(date, start)?;
        if booking.day == date && booking.start_time == start {
            return Err(BookingError::InvalidSlot);
        }
        if repo::has_active_for(conn, account, &ids, date, Some(booking.id))? {
            return Err(BookingError::Duplicate);
        }
        let window = offer.take_place(conn, date, slot.start)?;
        let freed = Freed::of(&booking);
        holds::freed(
            conn,
            &freed,
            &offer.schedule.hall,
            Cause::Moved,
            now,
            tz,
            guard,
        )?;
        repo::move_booking(conn, booking.id, window, date, slot.start, slot.end, now)?;
        let note = format!(
            "{} {} → {} {}",
            booking.day,
            booking.start_time.format("%H:%M"),
            date,
            slot.start.format("%H:%M")
        );
        repo::add_event(conn, booking.id, "rescheduled", &note, now)?;
        waitlist::close_for_booking(conn, account, &ids, date, booking.id, now, tz)?;
        outbox::cancel_pending(conn, booking.id, MessageKind::Reminder, now)?;
        let booking = repo::find_by_id(conn, booking.id)?;
        messages::queue_now(
            conn,
            &booking,
            &offer.about(),
            MessageKind::Rescheduled,
            now,
        )?;
        messages::queue_reminder(conn, &booking, &offer.about(), now, tz)?;
        Ok((booking, freed))
    })?;
    holds::after_commit(conn, &freed, guard, now, tz)?;
    Ok(booking)
}
