//! Booking, cancelling and rescheduling. Each is one write transaction in
//! which the database enforces the invariants: the slot counter's
//! conditional UPDATE (capacity), a partial unique index (one active booking
//! per person, item and day), and a lock on the person's account row while
//! their active bookings are counted (at most three).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

pub use super::error::BookingError;
use super::messages::{self, About};
use super::models::{Booking, BookingStatus, NewBooking};
use super::slots::{self, Slot};
use super::{code, repo, rules};
use crate::catalog::models::{ServiceItem, Window};
use crate::catalog::repo as catalog_repo;
use crate::db::ids::{AccountId, ServiceId, WindowId};
use crate::db::schema::accounts;
use crate::db::{DbConn, write_transaction};
use crate::hall::calendar::WorkCalendar;
use crate::hall::models::{Hall, OpeningHours};
use crate::hall::repo as hall_repo;
use crate::notify::MessageKind;
use crate::notify::outbox;

/// Everything needed to decide which slots of an item are open.
pub struct Schedule {
    pub hall: Hall,
    pub week: Vec<OpeningHours>,
    pub calendar: WorkCalendar,
    pub now_local: NaiveDateTime,
}

impl Schedule {
    pub fn load(
        conn: &mut DbConn,
        hall: Hall,
        now: NaiveDateTime,
        tz: Tz,
    ) -> QueryResult<Schedule> {
        let now_local = crate::clock::to_local(now, tz).naive_local();
        Ok(Schedule {
            week: hall_repo::opening_hours_of(conn, hall.id)?,
            calendar: hall_repo::work_calendar_around(conn, now_local.date())?,
            hall,
            now_local,
        })
    }

    pub fn bookable_days(&self) -> Vec<NaiveDate> {
        slots::bookable_days(&self.hall, &self.week, &self.calendar, self.now_local)
    }

    pub fn open_slots(&self, date: NaiveDate) -> Option<Vec<Slot>> {
        slots::open_slots(&self.hall, &self.week, &self.calendar, date, self.now_local)
    }

    /// The open slot starting at `start` on `date`, or why there is none.
    pub fn slot_at(&self, date: NaiveDate, start: NaiveTime) -> Result<Slot, BookingError> {
        let open = self.open_slots(date).ok_or(BookingError::OutsideHorizon)?;
        open.into_iter()
            .find(|s| s.start == start)
            .ok_or(BookingError::InvalidSlot)
    }

    /// When a booked slot starts, as a hall-local instant.
    pub fn cancel_deadline(&self, day: NaiveDate, start: NaiveTime) -> NaiveDateTime {
        day.and_time(start) - Duration::minutes(i64::from(self.hall.cancel_cutoff_minutes))
    }
}

/// An item, its hall's schedule and the windows that serve it.
pub struct Offer {
    pub item: ServiceItem,
    pub schedule: Schedule,
    pub windows: Vec<Window>,
}

impl Offer {
    /// Whether the item can be booked online now: it allows it, and a
    /// window serves it (an item nobody serves would show every slot full).
    pub fn check_bookable(&self) -> Result<(), BookingError> {
        if !self.item.bookable_online {
            Err(BookingError::NotBookable)
        } else if self.windows.is_empty() {
            Err(BookingError::NoWindow)
        } else {
            Ok(())
        }
    }

    /// What a message about a booking of this item names.
    pub fn about(&self) -> About<'_> {
        About {
            hall: &self.schedule.hall.name,
            item: &self.item.name,
        }
    }

    pub fn load(
        conn: &mut DbConn,
        service: ServiceId,
        now: NaiveDateTime,
        tz: Tz,
    ) -> Result<Offer, BookingError> {
        let item =
            catalog_repo::find_service(conn, service)?.ok_or(BookingError::ServiceNotFound)?;
        let hall =
            hall_repo::find_hall(conn, item.hall_id)?.ok_or(BookingError::ServiceNotFound)?;
        Ok(Offer {
            windows: repo::windows_for(conn, service)?,
            schedule: Schedule::load(conn, hall, now, tz)?,
            item,
        })
    }

    /// Places left per open slot of `date`, summed over the item's windows;
    /// `None` outside the horizon.
    pub fn availability(
        &self,
        conn: &mut DbConn,
        date: NaiveDate,
    ) -> QueryResult<Option<Vec<(Slot, i32)>>> {
        let Some(open) = self.schedule.open_slots(date) else {
            return Ok(None);
        };
        let ids: Vec<WindowId> = self.windows.iter().map(|w| w.id).collect();
        let counters = repo::counters_on(conn, &ids, date)?;
        let cap = self.schedule.hall.online_capacity();
        Ok(Some(
            open.into_iter()
                .map(|slot| {
                    let left: i32 = ids
                        .iter()
                        .map(|w| {
                            (cap - counters.get(&(*w, slot.start)).copied().unwrap_or(0)).max(0)
                        })
                        .sum();
                    (slot, left)
                })
                .collect(),
        ))
    }

    /// Takes a place at the least-loaded window that still has one.
    fn take_place(
        &self,
        conn: &mut DbConn,
        date: NaiveDate,
        start: NaiveTime,
    ) -> Result<WindowId, BookingError> {
        let ids: Vec<WindowId> = self.windows.iter().map(|w| w.id).collect();
        let counters = repo::counters_on(conn, &ids, date)?;
        let mut order: Vec<(i32, WindowId)> = ids
            .iter()
            .map(|w| (counters.get(&(*w, start)).copied().unwrap_or(0), *w))
            .collect();
        order.sort();
        let cap = self.schedule.hall.online_capacity();
        for (_, window) in order {
            if repo::take_place(conn, window, date, start, cap)? {
                return Ok(window);
            }
        }
        Err(BookingError::SlotFull)
    }
}

/// Serialises one person's bookings on PostgreSQL (the row lock is held to
/// the end of the transaction); SQLite's IMMEDIATE transaction already does.
fn lock_person(conn: &mut DbConn, account: AccountId) -> QueryResult<()> {
    diesel::update(accounts::table.find(account))
        .set(accounts::failed_logins.eq(accounts::failed_logins))
        .execute(conn)?;
    Ok(())
}

fn check_person(
    conn: &mut DbConn,
    account: AccountId,
    hall: &Hall,
    today: NaiveDate,
) -> Result<(), BookingError> {
    let since = today - Duration::days(i64::from(hall.no_show_window_days + hall.suspension_days));
    let no_shows = repo::no_show_days(conn, account, since)?;
    if let Some(until) = rules::suspended_until(
        &no_shows,
        today,
        hall.no_show_limit,
        hall.no_show_window_days,
        hall.suspension_days,
    ) {
        return Err(BookingError::Suspended(until));
    }
    if repo::count_active(conn, account)? >= i64::from(hall.max_active_bookings) {
        return Err(BookingError::LimitReached(hall.max_active_bookings));
    }
    Ok(())
}

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
    pub service: ServiceId,
    pub date: NaiveDate,
    pub start: NaiveTime,
}

/// Books a slot. Returns the new booking.
pub fn book(
    conn: &mut DbConn,
    req: &BookRequest,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Booking, BookingError> {
    write_transaction(conn, |conn| {
        let offer = Offer::load(conn, req.service, now, tz)?;
        offer.check_bookable()?;
        let slot = offer.schedule.slot_at(req.date, req.start)?;
        lock_person(conn, req.account)?;
        check_person(
            conn,
            req.account,
            &offer.schedule.hall,
            offer.schedule.now_local.date(),
        )?;
        if repo::has_active_for(conn, req.account, req.service, req.date, None)? {
            return Err(BookingError::Duplicate);
        }
        let window = offer.take_place(conn, req.date, slot.start)?;
        let code = unique_code(conn)?;
        let id = repo::insert_booking(
            conn,
            NewBooking {
                code,
                account_id: req.account,
                hall_id: offer.schedule.hall.id,
                service_id: req.service,
                window_id: window,
                day: req.date,
                start_time: slot.start,
                end_time: slot.end,
                status: BookingStatus::Booked,
                created_at: now,
                updated_at: now,
            },
        )?;
        repo::add_event(conn, id, BookingStatus::Booked.as_str(), "", now)?;
        let booking = repo::find_by_id(conn, id)?;
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

/// An own booking that may still be cancelled or moved: booked, and before
/// the cut-off ahead of its slot.
fn changeable(
    conn: &mut DbConn,
    account: AccountId,
    code: &str,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(Booking, Offer), BookingError> {
    let booking = repo::find_owned(conn, code, account)?.ok_or(BookingError::NotFound)?;
    if booking.status != BookingStatus::Booked {
        return Err(BookingError::WrongState);
    }
    let offer = Offer::load(conn, booking.service_id, now, tz)?;
    if offer.schedule.now_local
        >= offer
            .schedule
            .cancel_deadline(booking.day, booking.start_time)
    {
        return Err(BookingError::TooLate(
            offer.schedule.hall.cancel_cutoff_minutes,
        ));
    }
    Ok((booking, offer))
}

/// Cancels an own booking until the cut-off before its slot; the place is
/// bookable again at once.
pub fn cancel(
    conn: &mut DbConn,
    account: AccountId,
    code: &str,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Booking, BookingError> {
    write_transaction(conn, |conn| {
        let (booking, offer) = changeable(conn, account, code, now, tz)?;
        if !repo::transition(
            conn,
            booking.id,
            &[BookingStatus::Booked],
            BookingStatus::Cancelled,
            now,
        )? {
            return Err(BookingError::WrongState);
        }
        repo::release_place(conn, booking.window_id, booking.day, booking.start_time)?;
        repo::add_event(conn, booking.id, BookingStatus::Cancelled.as_str(), "", now)?;
        outbox::cancel_pending(conn, booking.id, MessageKind::Reminder, now)?;
        let booking = repo::find_by_id(conn, booking.id)?;
        messages::queue_now(
            conn,
            &booking,
            &offer.about(),
            MessageKind::Cancellation,
            now,
        )?;
        Ok(booking)
    })
}

/// Moves an own booking to another slot: the new place is taken before the
/// old one is given back, in one transaction; if anything fails the booking
/// keeps its old slot.
pub fn reschedule(
    conn: &mut DbConn,
    account: AccountId,
    code: &str,
    date: NaiveDate,
    start: NaiveTime,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Booking, BookingError> {
    write_transaction(conn, |conn| {
        let (booking, offer) = changeable(conn, account, code, now, tz)?;
        let slot = offer.schedule.slot_at(date, start)?;
        if booking.day == date && booking.start_time == start {
            return Err(BookingError::InvalidSlot);
        }
        if repo::has_active_for(conn, account, booking.service_id, date, Some(booking.id))? {
            return Err(BookingError::Duplicate);
        }
        let window = offer.take_place(conn, date, slot.start)?;
        repo::release_place(conn, booking.window_id, booking.day, booking.start_time)?;
        repo::move_booking(conn, booking.id, window, date, slot.start, slot.end, now)?;
        let note = format!(
            "{} {} → {} {}",
            booking.day,
            booking.start_time.format("%H:%M"),
            date,
            slot.start.format("%H:%M")
        );
        repo::add_event(conn, booking.id, "rescheduled", &note, now)?;
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
        Ok(booking)
    })
}
