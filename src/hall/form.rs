//! The hall's form: its place in the network, its booking rules and its
//! fair-use rules, as typed and as checked.

use chrono::NaiveTime;
use serde::Deserialize;

use super::models::{Hall, HallLevel};
use crate::db::ids::HallId;
use crate::text::{self, FieldErrors};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HallForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub complaint_phone: String,
    #[serde(default)]
    pub slot_minutes: String,
    #[serde(default)]
    pub slot_capacity: String,
    #[serde(default)]
    pub online_share_percent: String,
    #[serde(default)]
    pub booking_horizon_days: String,
    #[serde(default)]
    pub same_day_cutoff: String,
    #[serde(default)]
    pub cancel_cutoff_minutes: String,
    #[serde(default)]
    pub max_active_bookings: String,
    #[serde(default)]
    pub checkin_early_minutes: String,
    #[serde(default)]
    pub checkin_late_minutes: String,
    #[serde(default)]
    pub no_show_limit: String,
    #[serde(default)]
    pub no_show_window_days: String,
    #[serde(default)]
    pub suspension_days: String,
    #[serde(default)]
    pub cancel_limit: String,
    #[serde(default)]
    pub cancel_window_days: String,
    #[serde(default)]
    pub cancel_suspension_days: String,
    #[serde(default)]
    pub waitlist_hold_minutes: String,
    #[serde(default)]
    pub release_delay_minutes: String,
    /// A checkbox: "on" when a visit of k items counts k active bookings.
    #[serde(default)]
    pub limit_counts_items: String,
    #[serde(default)]
    pub follow_up_days: String,
    #[serde(default)]
    pub default_rating_days: String,
    #[serde(default)]
    pub default_rating_grade: String,
}

/// The hall's 监督投诉电话; left empty, the 12345 hotline that takes
/// complaints about every hall.
fn complaint_line(typed: &str) -> String {
    match crate::text::clean_line(typed, 30) {
        p if p.trim().is_empty() => "12345".to_string(),
        p => p,
    }
}

impl HallForm {
    pub fn of(h: &Hall) -> Self {
        HallForm {
            code: h.code.clone(),
            name: h.name.clone(),
            level: h.level.as_str().into(),
            parent_id: h.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            address: h.address.clone(),
            phone: h.phone.clone(),
            complaint_phone: h.complaint_phone.clone(),
            slot_minutes: h.slot_minutes.to_string(),
            slot_capacity: h.slot_capacity.to_string(),
            online_share_percent: h.online_share_percent.to_string(),
            booking_horizon_days: h.booking_horizon_days.to_string(),
            same_day_cutoff: h.same_day_cutoff.format("%H:%M").to_string(),
            cancel_cutoff_minutes: h.cancel_cutoff_minutes.to_string(),
            max_active_bookings: h.max_active_bookings.to_string(),
            checkin_early_minutes: h.checkin_early_minutes.to_string(),
            checkin_late_minutes: h.checkin_late_minutes.to_string(),
            no_show_limit: h.no_show_limit.to_string(),
            no_show_window_days: h.no_show_window_days.to_string(),
            suspension_days: h.suspension_days.to_string(),
            cancel_limit: h.cancel_limit.to_string(),
            cancel_window_days: h.cancel_window_days.to_string(),
            cancel_suspension_days: h.cancel_suspension_days.to_string(),
            waitlist_hold_minutes: h.waitlist_hold_minutes.to_string(),
            release_delay_minutes: h.release_delay_minutes.to_string(),
            limit_counts_items: if h.limit_counts_items { "on" } else { "" }.into(),
            follow_up_days: h.follow_up_days.to_string(),
            default_rating_days: h.default_rating_days.to_string(),
            default_rating_grade: h.default_rating_grade.to_string(),
        }
    }

    /// A new hall's form: the rules every hall starts with.
    pub fn new_hall() -> Self {
        HallForm {
            level: "community".into(),
            slot_minutes: "30".into(),
            slot_capacity: "2".into(),
            online_share_percent: "50".into(),
            booking_horizon_days: "7".into(),
            same_day_cutoff: "12:00".into(),
            cancel_cutoff_minutes: "60".into(),
            max_active_bookings: "3".into(),
            checkin_early_minutes: "30".into(),
            checkin_late_minutes: "15".into(),
            no_show_limit: "3".into(),
            no_show_window_days: "90".into(),
            suspension_days: "30".into(),
            cancel_limit: "5".into(),
            cancel_window_days: "30".into(),
            cancel_suspension_days: "7".into(),
            waitlist_hold_minutes: "120".into(),
            release_delay_minutes: "10".into(),
            follow_up_days: "5".into(),
            default_rating_days: "0".into(),
            default_rating_grade: "5".into(),
            ..Default::default()
        }
    }
}

/// A hall's settings that passed validation.
#[derive(Debug, Clone)]
pub struct ValidHall {
    pub code: String,
    pub name: String,
    pub level: HallLevel,
    pub parent: Option<HallId>,
    pub address: String,
    pub phone: String,
    pub complaint_phone: String,
    pub slot_minutes: i32,
    pub capacity: i32,
    pub share: i32,
    pub horizon: i32,
    pub cutoff: NaiveTime,
    pub cancel: i32,
    pub max_active: i32,
    pub early: i32,
    pub late: i32,
    pub fair: FairUse,
    pub rating: RatingRules,
}

/// The hall's 好差评 rules: the follow-up deadline of a bad rating in
/// working days, and the optional default grade of a visit not rated
/// within some days (0: off, the national default).
#[derive(Debug, Clone, Copy)]
pub struct RatingRules {
    pub follow_up_days: i32,
    pub default_rating_days: i32,
    pub default_rating_grade: i32,
}

/// The hall's fair-use rules: no-shows and cancellations that suspend online
/// booking, the release delay of a freed place and the waiting list's hold.
#[derive(Debug, Clone)]
pub struct FairUse {
    pub no_show_limit: i32,
    pub no_show_window_days: i32,
    pub suspension_days: i32,
    pub cancel_limit: i32,
    pub cancel_window_days: i32,
    pub cancel_suspension_days: i32,
    pub waitlist_hold_minutes: i32,
    pub release_delay_minutes: i32,
    pub limit_counts_items: bool,
}

impl HallForm {
    /// `id`: the hall being edited (it cannot be its own parent).
    pub fn validate(&self, id: Option<HallId>) -> Result<ValidHall, FieldErrors> {
        let f = self;
        let mut e = FieldErrors::new();
        let code = text::code(&mut e, "code", &f.code);
        let name = f.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            e.push(("name", "admin-error-required"));
        }
        let level = f
            .level
            .parse::<HallLevel>()
            .map_err(|_| e.push(("level", "admin-error-choice")))
            .ok();
        let parent = f.parent(&mut e, id, level);
        let cutoff = NaiveTime::parse_from_str(f.same_day_cutoff.trim(), "%H:%M")
            .map_err(|_| e.push(("same_day_cutoff", "admin-error-time")))
            .ok();
        // Numbers: (field, value, least, most).
        let [
            slot_minutes,
            capacity,
            share,
            horizon,
            cancel,
            max_active,
            early,
            late,
        ] = [
            ("slot_minutes", &f.slot_minutes, 5, 240),
            ("slot_capacity", &f.slot_capacity, 0, 1000),
            ("online_share_percent", &f.online_share_percent, 0, 100),
            ("booking_horizon_days", &f.booking_horizon_days, 1, 60),
            ("cancel_cutoff_minutes", &f.cancel_cutoff_minutes, 0, 1440),
            ("max_active_bookings", &f.max_active_bookings, 1, 20),
            ("checkin_early_minutes", &f.checkin_early_minutes, 0, 240),
            ("checkin_late_minutes", &f.checkin_late_minutes, 0, 240),
        ]
        .map(|(field, v, min, max)| text::number(&mut e, field, v, min, max));
        let fair = f.fair_use(&mut e);
        let rating = f.rating_rules(&mut e);
        let address = crate::text::clean_line(&f.address, 200);
        let phone = crate::text::clean_line(&f.phone, 30);
        let complaint_phone = complaint_line(&f.complaint_phone);
        let (Some(level), Some(cutoff)) = (level, cutoff) else {
            return Err(e);
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(ValidHall {
            code,
            name,
            level,
            parent,
            address,
            phone,
            complaint_phone,
            slot_minutes,
            capacity,
            share,
            horizon,
            cutoff,
            cancel,
            max_active,
            early,
            late,
            fair,
            rating,
        })
    }

    /// The hall above this one: required below the city level, never the
    /// hall itself.
    fn parent(
        &self,
        e: &mut FieldErrors,
        id: Option<HallId>,
        level: Option<HallLevel>,
    ) -> Option<HallId> {
        let parent: Option<HallId> = if self.parent_id.trim().is_empty() {
            None
        } else {
            self.parent_id
                .trim()
                .parse()
                .map_err(|_| e.push(("parent_id", "admin-error-choice")))
                .ok()
        };
        let needed = level.is_some_and(|l| l != HallLevel::City) && parent.is_none();
        if needed || (parent.is_some() && parent == id) {
            e.push(("parent_id", "admin-error-parent"));
        }
        parent
    }

    fn rating_rules(&self, e: &mut FieldErrors) -> RatingRules {
        let f = self;
        // Left empty: the national defaults (5 working days; the rule off).
        let [follow_up_days, default_rating_days, default_rating_grade] = [
            ("follow_up_days", &f.follow_up_days, 1, 30, 5),
            ("default_rating_days", &f.default_rating_days, 0, 60, 0),
            ("default_rating_grade", &f.default_rating_grade, 1, 5, 5),
        ]
        .map(|(field, v, min, max, default)| {
            text::optional_number(e, field, v, min, max).unwrap_or(default)
        });
        RatingRules {
            follow_up_days,
            default_rating_days,
            default_rating_grade,
        }
    }

    fn fair_use(&self, e: &mut FieldErrors) -> FairUse {
        let f = self;
        // (field, value, least, most)
        let [
            no_show_limit,
            no_show_window_days,
            suspension_days,
            cancel_limit,
            cancel_window_days,
            cancel_suspension_days,
            waitlist_hold_minutes,
            release_delay_minutes,
        ] = [
            ("no_show_limit", &f.no_show_limit, 1, 100),
            ("no_show_window_days", &f.no_show_window_days, 1, 366),
            ("suspension_days", &f.suspension_days, 0, 366),
            ("cancel_limit", &f.cancel_limit, 0, 100),
            ("cancel_window_days", &f.cancel_window_days, 1, 366),
            ("cancel_suspension_days", &f.cancel_suspension_days, 0, 366),
            ("waitlist_hold_minutes", &f.waitlist_hold_minutes, 5, 1440),
            ("release_delay_minutes", &f.release_delay_minutes, 0, 240),
        ]
        .map(|(field, v, min, max)| text::number(e, field, v, min, max));
        FairUse {
            no_show_limit,
            no_show_window_days,
            suspension_days,
            cancel_limit,
            cancel_window_days,
            cancel_suspension_days,
            waitlist_hold_minutes,
            release_delay_minutes,
            limit_counts_items: f.limit_counts_items == "on",
        }
    }
}
