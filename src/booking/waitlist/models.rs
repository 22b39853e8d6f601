use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::db::ids::{AccountId, BookingId, HallId, HoldId, ServiceId, WaitlistEntryId, WindowId};
use crate::db::schema::{place_holds, waitlist_entries};
use crate::text_enum;

text_enum!(
    /// waiting → offered → booked; offered → expired (the hold ran out) or
    /// cancelled (declined); waiting → cancelled, or expired once its day
    /// has passed; waiting → booked when the person booked the item that
    /// day themselves.
    EntryStatus {
        Waiting = "waiting",
        Offered = "offered",
        Booked = "booked",
        Expired = "expired",
        Cancelled = "cancelled",
    }
);

impl EntryStatus {
    pub const LIVE: &'static [EntryStatus] = &[EntryStatus::Waiting, EntryStatus::Offered];

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }
}

/// 候补: a resident waiting for a place of one item on one day (any slot,
/// or one slot).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = waitlist_entries)]
pub struct Entry {
    pub id: WaitlistEntryId,
    pub account_id: AccountId,
    pub hall_id: HallId,
    pub service_id: ServiceId,
    pub day: NaiveDate,
    pub start_time: Option<NaiveTime>,
    #[diesel(deserialize_as = String)]
    pub status: EntryStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub offered_at: Option<NaiveDateTime>,
    pub offer_until: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub booking_id: Option<BookingId>,
}

/// A freed place kept off the open market: for the waiting resident it is
/// offered to (`entry_id`) until `until`, or for nobody during the hall's
/// release delay. The slot counter still counts it.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = place_holds)]
pub struct Hold {
    pub id: HoldId,
    pub window_id: WindowId,
    pub day: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
    pub entry_id: Option<WaitlistEntryId>,
    pub until: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_entry_status_has_a_label() {
        for s in EntryStatus::ALL {
            let key = format!("waitlist-status-{}", s.as_str());
            assert!(Lang::Zh.has(&key) && Lang::En.has(&key), "missing {key}");
        }
    }
}
