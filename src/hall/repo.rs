use chrono::NaiveDate;
use diesel::prelude::*;

use super::calendar::WorkCalendar;
use super::models::{CalendarDay, Hall, HallLevel, OpeningHours, Zone};
use crate::db::DbConn;
use crate::db::ids::{HallId, ZoneId};
use crate::db::schema::{calendar_days, halls, opening_hours, zones};

pub fn list_halls(conn: &mut DbConn) -> QueryResult<Vec<Hall>> {
    halls::table
        .filter(halls::active.eq(true))
        .order(halls::id)
        .select(Hall::as_select())
        .load(conn)
}

pub fn find_hall(conn: &mut DbConn, id: HallId) -> QueryResult<Option<Hall>> {
    halls::table
        .find(id)
        .filter(halls::active.eq(true))
        .select(Hall::as_select())
        .first(conn)
        .optional()
}

/// The hall shown when none is chosen: the first city-level hall.
pub fn default_hall(conn: &mut DbConn) -> QueryResult<Option<Hall>> {
    halls::table
        .filter(halls::active.eq(true))
        .filter(halls::level.eq(HallLevel::City.as_str()))
        .order(halls::id)
        .select(Hall::as_select())
        .first(conn)
        .optional()
}

pub fn count_halls(conn: &mut DbConn) -> QueryResult<i64> {
    halls::table.count().get_result(conn)
}

pub fn zones_of(conn: &mut DbConn, hall: HallId) -> QueryResult<Vec<Zone>> {
    zones::table
        .filter(zones::hall_id.eq(hall))
        .order(zones::letter)
        .select(Zone::as_select())
        .load(conn)
}

pub fn find_zone(conn: &mut DbConn, id: ZoneId) -> QueryResult<Zone> {
    zones::table.find(id).select(Zone::as_select()).first(conn)
}

pub fn opening_hours_of(conn: &mut DbConn, hall: HallId) -> QueryResult<Vec<OpeningHours>> {
    opening_hours::table
        .filter(opening_hours::hall_id.eq(hall))
        .order(opening_hours::weekday)
        .select(OpeningHours::as_select())
        .load(conn)
}

pub fn calendar_between(
    conn: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<CalendarDay>> {
    calendar_days::table
        .filter(calendar_days::day.between(from, to))
        .order(calendar_days::day)
        .select(CalendarDay::as_select())
        .load(conn)
}

/// The working-day calendar for a span around `from` (a year either side is
/// more than any time limit or booking horizon needs).
pub fn work_calendar_around(conn: &mut DbConn, from: NaiveDate) -> QueryResult<WorkCalendar> {
    let start = from - chrono::Duration::days(366);
    let end = from + chrono::Duration::days(366);
    Ok(WorkCalendar::new(&calendar_between(conn, start, end)?))
}
