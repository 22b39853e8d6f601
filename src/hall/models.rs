use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::ids::{HallId, ZoneId};
use crate::db::schema::{calendar_days, halls, opening_hours, zones};
use crate::text_enum;

text_enum!(
    /// The four levels of the service network.
    HallLevel {
        City = "city",
        District = "district",
        Street = "street",
        Community = "community",
    }
);

text_enum!(
    /// A holiday closes the halls; a 调休 workday opens them on a weekend.
    DayKind {
        Holiday = "holiday",
        Workday = "workday",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = halls)]
pub struct Hall {
    pub id: HallId,
    pub code: String,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub level: HallLevel,
    pub parent_id: Option<HallId>,
    pub address: String,
    pub phone: String,
    pub slot_minutes: i32,
    pub slot_capacity: i32,
    pub online_share_percent: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub booking_horizon_days: i32,
    pub same_day_cutoff: NaiveTime,
    pub min_lead_minutes: i32,
    pub cancel_cutoff_minutes: i32,
    pub max_active_bookings: i32,
    pub no_show_limit: i32,
    pub no_show_window_days: i32,
    pub suspension_days: i32,
    pub checkin_early_minutes: i32,
    pub checkin_late_minutes: i32,
    pub starvation_minutes: i32,
    /// 监督投诉电话 (12345 unless the hall has its own).
    pub complaint_phone: String,
    /// How long a freed place is held for the waiting resident it is
    /// offered to (never past the cancel cut-off before its slot).
    pub waitlist_hold_minutes: i32,
    /// How long a place freed by a cancellation or a move stays unbookable
    /// unless a waiting resident takes it (stops cancel-and-rebook trading).
    pub release_delay_minutes: i32,
    /// This many cancellations within `cancel_window_days` suspend online
    /// booking for `cancel_suspension_days`; 0 turns the rule off.
    pub cancel_limit: i32,
    pub cancel_window_days: i32,
    pub cancel_suspension_days: i32,
    /// A visit of k items counts k toward `max_active_bookings` (else one).
    pub limit_counts_items: bool,
    /// Working days a department has to follow a bad rating up.
    pub follow_up_days: i32,
    /// 0: off. Otherwise a visit not rated within this many days counts as
    /// `default_rating_grade` (shown as such).
    pub default_rating_days: i32,
    pub default_rating_grade: i32,
}

impl Hall {
    /// Online capacity of one window for one slot.
    pub fn online_capacity(&self) -> i32 {
        self.slot_capacity * self.online_share_percent / 100
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = halls)]
pub struct NewHall<'a> {
    pub code: &'a str,
    pub name: &'a str,
    #[diesel(serialize_as = String)]
    pub level: HallLevel,
    pub parent_id: Option<HallId>,
    pub address: &'a str,
    pub phone: &'a str,
    pub complaint_phone: &'a str,
    pub slot_minutes: i32,
    pub slot_capacity: i32,
    pub online_share_percent: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = zones)]
pub struct Zone {
    pub id: ZoneId,
    pub hall_id: HallId,
    pub letter: String,
    pub name: String,
    pub floor: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = zones)]
pub struct NewZone<'a> {
    pub hall_id: HallId,
    pub letter: &'a str,
    pub name: &'a str,
    pub floor: i32,
}

/// A hall's hours on one weekday (1 = Monday … 7 = Sunday); a session whose
/// start or end is missing is closed.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = opening_hours)]
pub struct OpeningHours {
    pub hall_id: HallId,
    pub weekday: i32,
    pub morning_start: Option<NaiveTime>,
    pub morning_end: Option<NaiveTime>,
    pub afternoon_start: Option<NaiveTime>,
    pub afternoon_end: Option<NaiveTime>,
}

impl OpeningHours {
    /// The open sessions of the day, in order.
    pub fn sessions(&self) -> Vec<(NaiveTime, NaiveTime)> {
        [
            (self.morning_start, self.morning_end),
            (self.afternoon_start, self.afternoon_end),
        ]
        .into_iter()
        .filter_map(|(s, e)| match (s, e) {
            (Some(s), Some(e)) if s < e => Some((s, e)),
            _ => None,
        })
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = calendar_days)]
pub struct CalendarDay {
    pub day: NaiveDate,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: DayKind,
    pub name: String,
}

/// Most halls a hall chooser lists whole; past it (a province's network)
/// it lists the city halls, the chosen hall's parents and its own halls
/// below, so a resident walks down the four levels.
pub const PICKER_ALL_UP_TO: usize = 60;

/// The halls a chooser offers when `chosen` is shown, in list order.
pub fn picker(halls: &[Hall], chosen: HallId) -> Vec<&Hall> {
    if halls.len() <= PICKER_ALL_UP_TO {
        return halls.iter().collect();
    }
    let parent_of = |id: HallId| halls.iter().find(|h| h.id == id).and_then(|h| h.parent_id);
    let mut path = vec![chosen];
    while let Some(p) = path.last().and_then(|&h| parent_of(h)) {
        if path.contains(&p) {
            break;
        }
        path.push(p);
    }
    halls
        .iter()
        .filter(|h| {
            h.level == HallLevel::City || path.contains(&h.id) || h.parent_id == Some(chosen)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_level_has_a_label_in_both_languages() {
        for level in HallLevel::ALL {
            let key = format!("level-{}", level.as_str());
            assert!(
                Lang::Zh.has(&key) && Lang::En.has(&key),
                "no label for {key}"
            );
        }
    }
}
