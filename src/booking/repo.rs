use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::models::{Booking, BookingEvent, BookingStatus, NewBooking};
use crate::catalog::models::Window;
use crate::db::DbConn;
use crate::db::ids::{AccountId, BookingId, ServiceId, WindowId};
use crate::db::schema::{
    booking_events, booking_items, bookings, slot_counters, window_services, windows,
};

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Booking>> {
    bookings::table
        .filter(bookings::code.eq(code))
        .select(Booking::as_select())
        .first(conn)
        .optional()
}

/// A booking by code, only if it belongs to `account` (otherwise not found).
pub fn find_owned(
    conn: &mut DbConn,
    code: &str,
    account: AccountId,
) -> QueryResult<Option<Booking>> {
    bookings::table
        .filter(bookings::code.eq(code))
        .filter(bookings::account_id.eq(account))
        .select(Booking::as_select())
        .first(conn)
        .optional()
}

pub fn list_for_account(conn: &mut DbConn, account: AccountId) -> QueryResult<Vec<Booking>> {
    bookings::table
        .filter(bookings::account_id.eq(account))
        .order((bookings::day.desc(), bookings::start_time.desc()))
        .select(Booking::as_select())
        .load(conn)
}

pub fn count_active(conn: &mut DbConn, account: AccountId) -> QueryResult<i64> {
    bookings::table
        .filter(bookings::account_id.eq(account))
        .filter(bookings::status.eq_any(BookingStatus::active_strs()))
        .count()
        .get_result(conn)
}

/// Places held by the person's active bookings (a visit of k items holds k).
pub fn active_places(conn: &mut DbConn, account: AccountId) -> QueryResult<i64> {
    let sum: Option<i64> = bookings::table
        .filter(bookings::account_id.eq(account))
        .filter(bookings::status.eq_any(BookingStatus::active_strs()))
        .select(diesel::dsl::sum(bookings::places))
        .first(conn)?;
    Ok(sum.unwrap_or(0))
}

/// When the person cancelled bookings, since `since` (UTC instants).
pub fn cancellations_since(
    conn: &mut DbConn,
    account: AccountId,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    booking_events::table
        .inner_join(bookings::table)
        .filter(bookings::account_id.eq(account))
        .filter(booking_events::status.eq(BookingStatus::Cancelled.as_str()))
        .filter(booking_events::at.ge(since))
        .select(booking_events::at)
        .load(conn)
}

/// Whether the person has an active booking on `day` with any of `services`
/// among its items (one active booking per person, item and day).
pub fn has_active_for(
    conn: &mut DbConn,
    account: AccountId,
    services: &[ServiceId],
    day: NaiveDate,
    except: Option<BookingId>,
) -> QueryResult<bool> {
    let mut q = bookings::table
        .inner_join(booking_items::table)
        .filter(bookings::account_id.eq(account))
        .filter(booking_items::service_id.eq_any(services))
        .filter(bookings::day.eq(day))
        .filter(bookings::status.eq_any(BookingStatus::active_strs()))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(bookings::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

pub fn no_show_days(
    conn: &mut DbConn,
    account: AccountId,
    since: NaiveDate,
) -> QueryResult<Vec<NaiveDate>> {
    bookings::table
        .filter(bookings::account_id.eq(account))
        .filter(bookings::status.eq(BookingStatus::NoShow.as_str()))
        .filter(bookings::day.ge(since))
        .select(bookings::day)
        .load(conn)
}

/// Active windows that serve an item.
pub fn windows_for(conn: &mut DbConn, service: ServiceId) -> QueryResult<Vec<Window>> {
    window_services::table
        .inner_join(windows::table)
        .filter(window_services::service_id.eq(service))
        .filter(windows::active.eq(true))
        .order(windows::number)
        .select(Window::as_select())
        .load(conn)
}

/// Booked counts per (window, slot start) on one day.
pub fn counters_on(
    conn: &mut DbConn,
    window_ids: &[WindowId],
    day: NaiveDate,
) -> QueryResult<HashMap<(WindowId, NaiveTime), i32>> {
    Ok(slot_counters::table
        .filter(slot_counters::window_id.eq_any(window_ids))
        .filter(slot_counters::day.eq(day))
        .select((
            slot_counters::window_id,
            slot_counters::start_time,
            slot_counters::booked,
        ))
        .load::<(WindowId, NaiveTime, i32)>(conn)?
        .into_iter()
        .map(|(w, t, n)| ((w, t), n))
        .collect())
}

/// Takes `places` places in a window's slot if that many are left: a
/// conditional UPDATE that the database applies atomically (PostgreSQL
/// re-checks the condition after a concurrent update). True when taken.
pub fn take_places(
    conn: &mut DbConn,
    window: WindowId,
    day: NaiveDate,
    start: NaiveTime,
    capacity: i32,
    places: i32,
) -> QueryResult<bool> {
    let row = (window, day, start);
    let insert = diesel::insert_into(slot_counters::table).values((
        slot_counters::window_id.eq(row.0),
        slot_counters::day.eq(row.1),
        slot_counters::start_time.eq(row.2),
        slot_counters::booked.eq(0),
    ));
    match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    let updated = diesel::update(
        slot_counters::table
            .find(row)
            .filter(slot_counters::booked.le(capacity - places)),
    )
    .set(slot_counters::booked.eq(slot_counters::booked + places))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Gives places back: after a cancellation or a move that no waiting
/// resident took, once the hall's release delay is over, or when an offer
/// nobody can take ends.
pub fn release_places(
    conn: &mut DbConn,
    window: WindowId,
    day: NaiveDate,
    start: NaiveTime,
    places: i32,
) -> QueryResult<usize> {
    diesel::update(
        slot_counters::table
            .find((window, day, start))
            .filter(slot_counters::booked.ge(places)),
    )
    .set(slot_counters::booked.eq(slot_counters::booked - places))
    .execute(conn)
}

/// Booked places of one window's slot.
pub fn booked_at(
    conn: &mut DbConn,
    window: WindowId,
    day: NaiveDate,
    start: NaiveTime,
) -> QueryResult<i32> {
    Ok(slot_counters::table
        .find((window, day, start))
        .select(slot_counters::booked)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds places without looking at the capacity: only the unguarded control
/// run of the race tests writes this way (see `waitlist::holds::Guard`).
pub fn add_places_unchecked(
    conn: &mut DbConn,
    window: WindowId,
    day: NaiveDate,
    start: NaiveTime,
    places: i32,
) -> QueryResult<()> {
    let insert = diesel::insert_into(slot_counters::table).values((
        slot_counters::window_id.eq(window),
        slot_counters::day.eq(day),
        slot_counters::start_time.eq(start),
        slot_counters::booked.eq(0),
    ));
    match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    diesel::update(slot_counters::table.find((window, day, start)))
        .set(slot_counters::booked.eq(slot_counters::booked + places))
        .execute(conn)?;
    Ok(())
}

pub fn insert_booking(conn: &mut DbConn, new: NewBooking) -> QueryResult<BookingId> {
    diesel::insert_into(bookings::table)
        .values(new)
        .returning(bookings::id)
        .get_result(conn)
}

pub fn find_by_id(conn: &mut DbConn, id: BookingId) -> QueryResult<Booking> {
    bookings::table
        .find(id)
        .select(Booking::as_select())
        .first(conn)
}

pub fn add_event(
    conn: &mut DbConn,
    booking: BookingId,
    status: &str,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(booking_events::table)
        .values((
            booking_events::booking_id.eq(booking),
            booking_events::status.eq(status),
            booking_events::note.eq(note),
            booking_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn events_of(conn: &mut DbConn, booking: BookingId) -> QueryResult<Vec<BookingEvent>> {
    booking_events::table
        .filter(booking_events::booking_id.eq(booking))
        .order((booking_events::at, booking_events::id))
        .select(BookingEvent::as_select())
        .load(conn)
}

/// Moves a booking from one status to another only if it is still in
/// `from`: two racing requests cannot both succeed.
pub fn transition(
    conn: &mut DbConn,
    id: BookingId,
    from: &[BookingStatus],
    to: BookingStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let n = diesel::update(
        bookings::table
            .find(id)
            .filter(bookings::status.eq_any(from)),
    )
    .set((
        bookings::status.eq(to.as_str()),
        bookings::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn move_booking(
    conn: &mut DbConn,
    id: BookingId,
    window: WindowId,
    day: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(bookings::table.find(id))
        .set((
            bookings::window_id.eq(window),
            bookings::day.eq(day),
            bookings::start_time.eq(start),
            bookings::end_time.eq(end),
            bookings::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Future bookings still to be served (not cancelled, not finished) at a
/// window, of an item, or of the pair: what a catalogue change may not strand.
pub fn future_bookings(
    conn: &mut DbConn,
    today: NaiveDate,
    window: Option<WindowId>,
    service: Option<ServiceId>,
) -> QueryResult<i64> {
    let mut q = bookings::table
        .filter(bookings::day.ge(today))
        .filter(bookings::status.eq_any(BookingStatus::active_strs()))
        .into_boxed();
    if let Some(w) = window {
        q = q.filter(bookings::window_id.eq(w));
    }
    if let Some(s) = service {
        q = q.filter(
            bookings::id.eq_any(
                booking_items::table
                    .filter(booking_items::service_id.eq(s))
                    .select(booking_items::booking_id),
            ),
        );
    }
    q.count().get_result(conn)
}
