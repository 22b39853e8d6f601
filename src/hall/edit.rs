//! Changing a hall's rules — the one write path for the hall itself (its
//! place in the network, booking rules and capacity), its opening hours and
//! the calendar. The admin forms and the seed both come through here.

use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use serde::Deserialize;

pub use super::hours::{day_hours, parse_week, write_week};
use super::labels::ZhLabel;
use super::models::{CalendarDay, DayKind, Hall, HallLevel};
use super::repo as hall_repo;
use crate::db::ids::HallId;
use crate::db::schema::{calendar_days, halls, slot_counters, windows};
use crate::db::{DbConn, write_transaction};
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
            ..Default::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HallError {
    #[error("invalid")]
    Invalid(FieldErrors),
    /// Lowering capacity below what is booked: (most booked, new capacity).
    #[error("capacity below bookings")]
    Capacity(i32, i32),
    #[error("{0}")]
    Db(#[from] diesel::result::Error),
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
        let parent: Option<HallId> = if f.parent_id.trim().is_empty() {
            None
        } else {
            f.parent_id
                .trim()
                .parse()
                .map_err(|_| e.push(("parent_id", "admin-error-choice")))
                .ok()
        };
        if level.is_some_and(|l| l != HallLevel::City) && parent.is_none() {
            e.push(("parent_id", "admin-error-parent"));
        }
        if parent.is_some() && parent == id {
            e.push(("parent_id", "admin-error-parent"));
        }
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
            no_show_limit,
            no_show_window_days,
            suspension_days,
            cancel_limit,
            cancel_window_days,
            cancel_suspension_days,
            waitlist_hold_minutes,
            release_delay_minutes,
        ] = [
            ("slot_minutes", &f.slot_minutes, 5, 240),
            ("slot_capacity", &f.slot_capacity, 0, 1000),
            ("online_share_percent", &f.online_share_percent, 0, 100),
            ("booking_horizon_days", &f.booking_horizon_days, 1, 60),
            ("cancel_cutoff_minutes", &f.cancel_cutoff_minutes, 0, 1440),
            ("max_active_bookings", &f.max_active_bookings, 1, 20),
            ("checkin_early_minutes", &f.checkin_early_minutes, 0, 240),
            ("checkin_late_minutes", &f.checkin_late_minutes, 0, 240),
            ("no_show_limit", &f.no_show_limit, 1, 100),
            ("no_show_window_days", &f.no_show_window_days, 1, 366),
            ("suspension_days", &f.suspension_days, 0, 366),
            ("cancel_limit", &f.cancel_limit, 0, 100),
            ("cancel_window_days", &f.cancel_window_days, 1, 366),
            ("cancel_suspension_days", &f.cancel_suspension_days, 0, 366),
            ("waitlist_hold_minutes", &f.waitlist_hold_minutes, 5, 1440),
            ("release_delay_minutes", &f.release_delay_minutes, 0, 240),
        ]
        .map(|(field, v, min, max)| text::number(&mut e, field, v, min, max));
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
            no_show_limit,
            no_show_window_days,
            suspension_days,
            cancel_limit,
            cancel_window_days,
            cancel_suspension_days,
            waitlist_hold_minutes,
            release_delay_minutes,
            limit_counts_items: f.limit_counts_items == "on",
        })
    }
}

/// Saves a hall. Lowering the online capacity below what a future slot
/// already holds is refused: existing bookings are never dropped.
pub fn save_hall(
    conn: &mut DbConn,
    id: Option<HallId>,
    f: &HallForm,
    today: NaiveDate,
) -> Result<HallId, HallError> {
    let v = f.validate(id).map_err(HallError::Invalid)?;
    write_hall(conn, id, &v, today)
}

/// Refuses an online capacity below what a future slot already holds.
fn keeps_bookings(
    conn: &mut DbConn,
    id: HallId,
    online: i32,
    today: NaiveDate,
) -> Result<(), HallError> {
    let most: Option<i32> = slot_counters::table
        .inner_join(windows::table)
        .filter(windows::hall_id.eq(id))
        .filter(slot_counters::day.ge(today))
        .select(diesel::dsl::max(slot_counters::booked))
        .first(conn)?;
    match most.filter(|m| *m > online) {
        Some(most) => Err(HallError::Capacity(most, online)),
        None => Ok(()),
    }
}

fn write_hall(
    conn: &mut DbConn,
    id: Option<HallId>,
    v: &ValidHall,
    today: NaiveDate,
) -> Result<HallId, HallError> {
    write_transaction(conn, |conn| {
        if let Some(p) = v.parent
            && hall_repo::find_hall(conn, p)?.is_none()
        {
            return Err(HallError::Invalid(vec![(
                "parent_id",
                "admin-error-parent",
            )]));
        }
        let clash: Option<HallId> = halls::table
            .filter(halls::code.eq(&v.code))
            .select(halls::id)
            .first(conn)
            .optional()?;
        if clash.is_some() && clash != id {
            return Err(HallError::Invalid(vec![("code", "admin-error-code-taken")]));
        }
        if let Some(id) = id {
            keeps_bookings(conn, id, v.capacity * v.share / 100, today)?;
        }
        let values = (
            halls::code.eq(&v.code),
            halls::name.eq(&v.name),
            halls::level.eq(v.level.as_str()),
            halls::parent_id.eq(v.parent),
            halls::address.eq(&v.address),
            halls::phone.eq(&v.phone),
            halls::complaint_phone.eq(&v.complaint_phone),
            halls::slot_minutes.eq(v.slot_minutes),
            halls::slot_capacity.eq(v.capacity),
            halls::online_share_percent.eq(v.share),
            halls::booking_horizon_days.eq(v.horizon),
            halls::same_day_cutoff.eq(v.cutoff),
            halls::cancel_cutoff_minutes.eq(v.cancel),
            halls::max_active_bookings.eq(v.max_active),
            halls::checkin_early_minutes.eq(v.early),
            halls::checkin_late_minutes.eq(v.late),
            halls::no_show_limit.eq(v.no_show_limit),
            halls::no_show_window_days.eq(v.no_show_window_days),
            halls::suspension_days.eq(v.suspension_days),
            halls::cancel_limit.eq(v.cancel_limit),
            halls::cancel_window_days.eq(v.cancel_window_days),
            halls::cancel_suspension_days.eq(v.cancel_suspension_days),
            halls::waitlist_hold_minutes.eq(v.waitlist_hold_minutes),
            halls::release_delay_minutes.eq(v.release_delay_minutes),
            halls::limit_counts_items.eq(v.limit_counts_items),
        );
        match id {
            Some(id) => {
                diesel::update(halls::table.find(id))
                    .set(values)
                    .execute(conn)?;
                Ok(id)
            }
            None => Ok(diesel::insert_into(halls::table)
                .values((
                    values,
                    halls::created_at.eq(today.and_hms_opt(0, 0, 0).unwrap_or_default()),
                ))
                .returning(halls::id)
                .get_result(conn)?),
        }
    })
}

/// One calendar line: a date `YYYY-MM-DD`, a kind (`休`, `班`, or `删` to
/// remove the day) and a name (the kind's label when empty).
pub fn calendar_entry(
    day: &str,
    kind: &str,
    name: &str,
) -> Option<(NaiveDate, Option<DayKind>, String)> {
    let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    let kind = match kind.trim() {
        "删" | "delete" => None,
        k => Some(DayKind::from_label(k)?),
    };
    let name = crate::text::clean_line(name, 50);
    let name = match kind {
        Some(k) if name.is_empty() => k.zh_label().to_string(),
        _ => name,
    };
    Some((day, kind, name))
}

/// Sets (or removes) each day; the count of days written.
pub fn write_calendar(
    conn: &mut DbConn,
    entries: &[(NaiveDate, Option<DayKind>, String)],
) -> QueryResult<usize> {
    write_transaction(conn, |conn| {
        let mut n = 0;
        for (day, kind, name) in entries {
            diesel::delete(calendar_days::table.find(day)).execute(conn)?;
            if let Some(kind) = kind {
                n += diesel::insert_into(calendar_days::table)
                    .values(CalendarDay {
                        day: *day,
                        kind: *kind,
                        name: name.clone(),
                    })
                    .execute(conn)?;
            }
        }
        Ok(n)
    })
}

/// One day a line: `2027-01-01 休 元旦` (or `班` for a 调休 working day,
/// `删` to remove a day); a bad line is named by its number.
pub fn parse_bulk(text: &str) -> Result<Vec<(NaiveDate, Option<DayKind>, String)>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, char::is_whitespace);
        let (day, kind, name) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
        let entry = day.zip(kind).and_then(|(d, k)| calendar_entry(d, k, name));
        out.push(entry.ok_or(i + 1)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_days_is_entered_one_a_line() {
        let days =
            parse_bulk("2027-01-01 休 元旦\n\n2027-02-07 班 春节调休上班\n2027-03-01 删").unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].1, Some(DayKind::Holiday));
        assert_eq!(days[1].2, "春节调休上班");
        assert_eq!(days[2].1, None);
        assert_eq!(parse_bulk("2027-01-01 休\n2027-13-01 休"), Err(2));
        assert_eq!(parse_bulk("2027-01-01 放假"), Err(1));
    }

    #[test]
    fn opening_hours_need_ordered_sessions() {
        let f = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let week = parse_week(
            HallId(1),
            &f(&[
                ("d1_0", "08:30"),
                ("d1_1", "12:00"),
                ("d1_2", "14:00"),
                ("d1_3", "17:30"),
            ]),
        )
        .unwrap();
        assert_eq!(week[0].sessions().len(), 2);
        assert!(week[5].sessions().is_empty());
        assert_eq!(
            parse_week(HallId(1), &f(&[("d2_0", "12:00"), ("d2_1", "08:30")])),
            Err(2)
        );
        assert_eq!(parse_week(HallId(1), &f(&[("d3_0", "08:30")])), Err(3));
        assert_eq!(parse_week(HallId(1), &f(&[("d4_0", "8 点")])), Err(4));
    }
}
