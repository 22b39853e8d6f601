//! The case clocks in the statistics, per department: cases concluded in
//! the period and how many of them by their promised date (按时办结率),
//! beside today's cases due within two working days, overdue ones and late
//! 补正 notices.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::report::{StatsFilter, ratio};
use crate::cases::alerts;
use crate::db::DbConn;
use crate::db::ids::DepartmentId;
use crate::db::schema::{cases, departments, tickets};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DepartmentClock {
    pub name: String,
    pub concluded: i64,
    pub on_time: i64,
    /// Concluded by the promised date ÷ concluded, in the period.
    pub on_time_rate: f64,
    pub due_soon: i64,
    pub overdue: i64,
    pub notice_overdue: i64,
}

/// (department, on time, count) of the cases concluded in the period.
fn concluded(
    conn: &mut DbConn,
    f: &StatsFilter,
    day_start_utc: &impl Fn(NaiveDate) -> NaiveDateTime,
) -> QueryResult<Vec<(DepartmentId, Option<bool>, i64)>> {
    let mut q = cases::table
        .filter(cases::concluded_at.ge(day_start_utc(f.from)))
        .filter(cases::concluded_at.lt(day_start_utc(f.to + Duration::days(1))))
        .group_by((cases::department_id, cases::on_time))
        .select((cases::department_id, cases::on_time, count_star()))
        .into_boxed();
    if let Some(h) = f.hall {
        q = q.filter(cases::hall_id.eq(h));
    }
    if let Some(d) = f.department {
        q = q.filter(cases::department_id.eq(d));
    }
    if let Some(s) = f.service {
        q = q.filter(cases::service_id.eq(s));
    }
    if let Some(w) = f.window {
        q = q.filter(
            cases::ticket_id.eq_any(
                tickets::table
                    .filter(tickets::window_id.eq(w))
                    .select(tickets::id),
            ),
        );
    }
    q.load(conn)
}

/// One row per department with a concluded case in the period or a case
/// to watch today, in the hall's department order.
pub(crate) fn case_clocks(
    conn: &mut DbConn,
    f: &StatsFilter,
    today: NaiveDate,
    day_start_utc: &impl Fn(NaiveDate) -> NaiveDateTime,
) -> QueryResult<Vec<DepartmentClock>> {
    let done = concluded(conn, f, day_start_utc)?;
    let watch = alerts::by_department(conn, f.hall, f.department, today)?;
    let mut ids: Vec<DepartmentId> = done.iter().map(|(d, _, _)| *d).collect();
    ids.extend(watch.iter().map(|w| w.department));
    ids.sort();
    ids.dedup();
    let names: Vec<(DepartmentId, String)> = departments::table
        .filter(departments::id.eq_any(&ids))
        .order((departments::sort_order, departments::id))
        .select((departments::id, departments::name))
        .load(conn)?;
    Ok(names
        .into_iter()
        .map(|(d, name)| {
            let mine = done.iter().filter(|(x, _, _)| *x == d);
            let concluded: i64 = mine.clone().map(|(_, _, n)| n).sum();
            let on_time: i64 = mine
                .filter(|(_, t, _)| *t == Some(true))
                .map(|(_, _, n)| n)
                .sum();
            let w = watch.iter().find(|w| w.department == d);
            DepartmentClock {
                name,
                concluded,
                on_time,
                on_time_rate: ratio(on_time, concluded),
                due_soon: w.map_or(0, |w| w.due_soon),
                overdue: w.map_or(0, |w| w.overdue),
                notice_overdue: w.map_or(0, |w| w.notice_overdue),
            }
        })
        .collect())
}
