//! Changing a hall's rules — the one write path for the hall itself (its
//! place in the network, booking rules and capacity), its opening hours and
//! the calendar. The admin forms and the seed both come through here.

use chrono::NaiveDate;
use diesel::prelude::*;

pub use super::form::{FairUse, HallForm, ValidHall};
pub use super::hours::{day_hours, parse_week, write_week};
use super::labels::ZhLabel;
use super::models::{CalendarDay, DayKind};
use super::repo as hall_repo;
use crate::db::ids::HallId;
use crate::db::schema::{calendar_days, halls, slot_counters, windows};
use crate::db::{DbConn, write_transaction};
use crate::text::FieldErrors;

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
        );
        let fair = &v.fair;
        let fair_use = (
            halls::no_show_limit.eq(fair.no_show_limit),
            halls::no_show_window_days.eq(fair.no_show_window_days),
            halls::suspension_days.eq(fair.suspension_days),
            halls::cancel_limit.eq(fair.cancel_limit),
            halls::cancel_window_days.eq(fair.cancel_window_days),
            halls::cancel_suspension_days.eq(fair.cancel_suspension_days),
            halls::waitlist_hold_minutes.eq(fair.waitlist_hold_minutes),
            halls::release_delay_minutes.eq(fair.release_delay_minutes),
            halls::limit_counts_items.eq(fair.limit_counts_items),
        );
        let rating_rules = (
            halls::follow_up_days.eq(v.rating.follow_up_days),
            halls::default_rating_days.eq(v.rating.default_rating_days),
            halls::default_rating_grade.eq(v.rating.default_rating_grade),
        );
        match id {
            Some(id) => {
                diesel::update(halls::table.find(id))
                    .set((values, fair_use, rating_rules))
                    .execute(conn)?;
                Ok(id)
            }
            None => Ok(diesel::insert_into(halls::table)
                .values((
                    values,
                    fair_use,
                    rating_rules,
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
