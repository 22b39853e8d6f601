//! What can be booked: a hall's schedule (open days and slots within the
//! horizon), and the offer of a visit of one or more items — the windows
//! that serve them all, the places left and taking them.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::error::BookingError;
use super::messages::About;
use super::slots::{self, Slot};
use super::{items, repo};
use crate::catalog::models::{ServiceItem, Window};
use crate::db::DbConn;
use crate::db::ids::{ServiceId, WindowId};
use crate::hall::calendar::WorkCalendar;
use crate::hall::models::{Hall, OpeningHours};
use crate::hall::repo as hall_repo;

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
    pub(crate) fn take_place(
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
