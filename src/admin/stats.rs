//! Statistics over a period: bookings, check-ins, walk-ins, no-shows, waits
//! (average and 90th percentile), service times, cases and 好差评 — per
//! hall, department, window or item. Every figure is an aggregate query;
//! distributions come back grouped by value, never row by row.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::{count, count_star, sql, sum};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable};

pub use super::report::{DayRow, Report, StatsFilter, WaitlistFigures, percentile, ratio};
use crate::booking::models::BookingStatus;
use crate::cases::models::CaseStatus;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId};
use crate::db::schema::{bookings, cases, ratings, service_items, tickets};

/// Upper bounds (minutes) of the wait-distribution bars; the last is open.
pub const WAIT_BUCKETS: [i64; 8] = [5, 10, 15, 20, 30, 45, 60, i64::MAX];

macro_rules! scoped {
    ($query:expr, $table:ident, $f:expr) => {{
        let mut q = $query;
        if let Some(h) = $f.hall {
            q = q.filter($table::hall_id.eq(h));
        }
        if let Some(d) = $f.department {
            q = q.filter(
                $table::service_id.eq_any(
                    service_items::table
                        .filter(service_items::department_id.eq(d))
                        .select(service_items::id),
                ),
            );
        }
        if let Some(s) = $f.service {
            q = q.filter($table::service_id.eq(s));
        }
        q
    }};
}

pub(crate) type Days = BTreeMap<NaiveDate, DayRow>;

fn count_bookings(conn: &mut DbConn, f: &StatsFilter, days: &mut Days) -> QueryResult<()> {
    // Bookings by day and status.
    let mut q = scoped!(
        bookings::table
            .filter(bookings::day.between(f.from, f.to))
            .group_by((bookings::day, bookings::status))
            .select((bookings::day, bookings::status, count_star()))
            .into_boxed(),
        bookings,
        f
    );
    if let Some(w) = f.window {
        q = q.filter(bookings::window_id.eq(w));
    }
    for (day, status, n) in q.load::<(NaiveDate, String, i64)>(conn)? {
        if let Some(row) = days.get_mut(&day) {
            row.bookings += n;
            if status == BookingStatus::Cancelled.as_str() {
                row.cancelled += n;
            } else if status == BookingStatus::NoShow.as_str() {
                row.no_show += n;
            }
        }
    }

    Ok(())
}

/// Counts the tickets into the days; returns the total and the count of
/// service times.
fn count_tickets(conn: &mut DbConn, f: &StatsFilter, days: &mut Days) -> QueryResult<(i64, i64)> {
    // Tickets by day and status, in one pass over the covering index:
    // check-ins are the tickets with a booking, the rest walked in.
    let mut q = scoped!(
        tickets::table
            .filter(tickets::day.between(f.from, f.to))
            .group_by((tickets::day, tickets::status))
            .select((
                tickets::day,
                tickets::status,
                count_star(),
                count(tickets::booking_id),
                sum(tickets::service_seconds),
                count(tickets::service_seconds),
            ))
            .into_boxed(),
        tickets,
        f
    );
    if let Some(w) = f.window {
        q = q.filter(tickets::window_id.eq(w));
    }
    let (mut service_total, mut service_count) = (0i64, 0i64);
    type TicketDay = (NaiveDate, String, i64, i64, Option<i64>, i64);
    for (day, status, n, booked, service_sum, served) in q.load::<TicketDay>(conn)? {
        service_total += service_sum.unwrap_or(0);
        service_count += served;
        if let Some(row) = days.get_mut(&day) {
            row.check_ins += booked;
            row.walk_ins += n - booked;
            if status == "completed" {
                row.completed += n;
            }
        }
    }

    Ok((service_total, service_count))
}

/// Waits by whole minute, sorted; their total and count; the histogram.
struct Waits {
    sorted: Vec<(i64, i64)>,
    total: i64,
    count: i64,
    histogram: Vec<i64>,
}

fn waits(conn: &mut DbConn, f: &StatsFilter) -> QueryResult<Waits> {
    // Waits: grouped by whole minutes, enough for the histogram and p90.
    let minute = sql::<Nullable<Integer>>("tickets.wait_seconds / 60");
    let mut q = scoped!(
        tickets::table
            .filter(tickets::day.between(f.from, f.to))
            .filter(tickets::wait_seconds.is_not_null())
            .group_by(minute.clone())
            .select((minute, count_star(), sum(tickets::wait_seconds)))
            .into_boxed(),
        tickets,
        f
    );
    if let Some(w) = f.window {
        q = q.filter(tickets::window_id.eq(w));
    }
    let waits: Vec<(Option<i32>, i64, Option<i64>)> = q.load(conn)?;
    let mut sorted: Vec<(i64, i64)> = Vec::with_capacity(waits.len());
    let (mut wait_total, mut wait_count) = (0i64, 0i64);
    for (m, n, total) in waits {
        sorted.push((i64::from(m.unwrap_or(0)), n));
        wait_total += total.unwrap_or(0);
        wait_count += n;
    }
    sorted.sort_unstable();
    let mut histogram = vec![0; WAIT_BUCKETS.len()];
    for (m, n) in &sorted {
        let i = WAIT_BUCKETS
            .iter()
            .position(|b| m < b)
            .unwrap_or(WAIT_BUCKETS.len() - 1);
        histogram[i] += n;
    }

    Ok(Waits {
        sorted,
        total: wait_total,
        count: wait_count,
        histogram,
    })
}

/// Cases accepted in the period by status, and how many are overdue.
fn count_cases(
    conn: &mut DbConn,
    f: &StatsFilter,
    today: NaiveDate,
) -> QueryResult<(Vec<(String, i64)>, i64)> {
    // Cases accepted in the period, by status; overdue ones.
    let mut q = scoped!(
        cases::table
            .filter(cases::accepted_on.between(f.from, f.to))
            .group_by(cases::status)
            .select((cases::status, count_star()))
            .into_boxed(),
        cases,
        f
    );
    if let Some(w) = f.window {
        q = q.filter(
            cases::ticket_id.eq_any(
                tickets::table
                    .filter(tickets::window_id.eq(w))
                    .select(tickets::id),
            ),
        );
    }
    let case_rows: Vec<(String, i64)> = q.load(conn)?;
    let mut q = scoped!(
        cases::table
            .filter(cases::accepted_on.between(f.from, f.to))
            .into_boxed(),
        cases,
        f
    );
    if let Some(w) = f.window {
        q = q.filter(
            cases::ticket_id.eq_any(
                tickets::table
                    .filter(tickets::window_id.eq(w))
                    .select(tickets::id),
            ),
        );
    }
    let cases_overdue: i64 = q
        .filter(cases::status.eq_any([
            CaseStatus::Accepted.as_str(),
            CaseStatus::Reviewing.as_str(),
        ]))
        .filter(cases::suspended_since.is_null())
        .filter(cases::promised_due.lt(today))
        .count()
        .get_result(conn)?;

    Ok((case_rows, cases_overdue))
}

fn count_grades(
    conn: &mut DbConn,
    f: &StatsFilter,
    day_start_utc: &impl Fn(NaiveDate) -> NaiveDateTime,
) -> QueryResult<[i64; 5]> {
    // Ratings given in the period.
    let mut q = scoped!(
        ratings::table
            .filter(ratings::created_at.ge(day_start_utc(f.from)))
            .filter(ratings::created_at.lt(day_start_utc(f.to + Duration::days(1))))
            .group_by(ratings::grade)
            .select((ratings::grade, count_star()))
            .into_boxed(),
        ratings,
        f
    );
    if let Some(w) = f.window {
        q = q.filter(ratings::window_id.eq(w));
    }
    let mut grades = [0i64; 5];
    for (g, n) in q.load::<(i32, i64)>(conn)? {
        if (1..=5).contains(&g) {
            grades[(g - 1) as usize] += n;
        }
    }

    Ok(grades)
}

pub fn report(
    conn: &mut DbConn,
    f: &StatsFilter,
    today: NaiveDate,
    day_start_utc: impl Fn(NaiveDate) -> NaiveDateTime,
) -> QueryResult<Report> {
    let mut days: Days = BTreeMap::new();
    let mut d = f.from;
    while d <= f.to {
        days.insert(
            d,
            DayRow {
                date: d,
                ..Default::default()
            },
        );
        d += Duration::days(1);
    }
    count_bookings(conn, f, &mut days)?;
    let (service_total, service_count) = count_tickets(conn, f, &mut days)?;
    let multi_item_visits = super::stats_items::count_items(conn, f, &mut days)?;
    let waitlist = super::stats_items::count_waitlist(conn, f)?;
    let w = waits(conn, f)?;
    let (case_rows, cases_overdue) = count_cases(conn, f, today)?;
    let grades = count_grades(conn, f, &day_start_utc)?;
    let case_clocks = super::stats_cases::case_clocks(conn, f, today, &day_start_utc)?;
    let on_time: i64 = case_clocks.iter().map(|c| c.on_time).sum();
    let concluded: i64 = case_clocks.iter().map(|c| c.concluded).sum();
    let days: Vec<DayRow> = days.into_values().collect();
    let bookings: i64 = days.iter().map(|d| d.bookings).sum();
    let cancelled: i64 = days.iter().map(|d| d.cancelled).sum();
    let no_show: i64 = days.iter().map(|d| d.no_show).sum();
    let rated: i64 = grades.iter().sum();
    Ok(Report {
        no_show_rate: ratio(no_show, bookings - cancelled),
        check_ins: days.iter().map(|d| d.check_ins).sum(),
        walk_ins: days.iter().map(|d| d.walk_ins).sum(),
        completed: days.iter().map(|d| d.completed).sum(),
        items_served: days.iter().map(|d| d.items_served).sum(),
        multi_item_visits,
        waitlist,
        avg_wait_minutes: ratio(w.total, w.count) / 60.0,
        p90_wait_minutes: percentile(&w.sorted, 0.9) as f64,
        avg_service_minutes: ratio(service_total, service_count) / 60.0,
        wait_histogram: w.histogram,
        cases: CaseStatus::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    case_rows
                        .iter()
                        .find(|(x, _)| x == s.as_str())
                        .map(|(_, n)| *n)
                        .unwrap_or(0),
                )
            })
            .collect(),
        cases_overdue,
        on_time_rate: ratio(on_time, concluded),
        case_clocks,
        satisfaction_rate: ratio(grades[2] + grades[3] + grades[4], rated),
        ratings: grades,
        days,
        bookings,
        cancelled,
        no_show,
    })
}

/// Items whose longest current wait today is over their target.
pub fn breaches_today(
    conn: &mut DbConn,
    hall: Option<HallId>,
    department: Option<DepartmentId>,
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<Vec<(String, i64, i32)>> {
    let mut q = tickets::table
        .inner_join(service_items::table)
        .filter(tickets::day.eq(today))
        .filter(tickets::status.eq_any(["waiting", "transferred"]))
        .filter(service_items::target_wait_minutes.is_not_null())
        .group_by((service_items::name, service_items::target_wait_minutes))
        .select((
            service_items::name,
            service_items::target_wait_minutes,
            diesel::dsl::min(tickets::issued_at),
        ))
        .into_boxed();
    if let Some(h) = hall {
        q = q.filter(tickets::hall_id.eq(h));
    }
    if let Some(d) = department {
        q = q.filter(service_items::department_id.eq(d));
    }
    let rows: Vec<(String, Option<i32>, Option<NaiveDateTime>)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, target, oldest)| {
            let waited = (now - oldest?).num_minutes();
            let target = target?;
            (waited > i64::from(target)).then_some((name, waited, target))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ninetieth_percentile_of_a_grouped_distribution() {
        assert_eq!(percentile(&[], 0.9), 0);
        // 10 waits: 1×1, 1×2, …, 1×10 minutes → p90 = 9.
        let d: Vec<(i64, i64)> = (1..=10).map(|m| (m, 1)).collect();
        assert_eq!(percentile(&d, 0.9), 9);
        assert_eq!(percentile(&[(3, 100)], 0.9), 3);
        assert_eq!(percentile(&[(1, 89), (30, 11)], 0.9), 30);
        assert_eq!(percentile(&[(1, 90), (30, 10)], 0.9), 1);
    }
}
