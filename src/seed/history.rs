//! `onestop generate-history`: fills a database with a realistic year of the
//! city hall's past — residents, bookings, tickets with their waits and
//! service times, cases and ratings — so that statistics can be measured on
//! a database of the size a hall reaches. For measurement and demos only.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

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

fn utc(tz: Tz, local: NaiveDateTime) -> NaiveDateTime {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|d| d.naive_utc())
        .unwrap_or(local)
}

/// History goes only into a database without a past of its own: ticket
/// numbers of a day would collide, and real figures would be polluted.
pub fn has_past_tickets(conn: &mut DbConn, hall: HallId, today: NaiveDate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        tickets::table.filter(tickets::hall_id.eq(hall).and(tickets::day.lt(today))),
    ))
    .get_result(conn)
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
    let mut rng = StdRng::seed_from_u64(20_171_001);
    let mut report = HistoryReport::default();

    // Residents: shared password hash (nobody signs in as them).
    let hash =
        crate::accounts::password::hash("history-resident-not-for-sign-in").unwrap_or_default();
    let existing: i64 = accounts::table
        .filter(accounts::phone.like("1770473%"))
        .count()
        .get_result(conn)?;
    let now = utc(tz, today.and_hms_opt(0, 0, 0).unwrap_or_default());
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
    let residents: Vec<AccountId> = accounts::table
        .filter(accounts::phone.like("1770473%"))
        .select(accounts::id)
        .load(conn)?;

    let pairs: Vec<Pair> = window_services::table
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
        .load::<Pair>(conn)?;
    if pairs.is_empty() || residents.is_empty() {
        return Ok(report);
    }
    let week = hall_repo::opening_hours_of(conn, hall)?;
    let calendar = hall_repo::work_calendar_around(conn, today)?;
    let mut code_counter: u64 = bookings::table
        .filter(bookings::code.like("Z%"))
        .count()
        .get_result::<i64>(conn)? as u64;
    let mut case_counter = 0u32;

    for back in (1..=days_back).rev() {
        let day = today - Duration::days(back);
        let Some(hours) = calendar.hours_on(day, &week) else {
            continue;
        };
        let sessions = hours.sessions();
        let open_minutes: Vec<NaiveTime> = sessions
            .iter()
            .flat_map(|(s, e)| {
                let mut v = Vec::new();
                let mut t = *s;
                while t < *e {
                    v.push(t);
                    t += Duration::minutes(1);
                }
                v
            })
            .collect();
        if open_minutes.is_empty() {
            continue;
        }
        // A little variation from day to day; Mondays are busier.
        let volume = (per_day as f64
            * rng.random_range(0.8..1.2)
            * if day.format("%u").to_string() == "1" {
                1.2
            } else {
                1.0
            }) as usize;
        let mut booking_rows = Vec::new();
        let mut visits: Vec<(usize, NaiveTime, Option<String>, &'static str)> = Vec::new();
        for _ in 0..volume {
            let p = rng.random_range(0..pairs.len());
            let arrival = open_minutes[rng.random_range(0..open_minutes.len())];
            let online = pairs[p].bookable && rng.random_bool(0.45);
            if online {
                code_counter += 1;
                let code = history_code(code_counter);
                let slot = NaiveTime::from_hms_opt(
                    arrival.format("%H").to_string().parse().unwrap_or(9),
                    if arrival.format("%M").to_string().parse::<u32>().unwrap_or(0) < 30 {
                        0
                    } else {
                        30
                    },
                    0,
                )
                .unwrap_or(arrival);
                let roll: f64 = rng.random_range(0.0..1.0);
                let status = if roll < 0.08 {
                    "cancelled"
                } else if roll < 0.13 {
                    "no_show"
                } else {
                    "completed"
                };
                booking_rows.push((
                    bookings::code.eq(code.clone()),
                    bookings::account_id.eq(residents[rng.random_range(0..residents.len())]),
                    bookings::hall_id.eq(hall),
                    bookings::service_id.eq(pairs[p].service),
                    bookings::window_id.eq(pairs[p].window),
                    bookings::day.eq(day),
                    bookings::start_time.eq(slot),
                    bookings::end_time.eq(slot + Duration::minutes(30)),
                    bookings::status.eq(status),
                    bookings::created_at.eq(utc(
                        tz,
                        (day - Duration::days(rng.random_range(1..7))).and_time(slot),
                    )),
                    bookings::updated_at.eq(utc(tz, day.and_time(slot))),
                ));
                if status != "cancelled" {
                    visits.push((
                        p,
                        slot - Duration::minutes(rng.random_range(0..20)),
                        Some(code),
                        status,
                    ));
                }
            } else {
                visits.push((p, arrival, None, "completed"));
            }
        }
        report.bookings += batch!(conn, bookings::table, booking_rows);
        let booking_ids: HashMap<String, i32> = bookings::table
            .filter(bookings::day.eq(day).and(bookings::code.like("Z%")))
            .select((bookings::code, bookings::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();

        visits.sort_by_key(|v| v.1);
        let mut seq: HashMap<String, i32> = HashMap::new();
        let mut ticket_rows = Vec::new();
        let mut accepted: Vec<(String, usize)> = Vec::new();
        let mut rated: Vec<(String, usize, i32)> = Vec::new();
        for (p, issued, code, status) in &visits {
            let pair = &pairs[*p];
            let n = seq.entry(pair.letter.clone()).or_insert(0);
            *n += 1;
            let number = format!("{}{:03}", pair.letter, n);
            // Waits: mostly short, longer at busy times, a few very long.
            let wait = if rng.random_bool(0.05) {
                rng.random_range(35..75)
            } else {
                rng.random_range(1..28)
            } * 60
                + rng.random_range(0..60);
            let service =
                ((f64::from(pair.avg_minutes) * rng.random_range(0.5..1.5)) * 60.0) as i32;
            let issued_at = utc(tz, day.and_time(*issued));
            let called_at = issued_at + Duration::seconds(i64::from(wait));
            let no_show = *status == "no_show";
            let outcome = if no_show {
                None
            } else {
                let r: f64 = rng.random_range(0.0..1.0);
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
            ticket_rows.push((
                (
                    tickets::hall_id.eq(hall),
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
            if !no_show && rng.random_bool(0.6) {
                let r: f64 = rng.random_range(0.0..1.0);
                let grade = if r < 0.70 {
                    5
                } else if r < 0.90 {
                    4
                } else if r < 0.96 {
                    3
                } else if r < 0.99 {
                    2
                } else {
                    1
                };
                rated.push((number, *p, grade));
            }
        }
        report.tickets += batch!(conn, tickets::table, ticket_rows);
        let ticket_ids: HashMap<String, (i32, Option<i32>, Option<NaiveDateTime>)> = tickets::table
            .filter(tickets::hall_id.eq(hall).and(tickets::day.eq(day)))
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

        let mut case_rows = Vec::new();
        for (number, p) in accepted {
            let Some((ticket, booking, finished)) = ticket_ids.get(&number) else {
                continue;
            };
            case_counter += 1;
            let due = calendar.add_working_days(day, pairs[p].promised_days.max(0) as u32);
            // Old cases are finished; the last weeks' are still moving.
            let status = if due + Duration::days(10) < today {
                "collected"
            } else if due < today {
                "ready_for_pickup"
            } else {
                "reviewing"
            };
            case_rows.push((
                cases::case_number.eq(format!("H{}-{:06}", day.format("%Y%m%d"), case_counter)),
                cases::hall_id.eq(hall),
                cases::department_id.eq(pairs[p].department),
                cases::service_id.eq(pairs[p].service),
                cases::ticket_id.eq(*ticket),
                cases::booking_id.eq(*booking),
                cases::status.eq(status),
                cases::accepted_on.eq(day),
                cases::promised_due.eq(due),
                cases::created_at.eq(finished.unwrap_or(now)),
                cases::updated_at.eq(finished.unwrap_or(now)),
            ));
        }
        report.cases += batch!(conn, cases::table, case_rows);

        let mut rating_rows = Vec::new();
        for (number, p, grade) in rated {
            let Some((ticket, _, finished)) = ticket_ids.get(&number) else {
                continue;
            };
            rating_rows.push((
                ratings::ticket_id.eq(*ticket),
                ratings::grade.eq(grade),
                ratings::channel.eq("kiosk"),
                ratings::hall_id.eq(hall),
                ratings::window_id.eq(Some(pairs[p].window)),
                ratings::service_id.eq(pairs[p].service),
                ratings::department_id.eq(pairs[p].department),
                ratings::created_at.eq(finished.unwrap_or(now) + Duration::minutes(2)),
            ));
        }
        report.ratings += batch!(conn, ratings::table, rating_rows);
        report.days += 1;
        if report.days % 25 == 0 {
            progress(&format!(
                "{day}: {} days, {} tickets so far",
                report.days, report.tickets
            ));
        }
    }
    // Fresh statistics for the planner, and on PostgreSQL a visibility map
    // so the dashboard's index-only scans need not visit the tables.
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("VACUUM ANALYZE").execute(c)?;
    }
    Ok(report)
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
