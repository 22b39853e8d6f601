use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::db::ids::{AccountId, BookingId, HallId, ServiceId, WindowId};
use crate::db::schema::{booking_events, bookings};
use crate::text_enum;

text_enum!(
    /// The contract's booking statuses.
    BookingStatus {
        Booked = "booked",
        CheckedIn = "checked_in",
        Called = "called",
        Serving = "serving",
        Completed = "completed",
        Cancelled = "cancelled",
        NoShow = "no_show",
    }
);

impl BookingStatus {
    /// Statuses that hold a slot and count toward the person's limits.
    pub const ACTIVE: &'static [BookingStatus] = &[
        BookingStatus::Booked,
        BookingStatus::CheckedIn,
        BookingStatus::Called,
        BookingStatus::Serving,
    ];

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    pub fn active_strs() -> Vec<&'static str> {
        Self::ACTIVE.iter().map(|s| s.as_str()).collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = bookings)]
pub struct Booking {
    pub id: BookingId,
    pub code: String,
    pub account_id: AccountId,
    pub hall_id: HallId,
    pub service_id: ServiceId,
    pub window_id: WindowId,
    pub day: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    #[diesel(deserialize_as = String)]
    pub status: BookingStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Places taken in the slot: one per item of the visit.
    pub places: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = bookings)]
pub struct NewBooking {
    pub code: String,
    pub account_id: AccountId,
    pub hall_id: HallId,
    pub service_id: ServiceId,
    pub window_id: WindowId,
    pub day: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    #[diesel(serialize_as = String)]
    pub status: BookingStatus,
    pub places: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = booking_events)]
pub struct BookingEvent {
    pub id: i32,
    pub booking_id: BookingId,
    pub status: String,
    pub note: String,
    pub at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_status_has_a_label_and_an_explanation() {
        for s in BookingStatus::ALL {
            for key in [
                format!("status-{}", s.as_str()),
                format!("status-{}-explain", s.as_str()),
            ] {
                assert!(Lang::Zh.has(&key) && Lang::En.has(&key), "missing {key}");
            }
        }
    }
}
