//! `onestop generate-history`: fills a database with a realistic year of the
//! city hall's past — residents, bookings, tickets with their waits and
//! service times, cases and ratings — so that statistics can be measured on
//! a database of the size a hall reaches. For measurement and demos only.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use chrono_tz::Tz;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::clock::utc_of;
use crate::db::DbConn;
use crate::db::ids::{AccountId, DepartmentId, HallId, ServiceId, WindowId};
use crate::db::schema::{
    accounts, bookings, cases, ratings, service_items, tickets, window_services, windows, zones,
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

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// History booking codes: `Z` and the counter in base 31 — valid, unique,
/// and apart from the random codes of real bookings only by chance.
fn history_code(n: u64) -> String {
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
struct Pair {
    window: WindowId,
    service: ServiceId,
    department: DepartmentId,
    letter: String,
    avg_minutes: i32,
    bookable: bool,
    delivery: String,
    promised_days: i32,
}

impl Pair {
    /// 承诺件 are accepted as cases; 即办件 are finished at the window.
    fn accepts(&self) -> bool {
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

/// A visit of the day: the pair, when the ticket was taken, the booking's
/// code (walk-ins have none) and how it ended.
type Visit = (usize, NaiveTime, Option<String>, &'static str);

/// Today's tickets by number: id, booking, finished at.
type DayTickets = HashMap<String, (i32, Option<i32>, Option<NaiveDateTime>)>;

/// The generator's state across days; the random draws happen in a fixed
/// order, so a seed gives the same history every time.
struct Generator {
    rng: StdRng,
    hall: HallId,
    tz: Tz,
    today: NaiveDate,
    now: NaiveDateTime,
    pairs: Vec<Pair>,
    residents: Vec<AccountId>,
    calendar: crate::hall::calendar::WorkCalendar,
    code_counter: u64,
    case_counter: u32,
    report: HistoryReport,
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
        case_counter: 0,
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
        if g.report.days % 25 == 0 {
            progress(&format!(
                "{day}: {} days, {} tickets so far",
                g.report.days, g.report.tickets
            ));
        }
    }
    // Fresh statistics for the planner, and on PostgreSQL a visibility map
    // so the dashboard's index-only scans need not visit the tables.
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("VACUUM ANALYZE").execute(c)?;
    }
    Ok(g.report)
}

/// A wait (mostly short, a few very long) and a service time, seconds.
fn wait_and_service(rng: &mut StdRng, avg_minutes: i32) -> (i32, i32) {
    let wait = if rng.random_bool(0.05) {
        rng.random_range(35..75)
    } else {
        rng.random_range(1..28)
    } * 60
        + rng.random_range(0..60);
    let service = ((f64::from(avg_minutes) * rng.random_range(0.5..1.5)) * 60.0) as i32;
    (wait, service)
}

impl Generator {
    fn day(
        &mut self,
        conn: &mut DbConn,
        day: NaiveDate,
        per_day: usize,
        minutes: &[NaiveTime],
    ) -> QueryResult<()> {
        // A little variation from day to day; Mondays are busier.
        let monday = if day.format("%u").to_string() == "1" {
            1.2
        } else {
            1.0
        };
        let volume = (per_day as f64 * self.rng.random_range(0.8..1.2) * monday) as usize;
        let mut visits = self.bookings(conn, day, volume, minutes)?;
        visits.sort_by_key(|v| v.1);
        let (accepted, rated) = self.tickets(conn, day, &visits)?;
        let ticket_ids: DayTickets = tickets::table
            .filter(tickets::hall_id.eq(self.hall).and(tickets::day.eq(day)))
            .select((
                tickets::number,
                tickets::id,
                tickets::booking_id,
                tickets::finished_at,
            ))
            .load::<(String, i32, Option<i32>, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .map(|(n, id, b, f)| (n, (id, b, f)))
            .collect();
        self.cases(conn, day, accepted, &ticket_ids)?;
        self.ratings(conn, rated, &ticket_ids)?;
        self.report.days += 1;
        Ok(())
    }

    /// The day's online bookings (written) and every visit (returned).
    fn bookings(
        &mut self,
        conn: &mut DbConn,
        day: NaiveDate,
        volume: usize,
        minutes: &[NaiveTime],
    ) -> QueryResult<Vec<Visit>> {
        let (hall, tz) = (self.hall, self.tz);
        let mut rows = Vec::new();
        let mut visits: Vec<Visit> = Vec::new();
        for _ in 0..volume {
            let p = self.rng.random_range(0..self.pairs.len());
            let arrival = minutes[self.rng.random_range(0..minutes.len())];
            let online = self.pairs[p].bookable && self.rng.random_bool(0.45);
            if !online {
                visits.push((p, arrival, None, "completed"));
                continue;
            }
            self.code_counter += 1;
            let code = history_code(self.code_counter);
            let half = if arrival.minute() < 30 { 0 } else { 30 };
            let slot = NaiveTime::from_hms_opt(arrival.hour(), half, 0).unwrap_or(arrival);
            let roll: f64 = self.rng.random_range(0.0..1.0);
            let status = if roll < 0.08 {
                "cancelled"
            } else if roll < 0.13 {
                "no_show"
            } else {
                "completed"
            };
            rows.push((
                bookings::code.eq(code.clone()),
                bookings::account_id
                    .eq(self.residents[self.rng.random_range(0..self.residents.len())]),
                bookings::hall_id.eq(hall),
                bookings::service_id.eq(self.pairs[p].service),
                bookings::window_id.eq(self.pairs[p].window),
                bookings::day.eq(day),
                bookings::start_time.eq(slot),
                bookings::end_time.eq(slot + Duration::minutes(30)),
                bookings::status.eq(status),
                bookings::created_at.eq(utc_of(
                    (day - Duration::days(self.rng.random_range(1..7))).and_time(slot),
                    tz,
                )),
                bookings::updated_at.eq(utc_of(day.and_time(slot), tz)),
            ));
            if status != "cancelled" {
                visits.push((
                    p,
                    slot - Duration::minutes(self.rng.random_range(0..20)),
                    Some(code),
                    status,
                ));
            }
        }
        self.report.bookings += batch!(conn, bookings::table, rows);
        Ok(visits)
    }

    /// The day's tickets; returns the accepted ones (to become cases) and
    /// the rated ones with their grades.
    #[allow(clippy::type_complexity)]
    fn tickets(
        &mut self,
        conn: &mut DbConn,
        day: NaiveDate,
        visits: &[Visit],
    ) -> QueryResult<(Vec<(String, usize)>, Vec<(String, usize, i32)>)> {
        let booking_ids: HashMap<String, i32> = bookings::table
            .filter(bookings::day.eq(day).and(bookings::code.like("Z%")))
            .select((bookings::code, bookings::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        let mut seq: HashMap<String, i32> = HashMap::new();
        let mut rows = Vec::new();
        let mut accepted = Vec::new();
        let mut rated = Vec::new();
        for (p, issued, code, status) in visits {
            let pair = &self.pairs[*p];
            let n = seq.entry(pair.letter.clone()).or_insert(0);
            *n += 1;
            let number = format!("{}{:03}", pair.letter, n);
            let (wait, service) = wait_and_service(&mut self.rng, pair.avg_minutes);
            let issued_at = utc_of(day.and_time(*issued), self.tz);
            let called_at = issued_at + Duration::seconds(i64::from(wait));
            let no_show = *status == "no_show";
            let outcome = if no_show {
                None
            } else {
                let r: f64 = self.rng.random_range(0.0..1.0);
                Some(if pair.accepts() && r < 0.6 {
                    "accepted"
                } else if r < 0.9 {
                    "done"
                } else if r < 0.97 {
                    "incomplete"
                } else {
                    "refused"
                })
            };
            rows.push((
                (
                    tickets::hall_id.eq(self.hall),
                    tickets::day.eq(day),
                    tickets::letter.eq(pair.letter.clone()),
                    tickets::seq.eq(*n),
                    tickets::number.eq(number.clone()),
                    tickets::service_id.eq(pair.service),
                    tickets::booking_id.eq(code.as_ref().and_then(|c| booking_ids.get(c)).copied()),
                    tickets::status.eq(if no_show { "no_show" } else { "completed" }),
                    tickets::queue_since.eq(issued_at),
                    tickets::issued_at.eq(issued_at),
                ),
                (
                    tickets::window_id.eq(Some(pair.window)),
                    tickets::call_count.eq(1),
                    tickets::called_at.eq(Some(called_at)),
                    tickets::started_at.eq((!no_show).then_some(called_at)),
                    tickets::finished_at.eq(Some(
                        called_at
                            + Duration::seconds(if no_show { 60 } else { i64::from(service) }),
                    )),
                    tickets::outcome.eq(outcome),
                    tickets::wait_seconds.eq(Some(wait)),
                    tickets::service_seconds.eq((!no_show).then_some(service)),
                ),
            ));
            if outcome == Some("accepted") {
                accepted.push((number.clone(), *p));
            }
            if !no_show && self.rng.random_bool(0.6) {
                rated.push((number, *p, self.grade()));
            }
        }
        self.report.tickets += batch!(conn, tickets::table, rows);
        Ok((accepted, rated))
    }

    /// Mostly 非常满意, a few 不满意.
    fn grade(&mut self) -> i32 {
        let r: f64 = self.rng.random_range(0.0..1.0);
        match r {
            r if r < 0.70 => 5,
            r if r < 0.90 => 4,
            r if r < 0.96 => 3,
            r if r < 0.99 => 2,
            _ => 1,
        }
    }

    fn cases(
        &mut self,
        conn: &mut DbConn,
        day: NaiveDate,
        accepted: Vec<(String, usize)>,
        ticket_ids: &DayTickets,
    ) -> QueryResult<()> {
        let mut rows = Vec::new();
        for (number, p) in accepted {
            let Some((ticket, booking, finished)) = ticket_ids.get(&number) else {
                continue;
            };
            self.case_counter += 1;
            let due = self
                .calendar
                .add_working_days(day, self.pairs[p].promised_days.max(0) as u32);
            // Old cases are finished; the last weeks' are still moving.
            let status = if due + Duration::days(10) < self.today {
                "collected"
            } else if due < self.today {
                "ready_for_pickup"
            } else {
                "reviewing"
            };
            let at = finished.unwrap_or(self.now);
            rows.push((
                cases::case_number.eq(format!(
                    "H{}-{:06}",
                    day.format("%Y%m%d"),
                    self.case_counter
                )),
                cases::hall_id.eq(self.hall),
                cases::department_id.eq(self.pairs[p].department),
                cases::service_id.eq(self.pairs[p].service),
                cases::ticket_id.eq(*ticket),
                cases::booking_id.eq(*booking),
                cases::status.eq(status),
                cases::accepted_on.eq(day),
                cases::promised_due.eq(due),
                cases::created_at.eq(at),
                cases::updated_at.eq(at),
            ));
        }
        self.report.cases += batch!(conn, cases::table, rows);
        Ok(())
    }

    fn ratings(
        &mut self,
        conn: &mut DbConn,
        rated: Vec<(String, usize, i32)>,
        ticket_ids: &DayTickets,
    ) -> QueryResult<()> {
        let mut rows = Vec::new();
        for (number, p, grade) in rated {
            let Some((ticket, _, finished)) = ticket_ids.get(&number) else {
                continue;
            };
            rows.push((
                ratings::ticket_id.eq(*ticket),
                ratings::grade.eq(grade),
                ratings::channel.eq("kiosk"),
                ratings::hall_id.eq(self.hall),
                ratings::window_id.eq(Some(self.pairs[p].window)),
                ratings::service_id.eq(self.pairs[p].service),
                ratings::department_id.eq(self.pairs[p].department),
                ratings::created_at.eq(finished.unwrap_or(self.now) + Duration::minutes(2)),
            ));
        }
        self.report.ratings += batch!(conn, ratings::table, rows);
        Ok(())
    }
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
