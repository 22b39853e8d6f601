//! Opening hours: two sessions a day, each written the same way by the
//! admin form and the seed.

use super::models::OpeningHours;
use crate::db::ids::HallId;
use crate::db::schema::opening_hours;
use crate::db::{DbConn, write_transaction};
use chrono::NaiveTime;
use diesel::prelude::*;

/// One day's sessions from four `HH:MM` texts (empty: closed): a session is
/// open when both its times are given and the start comes first, and the
/// afternoon does not start before the morning ends.
pub fn day_hours(hall: HallId, weekday: i32, texts: [&str; 4]) -> Option<OpeningHours> {
    if !(1..=7).contains(&weekday) {
        return None;
    }
    let mut times = [None; 4];
    for (slot, v) in times.iter_mut().zip(texts) {
        let v = v.trim();
        if !v.is_empty() {
            *slot = Some(NaiveTime::parse_from_str(v, "%H:%M").ok()?);
        }
    }
    for (s, e) in [(0, 1), (2, 3)] {
        match (times[s], times[e]) {
            (Some(s), Some(e)) if s < e => {}
            (None, None) => {}
            _ => return None,
        }
    }
    if let (Some(me), Some(as_)) = (times[1], times[2])
        && as_ < me
    {
        return None;
    }
    Some(OpeningHours {
        hall_id: hall,
        weekday,
        morning_start: times[0],
        morning_end: times[1],
        afternoon_start: times[2],
        afternoon_end: times[3],
    })
}

/// Replaces the hall's week.
pub fn write_week(conn: &mut DbConn, hall: HallId, week: &[OpeningHours]) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        diesel::delete(opening_hours::table.filter(opening_hours::hall_id.eq(hall)))
            .execute(conn)?;
        for h in week.iter().filter(|h| h.hall_id == hall) {
            diesel::insert_into(opening_hours::table)
                .values(h.clone())
                .execute(conn)?;
        }
        Ok(())
    })
}

/// The hours form's `d{weekday}_{0..3}` fields as a week; a bad day is
/// named by its weekday.
pub fn parse_week(hall: HallId, fields: &[(String, String)]) -> Result<Vec<OpeningHours>, i32> {
    let get = |wd: i32, i: i32| {
        fields
            .iter()
            .find(|(k, _)| *k == format!("d{wd}_{i}"))
            .map_or("", |(_, v)| v.as_str())
    };
    (1..=7)
        .map(|wd| day_hours(hall, wd, [get(wd, 0), get(wd, 1), get(wd, 2), get(wd, 3)]).ok_or(wd))
        .collect()
}
