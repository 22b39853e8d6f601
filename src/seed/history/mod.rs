//! `onestop generate-history`: fills a database with a realistic year of the
//! city hall's past — residents, bookings, tickets with their waits and
//! service times, cases and ratings — so that statistics can be measured on
//! a database of the size a hall reaches. For measurement and demos only.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::clock::utc_of;
use crate::db::DbConn;
use crate::db::ids::{AccountId, DepartmentId, HallId, ServiceId, WindowId};
use crate::db::schema::{
    accounts, bookings, cases, service_items, tickets, window_services, windows, zones,
};
use crate::hall::repo as hall_repo;

#[derive(Debug, Default)]
pub struct HistoryReport {
    pub days: usize,
    pub residents: usize,
    pub bookings: usize,
    pub tickets: usize,
    pub cases: usize,
    pub ratings: usize,
    pub follow_ups: usize,
}

/// Multi-row inserts go to the concrete connection (they do not compile
/// through `MultiConnection`), in chunks.
macro_rules! batch {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut n = 0;
        for chunk in $rows.chunks(500) {
            n += match $conn {
                DbConn::Sqlite(c) => diesel::insert_into($table)
                    .values(chunk.to_vec())
                    .execute(c)?,
                DbConn::Pg(c) => diesel::insert_into($table)
                    .values(chunk.to_vec())
                    .execute(c)?,
            };
        }
        n
    }};
}

mod case_events;
mod follow_ups;
mod generator;

use generator::Generator;

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// History booking codes: `Z` and the counter in base 31 — valid, unique,
/// and apart from the random codes of real bookings only by chance.
pub(crate) fn history_code(n: u64) -> String {
    let mut s = vec![b'Z'];
    let mut digits = Vec::new();
    let mut v = n;
    for _ in 0..7 {
        digits.push(CODE_ALPHABET[(v % 31) as usize]);
        v /= 31;
    }
    digits.reverse();
    s.extend(digits);
    String::from_utf8(s).unwrap_or_default()
}

/// A window and an item it serves, with what the generator needs of both.
#[derive(Queryable)]
pub(crate) struct Pair {
    pub(crate) window: WindowId,
    pub(crate) service: ServiceId,
    pub(crate) department: DepartmentId,
    pub(crate) letter: String,
    pub(crate) avg_minutes: i32,
    pub(crate) bookable: bool,
    pub(crate) delivery: String,
    pub(crate) promised_days: i32,
}

impl Pair {
    /// 承诺件 are accepted as cases; 即办件 are finished at the window.
    pub(crate) fn accepts(&self) -> bool {
        self.delivery == "promised"
    }
}

/// History goes only into a database without a past of its own: ticket
/// numbers of a day would collide, and real figures would be polluted.
pub fn has_past_tickets(conn: &mut DbConn, hall: HallId, today: NaiveDate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        tickets::table.filter(tickets::hall_id.eq(hall).and(tickets::day.lt(today))),
    ))
    .get_result(conn)
}

/// Residents: shared password hash (nobody signs in as them).
fn history_residents(
    conn: &mut DbConn,
    now: NaiveDateTime,
    report: &mut HistoryReport,
) -> QueryResult<Vec<AccountId>> {
    let hash =
        crate::accounts::password::hash("history-resident-not-for-sign-in").unwrap_or_default();
    let existing: i64 = accounts::table
        .filter(accounts::phone.like("1770473%"))
        .count()
        .get_result(conn)?;
    if existing == 0 {
        let rows: Vec<_> = (0..3000)
            .map(|i| {
                (
                    accounts::role.eq("resident"),
                    accounts::name.eq(format!("历史居民{i}")),
                    accounts::phone.eq(format!("1770473{i:04}")),
                    accounts::id_number_hash.eq(Some(format!("history-{i}"))),
                    accounts::password_hash.eq(hash.clone()),
                    accounts::created_at.eq(now - Duration::days(400)),
                    accounts::updated_at.eq(now - Duration::days(400)),
                )
            })
            .collect();
        report.residents = batch!(conn, accounts::table, rows);
    }
    accounts::table
        .filter(accounts::phone.like("1770473%"))
        .select(accounts::id)
        .load(conn)
}

fn pairs_of(conn: &mut DbConn, hall: HallId) -> QueryResult<Vec<Pair>> {
    window_services::table
        .inner_join(windows::table.inner_join(zones::table))
        .inner_join(service_items::table)
        .filter(
            windows::hall_id
                .eq(hall)
                .and(windows::active.eq(true))
                .and(service_items::active.eq(true)),
        )
        .select((
            windows::id,
            service_items::id,
            service_items::department_id,
            zones::letter,
            service_items::avg_service_minutes,
            service_items::bookable_online,
            service_items::delivery,
            service_items::promised_days,
        ))
        .order((windows::id, service_items::id))
        .load::<Pair>(conn)
}

/// Every open minute of the day.
fn open_minutes(sessions: &[(NaiveTime, NaiveTime)]) -> Vec<NaiveTime> {
    let mut v = Vec::new();
    for (s, e) in sessions {
        let mut t = *s;
        while t < *e {
            v.push(t);
            t += Duration::minutes(1);
        }
    }
    v
}

pub fn generate(
    conn: &mut DbConn,
    hall: HallId,
    days_back: i64,
    per_day: usize,
    today: NaiveDate,
    tz: Tz,
    progress: &mut dyn FnMut(&str),
) -> QueryResult<HistoryReport> {
    let mut report = HistoryReport::default();
    let now = utc_of(today.and_hms_opt(0, 0, 0).unwrap_or_default(), tz);
    let residents = history_residents(conn, now, &mut report)?;
    let pairs = pairs_of(conn, hall)?;
    if pairs.is_empty() || residents.is_empty() {
        return Ok(report);
    }
    let week = hall_repo::opening_hours_of(conn, hall)?;
    let code_counter = bookings::table
        .filter(bookings::code.like("Z%"))
        .count()
        .get_result::<i64>(conn)? as u64;
    // Case numbers go on from the cases already there (another hall's).
    let case_counter = cases::table.count().get_result::<i64>(conn)? as u32;
    let mut g = Generator {
        rng: StdRng::seed_from_u64(20_171_001),
        calendar: hall_repo::work_calendar_around(conn, today)?,
        hall,
        tz,
        today,
        now,
        pairs,
        residents,
        code_counter,
        case_counter,
        report,
    };
    for back in (1..=days_back).rev() {
        let day = today - Duration::days(back);
        let Some(hours) = g.calendar.hours_on(day, &week) else {
            continue;
        };
        let minutes = open_minutes(&hours.sessions());
        if minutes.is_empty() {
            continue;
        }
        g.day(conn, day, per_day, &minutes)?;
        if g.report.days.is_multiple_of(25) {
            progress(&format!(
                "{day}: {} days, {} tickets so far",
                g.report.days, g.report.tickets
            ));
        }
    }
    case_events::case_events(conn, hall)?;
    g.report.follow_ups = follow_ups::follow_ups(conn, hall, &g.calendar, now, tz, &mut g.rng)?;
    // Fresh statistics for the planner, and on PostgreSQL a visibility map
    // so the dashboard's index-only scans need not visit the tables.
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("VACUUM ANALYZE").execute(c)?;
    }
    Ok(g.report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn history_codes_are_valid_and_distinct() {
        let a = super::history_code(1);
        let b = super::history_code(2);
        assert_ne!(a, b);
        assert_eq!(crate::booking::code::normalise(&a), Some(a.clone()));
        assert!(a.starts_with('Z'));
    }
}
