//! A property test of the case clock: random sequences of the clock moving
//! on, suspensions, resumptions and an extension, applied through the API
//! to cases accepted on random working days around 元旦 and a 调休
//! Saturday, must give the due dates of a plain day-by-day reference: the
//! limit plus the extension plus the working days suspended after the day
//! of acceptance, counted on the hall's calendar. Refused moves must be
//! the ones the reference refuses, with the contract's codes.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::hall_floor::{serve_next, walk_in};
use crate::helpers::{TestApp, post_form_with, spawn_app_at};
use onestop::accounts::models::Role;

/// 普通护照签发: promised 7, legal 15 working days, extension up to 10.
const PROMISED: u32 = 7;
const LEGAL: u32 = 15;
const MAX_EXTENSION: u32 = 10;
/// A Saturday worked in this test's calendar (entered as an admin would).
const ADJUSTED: &str = "2026-12-19";

#[derive(Debug, Clone)]
enum Op {
    /// The clock moves on to the n-th next working day (0: later today).
    Wait(u32),
    Suspend(&'static str),
    Resume,
    Extend(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..4u32).prop_map(Op::Wait),
        3 => prop_oneof![Just("hearing"), Just("expert_review"), Just("public_notice"), Just("supplement")]
            .prop_map(Op::Suspend),
        3 => Just(Op::Resume),
        1 => (1..=MAX_EXTENSION + 2).prop_map(Op::Extend),
    ]
}

/// The hall's calendar as the seed files and the test's admin left it.
struct Calendar(BTreeMap<NaiveDate, bool>);

impl Calendar {
    fn load() -> Calendar {
        let text = std::fs::read_to_string("data/catalogue/calendar.csv").unwrap();
        let mut days: BTreeMap<NaiveDate, bool> = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split(',');
                let day = f.next()?.parse().ok()?;
                Some((day, f.next()? == "班"))
            })
            .collect();
        days.insert(ADJUSTED.parse().unwrap(), true);
        Calendar(days)
    }

    fn working(&self, d: NaiveDate) -> bool {
        self.0
            .get(&d)
            .copied()
            .unwrap_or(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
    }

    /// The day `n` working days after `from`.
    fn add(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let (mut d, mut left) = (from, n);
        while left > 0 {
            d += Duration::days(1);
            if self.working(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `from..to` after `accepted`.
    fn count(&self, from: NaiveDate, to: NaiveDate, accepted: NaiveDate) -> u32 {
        let mut d = from.max(accepted + Duration::days(1));
        let mut n = 0;
        while d < to {
            n += u32::from(self.working(d));
            d += Duration::days(1);
        }
        n
    }
}

/// The reference: what the case's clock should say on `today`.
struct Reference {
    accepted: NaiveDate,
    stops: Vec<(NaiveDate, Option<NaiveDate>)>,
    extended: u32,
}

impl Reference {
    fn suspended(&self, cal: &Calendar, today: NaiveDate) -> u32 {
        self.stops
            .iter()
            .map(|(from, to)| {
                cal.count(
                    *from,
                    to.unwrap_or(today + Duration::days(1)),
                    self.accepted,
                )
            })
            .sum()
    }

    fn due(&self, cal: &Calendar, limit: u32, today: NaiveDate) -> NaiveDate {
        cal.add(
            self.accepted,
            limit + self.extended + self.suspended(cal, today),
        )
    }

    fn is_suspended(&self) -> bool {
        self.stops.last().is_some_and(|(_, to)| to.is_none())
    }
}

struct World {
    app: TestApp,
    clerk: (i32, String),
    manager: i32,
    item: i64,
    window: i64,
}

/// A token issued now (tokens run out; the clock jumps about).
async fn token(app: &TestApp, id: i32) -> String {
    let now = app.state.clock.now_utc();
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            Ok(onestop::accounts::session::issue_api_token(
                conn,
                onestop::db::ids::AccountId(id),
                now,
            )?
            .0)
        })
        .await
        .unwrap()
}

async fn world() -> World {
    let app = spawn_app_at("2026-12-07T08:00:00+08:00").await;
    let (_, items) = app.get_json("/api/v1/services?q=GACRJ-001").await;
    let item = items[0]["id"].as_i64().unwrap();
    let number = app.window_for(item).await;
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    let manager = app.staff(2, Role::DeptAdmin, None, Some("GACRJ")).await;
    let admin = crate::admin::admin(&app).await;
    let r = post_form_with(
        &admin,
        &app,
        "/admin/calendar",
        "/admin/calendar",
        &[
            ("bulk", &format!("{ADJUSTED} 班 调休（测试）")),
            ("year", "2026"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let window = app.window_id(number).await;
    World {
        app,
        clerk: (clerk.id, clerk.phone),
        manager: manager.id,
        item,
        window,
    }
}

async fn open_case(w: &World, day: NaiveDate) -> String {
    w.app.set_now(&format!("{day}T09:00:00+08:00"));
    let clerk = token(&w.app, w.clerk.0).await;
    let (s, t) = walk_in(&w.app, w.item).await;
    assert_eq!(s, 201, "{t}");
    let done = serve_next(&w.app, &clerk, w.window, "accepted").await;
    done["case_number"].as_str().unwrap().to_string()
}

async fn case_move(w: &World, who: i32, number: &str, action: &str, body: Value) -> (u16, Value) {
    let t = token(&w.app, who).await;
    w.app
        .post_json(&format!("/api/v1/cases/{number}/{action}"), Some(&t), &body)
        .await
}

fn code(b: &Value) -> &str {
    b["error"]["code"].as_str().unwrap_or("")
}

/// Working days a case may start on: 7 December to 15 January.
fn start_days(cal: &Calendar) -> Vec<NaiveDate> {
    let first: NaiveDate = "2026-12-07".parse().unwrap();
    (0..40)
        .map(|n| first + Duration::days(n))
        .filter(|d| cal.working(*d) && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

async fn run(w: &World, cal: &Calendar, start: NaiveDate, ops: &[Op]) -> Result<(), TestCaseError> {
    let number = open_case(w, start).await;
    let mut r = Reference {
        accepted: start,
        stops: Vec::new(),
        extended: 0,
    };
    let (mut today, mut hour) = (start, 9);
    for op in ops {
        match op {
            Op::Wait(n) => {
                if *n == 0 {
                    hour = (hour + 1).min(17);
                } else {
                    today = cal.add(today, *n);
                    hour = 9;
                }
                w.app.set_now(&format!("{today}T{hour:02}:00:00+08:00"));
            }
            Op::Suspend(kind) => {
                // Staff suspend a case before it falls due.
                if !r.is_suspended() && today > r.due(cal, PROMISED, today) {
                    continue;
                }
                let (s, b) = case_move(
                    w,
                    w.clerk.0,
                    &number,
                    "suspend",
                    json!({"kind": kind, "reason": "依法暂停"}),
                )
                .await;
                if r.is_suspended() {
                    prop_assert_eq!((s, code(&b)), (409, "case_suspended"));
                } else {
                    prop_assert_eq!(s, 200, "{}", b);
                    r.stops.push((today, None));
                }
            }
            Op::Resume => {
                let (s, b) = case_move(w, w.clerk.0, &number, "resume", json!({})).await;
                if r.is_suspended() {
                    prop_assert_eq!(s, 200, "{}", b);
                    if let Some(last) = r.stops.last_mut() {
                        last.1 = Some(today);
                    }
                } else {
                    prop_assert_eq!((s, code(&b)), (409, "illegal_transition"));
                }
            }
            Op::Extend(days) => {
                let (s, b) = case_move(
                    w,
                    w.manager,
                    &number,
                    "extend",
                    json!({"days": days, "reason": "需补充调查"}),
                )
                .await;
                let want = if r.is_suspended() {
                    Some((409, "case_suspended"))
                } else if r.extended > 0 {
                    Some((409, "already_extended"))
                } else if *days > MAX_EXTENSION {
                    Some((422, "invalid_extension"))
                } else {
                    None
                };
                match want {
                    Some(refused) => prop_assert_eq!((s, code(&b)), refused),
                    None => {
                        prop_assert_eq!(s, 200, "{}", b);
                        r.extended = *days;
                    }
                }
            }
        }
        let t = token(&w.app, w.manager).await;
        let (_, c) = w
            .app
            .get_json_as(&format!("/api/v1/cases/{number}"), &t)
            .await;
        let want = (
            r.due(cal, PROMISED, today).to_string(),
            r.due(cal, LEGAL, today).to_string(),
            r.suspended(cal, today),
            r.extended,
        );
        let got = (
            c["promised_due"].as_str().unwrap_or("").to_string(),
            c["legal_due"].as_str().unwrap_or("").to_string(),
            c["suspended_days"].as_u64().unwrap_or(999) as u32,
            c["extended_days"].as_u64().unwrap_or(999) as u32,
        );
        prop_assert_eq!(
            got,
            want,
            "after {:?} on {} (accepted {}, stops {:?}): {}",
            op,
            today,
            start,
            r.stops,
            c
        );
    }
    Ok(())
}

#[test]
fn case_due_dates_match_a_day_by_day_reference() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(world());
    let cal = Calendar::load();
    let starts = start_days(&cal);
    let config = ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(start in 0..starts.len(), ops in prop::collection::vec(op(), 1..12))| {
        rt.block_on(run(&w, &cal, starts[start], &ops))?;
    });
}
