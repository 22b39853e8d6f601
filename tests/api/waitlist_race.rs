//! The waiting list under a race, through HTTP, on the suite's backend (CI
//! runs it on SQLite and on PostgreSQL): 20 cancellations at once free 20
//! places of a full slot while 50 residents wait for it and 200 others try
//! to book it. Every freed place must be offered exactly once, held places
//! must never go to the racers, and the slot must never hold more than its
//! capacity. pretix's method: the same race with the guard turned off (a
//! test-only switch and a wait between reading and writing) must break one
//! of these, so that the real run's success means something.

use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use onestop::db::schema::{bookings, notifications, slot_counters, waitlist_entries};
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::{Resident, TestApp, spawn_app_with};

const DAY: &str = "2026-12-03";
const START: &str = "09:00";
/// Online places of the one window's slot.
const PLACES: i64 = 20;

#[derive(Debug, Default)]
struct Figures {
    offers: i64,
    double_offers: i64,
    racers_booked: i64,
    accepted: i64,
    accept_refused: i64,
    active: i64,
    counter: i64,
}

impl Figures {
    fn overbooked(&self) -> i64 {
        (self.active - PLACES).max(0)
    }
}

async fn post(app: &TestApp, path: &str, token: &str, body: serde_json::Value) -> u16 {
    app.post_json(path, Some(token), &body).await.0
}

async fn figures(app: &TestApp) -> Figures {
    app.state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            let day: chrono::NaiveDate = DAY.parse().unwrap();
            let start = chrono::NaiveTime::parse_from_str(START, "%H:%M").unwrap();
            let per_account: Vec<i64> = notifications::table
                .filter(notifications::kind.eq("waitlist_offer"))
                .group_by(notifications::account_id)
                .select(diesel::dsl::count_star())
                .load(conn)?;
            let counter: Option<i64> = slot_counters::table
                .filter(slot_counters::day.eq(day))
                .filter(slot_counters::start_time.eq(start))
                .select(diesel::dsl::sum(slot_counters::booked))
                .first(conn)?;
            let active: i64 = bookings::table
                .filter(bookings::day.eq(day).and(bookings::start_time.eq(start)))
                .filter(bookings::status.eq_any(["booked", "checked_in", "called", "serving"]))
                .count()
                .get_result(conn)?;
            let offers: i64 = waitlist_entries::table
                .filter(waitlist_entries::offered_at.is_not_null())
                .count()
                .get_result(conn)?;
            Ok(Figures {
                offers,
                double_offers: per_account.iter().map(|n| (n - 1).max(0)).sum(),
                active,
                counter: counter.unwrap_or(0),
                ..Default::default()
            })
        })
        .await
        .unwrap()
}

/// The race, with the guard on (`control: None`) or off.
async fn race(control: Option<Duration>) -> Figures {
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T08:00:00+08:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let app = spawn_app_with(move |s| {
        s.now = Some(start);
        s.race_control = control;
        s.pool_size = 16;
    })
    .await;
    let item = app.item_with_windows(1).await;
    app.set_capacity(2 * PLACES as i32, 50).await;
    let people: Vec<Resident> = app.residents_direct(1, 20 + 50 + 200).await;
    let (holders, rest) = people.split_at(20);
    let (waiters, racers) = rest.split_at(50);
    let book = json!({"service_id": item, "date": DAY, "start": START});
    let mut codes = Vec::new();
    for h in holders {
        let (s, b) = app
            .post_json("/api/v1/bookings", Some(&h.token), &book)
            .await;
        assert_eq!(s, 201, "{b}");
        codes.push(b["code"].as_str().unwrap().to_string());
    }
    for w in waiters {
        let s = post(
            &app,
            "/api/v1/waitlist",
            &w.token,
            json!({"service_id": item, "date": DAY, "start": START}),
        )
        .await;
        assert_eq!(s, 201);
    }
    let app = Arc::new(app);
    // 20 cancellations and 200 bookings of the same slot, all at once.
    let mut tasks = JoinSet::new();
    for (h, code) in holders.iter().zip(&codes) {
        let (app, token, path) = (
            app.clone(),
            h.token.clone(),
            format!("/api/v1/bookings/{code}/cancel"),
        );
        tasks.spawn(async move { (false, post(&app, &path, &token, json!({})).await) });
    }
    for r in racers {
        let (app, token, body) = (app.clone(), r.token.clone(), book.clone());
        tasks.spawn(async move { (true, post(&app, "/api/v1/bookings", &token, body).await) });
    }
    let mut racers_booked = 0;
    while let Some(res) = tasks.join_next().await {
        let (racer, status) = res.unwrap();
        match (racer, status) {
            (true, 201) => racers_booked += 1,
            (true, 409) | (false, 200) => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    // Every waiter with an offer accepts it, all at once.
    let mut tasks = JoinSet::new();
    for w in waiters {
        let (app, token) = (app.clone(), w.token.clone());
        tasks.spawn(async move {
            let (_, list) = app.get_json_as("/api/v1/waitlist", &token).await;
            let mut answers = Vec::new();
            for e in list.as_array().unwrap() {
                if e["status"] == "offered" {
                    let id = e["id"].as_i64().unwrap();
                    answers.push(
                        post(
                            &app,
                            &format!("/api/v1/waitlist/{id}/accept"),
                            &token,
                            json!({}),
                        )
                        .await,
                    );
                }
            }
            answers
        });
    }
    let (mut accepted, mut accept_refused) = (0, 0);
    while let Some(res) = tasks.join_next().await {
        for s in res.unwrap() {
            if s == 201 {
                accepted += 1;
            } else {
                accept_refused += 1;
            }
        }
    }
    Figures {
        racers_booked,
        accepted,
        accept_refused,
        ..figures(&app).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_freed_place_is_offered_once_and_held_for_that_person_under_a_race() {
    let f = race(None).await;
    eprintln!("guarded race: {f:?}, overbooked {}", f.overbooked());
    assert_eq!(f.offers, 20, "each freed place offered");
    assert_eq!(f.double_offers, 0, "no place offered twice");
    assert_eq!(f.racers_booked, 0, "held places never go to others");
    assert_eq!((f.accepted, f.accept_refused), (20, 0), "every offer taken");
    assert_eq!(f.overbooked(), 0, "capacity never exceeded");
    assert_eq!(f.counter, f.active, "the counter equals the rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_race_without_the_guard_breaks_the_waiting_list() {
    let f = race(Some(Duration::from_millis(40))).await;
    eprintln!(
        "control race (guard off): {f:?}, overbooked {}",
        f.overbooked()
    );
    let broken = f.double_offers > 0 || f.racers_booked > 0 || f.overbooked() > 0;
    assert!(
        broken,
        "the control run must break an invariant, or the race test proves nothing: {f:?}"
    );
}
