//! Booking, cancelling and rescheduling. Each is one write transaction in
//! which the database enforces the invariants: the slot counter's
//! conditional UPDATE (capacity: a visit of k items takes k places of one
//! window), a lock on the person's account row while their active bookings
//! and items are counted, and the place a cancellation or a move frees is
//! offered to the waiting list (or held for the hall's release delay) in
//! the same transaction that frees it.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

pub use super::error::{BookingError, Suspension};
use super::messages::{self, About};
use super::models::{Booking, BookingStatus, NewBooking};
use super::slots::{self, Slot};
use super::waitlist::holds::{self, Cause, Freed, Guard};
use super::waitlist::service as waitlist;
use super::{code, items, repo, rules};
use crate::catalog::models::{ServiceItem, Window};
use crate::db::ids::{AccountId, ServiceId, WindowId};
use crate::db::schema::accounts;
use crate::db::{DbConn, write_transaction};
use crate::hall::calendar::WorkCalendar;
use crate::hall::models::{Hall, OpeningHours};
use crate::hall::repo as hall_repo;
use crate::notify::MessageKind;
use crate::notify::outbox;

/// Everything needed to decide which slots of a hall are open.
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

    /// The last hall-local moment a booked slot may be cancelled or moved.
    pub fn cancel_deadline(&self, day: NaiveDate, start: NaiveTime) -> NaiveDateTime {
        day.and_time(start) - Duration::minutes(i64::from(self.hall.cancel_cutoff_minutes))
    }
}

/// The items of one visit, their hall's schedule and the windows that
/// serve all of them.
pub struct Offer {
    /// The first item: it names the visit.
    pub item: ServiceItem,
    /// The other items of the visit (一窗受理), in the order chosen.
    pub also: Vec<ServiceItem>,
    pub schedule: Schedule,
    /// Active windows that serve every item of the visit.
    pub windows: Vec<Window>,
    /// The items' names, for messages ("居民身份证换领、户口项目变更").
    pub names: String,
}

impl Offer {
    /// Every item of the visit, the first first.
    pub fn items(&self) -> impl Iterator<Item = &ServiceItem> {
        std::iter::once(&self.item).chain(self.also.iter())
    }

    pub fn ids(&self) -> Vec<ServiceId> {
        self.items().map(|i| i.id).collect()
    }

    /// Places the visit takes in its slot: one per item.
    pub fn places(&self) -> i32 {
        1 + self.also.len() as i32
    }

    /// Whether the visit can be booked online now: every item allows it,
    /// and a window serves them all (an item nobody serves would show every
    /// slot full).
    pub fn check_bookable(&self) -> Result<(), BookingError> {
        if self.items().any(|i| !i.bookable_online) {
            Err(BookingError::NotBookable)
        } else if self.windows.is_empty() && self.also.is_empty() {
            Err(BookingError::NoWindow)
        } else if self.windows.is_empty() {
            Err(BookingError::NoCommonWindow)
        } else {
            Ok(())
        }
    }

    /// What a message about a booking of this visit names.
    pub fn about(&self) -> About<'_> {
        About {
            hall: &self.schedule.hall.name,
            item: &self.names,
        }
    }

    pub fn load(
        conn: &mut DbConn,
        service: ServiceId,
        now: NaiveDateTime,
        tz: Tz,
    ) -> Result<Offer, BookingError> {
        Self::load_visit(conn, &[service], now, tz)
    }

    /// The offer for a visit of several items (1–5 of one hall).
    pub fn load_visit(
        conn: &mut DbConn,
        services: &[ServiceId],
        now: NaiveDateTime,
        tz: Tz,
    ) -> Result<Offer, BookingError> {
        let mut list = items::load(conn, services)?.into_iter();
        let item = list.next().ok_or(BookingError::InvalidItems)?;
        let also: Vec<ServiceItem> = list.collect();
        let hall =
            hall_repo::find_hall(conn, item.hall_id)?.ok_or(BookingError::ServiceNotFound)?;
        let ids: Vec<ServiceId> = std::iter::once(item.id)
            .chain(also.iter().map(|i| i.id))
            .collect();
        let names = std::iter::once(item.name.as_str())
            .chain(also.iter().map(|i| i.name.as_str()))
            .collect::<Vec<_>>()
            .join("、");
        Ok(Offer {
            windows: items::common_windows(conn, &ids)?,
            schedule: Schedule::load(conn, hall, now, tz)?,
            item,
            also,
            names,
        })
    }

    /// Visits of this size that still fit per open slot of `date` (a
    /// window with 3 places left takes one visit of 2 items); `None`
    /// outside the horizon.
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
        let k = self.places();
        Ok(Some(
            open.into_iter()
                .map(|slot| {
                    let fit: i32 = ids
                        .iter()
                        .map(|w| {
                            let left = cap - counters.get(&(*w, slot.start)).copied().unwrap_or(0);
                            left.max(0) / k
                        })
                        .sum();
                    (slot, fit)
                })
                .collect(),
        ))
    }

    /// Takes the visit's places at the least-loaded window that still has
    /// room for all of them.
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
            if repo::take_places(conn, window, date, start, cap, self.places())? {
                return Ok(window);
            }
        }
        Err(BookingError::SlotFull)
    }
}

/// Serialises one person's bookings on PostgreSQL (the row lock is held to
/// the end of the transaction); SQLite's IMMEDIATE transaction already does.
pub(crate) fn lock_person(conn: &mut DbConn, account: AccountId) -> QueryResult<()> {
    diesel::update(accounts::table.find(account))
        .set(accounts::failed_logins.eq(accounts::failed_logins))
        .execute(conn)?;
    Ok(())
}

/// Whether the person may book now, and why not: suspended (for no-shows
/// or for repeated cancellations), or at their limit of active bookings
/// with `adding` more (1 for a visit, or its item count where the hall
/// counts items).
pub(crate) fn check_person(
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
    write_transaction(conn, |conn| {
        let offer = Offer::load_visit(conn, &req.services, now, tz)?;
        offer.check_bookable()?;
        let slot = offer.schedule.slot_at(req.date, req.start)?;
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
