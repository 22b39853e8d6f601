//! One generated day after another: bookings, tickets, cases, ratings.

use super::{HistoryReport, Pair, history_code};
use crate::clock::utc_of;
use crate::db::DbConn;
use crate::db::ids::{AccountId, HallId};
use crate::db::schema::{bookings, cases, ratings, tickets};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use chrono_tz::Tz;
use diesel::prelude::*;
use rand::RngExt;
use rand::rngs::StdRng;
use std::collections::HashMap;

/// A visit of the day: the pair, when the ticket was taken, the booking's
/// code (walk-ins have none) and how it ended.
pub(crate) type Visit = (usize, NaiveTime, Option<String>, &'static str);

/// Today's tickets by number: id, booking, finished at.
/// The day's accepted tickets (to become cases), rated ones with their
/// grades, and every ticket's drawn outcome.
#[allow(clippy::type_complexity)]
type Outcomes = (
    Vec<(String, usize)>,
    Vec<(String, usize, i32)>,
    Vec<(String, usize, Option<&'static str>)>,
);

pub(crate) type DayTickets = HashMap<String, (i32, Option<i32>, Option<NaiveDateTime>)>;

/// The generator's state across days; the random draws happen in a fixed
/// order, so a seed gives the same history every time.
pub(crate) struct Generator {
    pub(crate) rng: StdRng,
    pub(crate) hall: HallId,
    pub(crate) tz: Tz,
    pub(crate) today: NaiveDate,
    pub(crate) now: NaiveDateTime,
    pub(crate) pairs: Vec<Pair>,
    pub(crate) residents: Vec<AccountId>,
    pub(crate) calendar: crate::hall::calendar::WorkCalendar,
    pub(crate) code_counter: u64,
    pub(crate) case_counter: u32,
    pub(crate) report: HistoryReport,
}

/// A wait (mostly short, a few very long) and a service time, seconds.
pub(crate) fn wait_and_service(rng: &mut StdRng, avg_minutes: i32) -> (i32, i32) {
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
    pub(crate) fn day(
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
        let (accepted, rated, outcomes) = self.tickets(conn, day, &visits)?;
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
        self.items(conn, day, &outcomes, &ticket_ids)?;
        self.cases(conn, day, accepted, &ticket_ids)?;
        self.ratings(conn, rated, &ticket_ids)?;
        self.report.days += 1;
        Ok(())
    }

    /// Every booking and ticket of the day lists its one item (the visits
    /// generated are of one item each); each ticket's item carries the
    /// outcome drawn for it.
    fn items(
        &mut self,
        conn: &mut DbConn,
        day: NaiveDate,
        outcomes: &[(String, usize, Option<&'static str>)],
        ticket_ids: &DayTickets,
    ) -> QueryResult<()> {
        use crate::db::schema::{booking_items, ticket_items};
        use diesel::dsl::sql;
        use diesel::sql_types::Integer;
        diesel::insert_into(booking_items::table)
            .values(
                bookings::table
                    .filter(bookings::day.eq(day).and(bookings::hall_id.eq(self.hall)))
                    .select((bookings::id, bookings::service_id, sql::<Integer>("1"))),
            )
            .into_columns((
                booking_items::booking_id,
                booking_items::service_id,
                booking_items::position,
            ))
            .execute(conn)?;
        let mut rows = Vec::new();
        for (number, p, outcome) in outcomes {
            let Some((ticket, _, finished)) = ticket_ids.get(number) else {
                continue;
            };
            rows.push((
                ticket_items::ticket_id.eq(*ticket),
                ticket_items::service_id.eq(self.pairs[*p].service),
                ticket_items::position.eq(1),
                ticket_items::outcome.eq(*outcome),
                ticket_items::window_id.eq(outcome.map(|_| self.pairs[*p].window)),
                ticket_items::decided_at.eq(outcome.and(*finished)),
            ));
        }
        batch!(conn, ticket_items::table, rows);
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
    ) -> QueryResult<Outcomes> {
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
        let mut outcomes = Vec::new();
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
                    tickets::wait_seconds.eq(Some(wait)),
                    tickets::service_seconds.eq((!no_show).then_some(service)),
                ),
            ));
            if outcome == Some("accepted") {
                accepted.push((number.clone(), *p));
            }
            outcomes.push((number.clone(), *p, outcome));
            if !no_show && self.rng.random_bool(0.6) {
                rated.push((number, *p, self.grade()));
            }
        }
        self.report.tickets += batch!(conn, tickets::table, rows);
        Ok((accepted, rated, outcomes))
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
            // Decided cases: most on their promised day or before, a few late.
            let decided = status != "reviewing";
            let late = decided && self.rng.random_bool(0.04);
            let concluded = decided.then(|| {
                let day = if late { due + Duration::days(1) } else { due };
                crate::clock::utc_of(day.and_hms_opt(16, 0, 0).unwrap_or_default(), self.tz)
            });
            rows.push((
                cases::received_on.eq(day),
                cases::promised_days.eq(self.pairs[p].promised_days.max(0)),
                cases::concluded_at.eq(concluded),
                cases::on_time.eq(decided.then_some(!late)),
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
            let (comment, reasons) = if grade <= 2 {
                super::follow_ups::bad_rating_words(&mut self.rng)
            } else {
                ("", "")
            };
            rows.push((
                ratings::ticket_id.eq(*ticket),
                ratings::grade.eq(grade),
                ratings::comment.eq(comment),
                ratings::reasons.eq(reasons),
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
