//! The booking invariants under concurrent load, through HTTP, on whichever
//! backend the suite runs on (CI runs it on SQLite and on PostgreSQL).

use std::sync::Arc;

use diesel::prelude::*;
use onestop::db::schema::{bookings, slot_counters};
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::{TEST_NOW, TestApp, spawn_app_at};

const DAY: &str = "2026-12-03";
const START: &str = "09:00";

/// (counter value, active bookings) for the one test slot.
async fn slot_state(app: &TestApp) -> (i32, i64) {
    app.state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            let day: chrono::NaiveDate = DAY.parse().unwrap();
            let start = chrono::NaiveTime::parse_from_str(START, "%H:%M").unwrap();
            let counter: i32 = slot_counters::table
                .filter(
                    slot_counters::day
                        .eq(day)
                        .and(slot_counters::start_time.eq(start)),
                )
                .select(diesel::dsl::sum(slot_counters::booked))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0) as i32;
            let rows: i64 = bookings::table
                .filter(bookings::day.eq(day).and(bookings::start_time.eq(start)))
                .filter(bookings::status.eq_any(["booked", "checked_in", "called", "serving"]))
                .count()
                .get_result(conn)?;
            Ok((counter, rows))
        })
        .await
        .unwrap()
}

async fn one_window_slot_of_five(app: &TestApp) -> i64 {
    let item = app.item_with_windows(1).await;
    app.set_capacity(10, 50).await; // 10 places a window, half online: 5
    let (_, slots) = app
        .get_json(&format!("/api/v1/services/{item}/slots?date={DAY}"))
        .await;
    assert_eq!(slots[0]["remaining"], 5);
    item
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_residents_racing_for_five_places_get_exactly_five() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = one_window_slot_of_five(&app).await;
    let residents = app.residents_direct(1, 200).await;
    let app = Arc::new(app);
    let mut tasks = JoinSet::new();
    for r in residents {
        let app = app.clone();
        tasks.spawn(async move {
            let (s, body) = app
                .post_json(
                    "/api/v1/bookings",
                    Some(&r.token),
                    &json!({"service_id": item, "date": DAY, "start": START}),
                )
                .await;
            (
                s,
                body["error"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        });
    }
    let mut created = 0;
    let mut full = 0;
    while let Some(res) = tasks.join_next().await {
        let (status, code) = res.unwrap();
        match status {
            201 => created += 1,
            409 if code == "slot_full" => full += 1,
            other => panic!("unexpected answer {other} {code}"),
        }
    }
    assert_eq!((created, full), (5, 195));
    assert_eq!(
        slot_state(&app).await,
        (5, 5),
        "the counter equals the rows"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_resident_firing_twenty_requests_gets_one_booking() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = app.item_with_windows(2).await;
    let r = app.residents_direct(1, 1).await.remove(0);
    let app = Arc::new(app);
    let mut tasks = JoinSet::new();
    for i in 0..20 {
        let (app, token) = (app.clone(), r.token.clone());
        // Different times, same item and day: only one may stand.
        let start = ["09:00", "09:30", "10:00", "10:30"][i % 4];
        tasks.spawn(async move {
            app.post_json(
                "/api/v1/bookings",
                Some(&token),
                &json!({"service_id": item, "date": DAY, "start": start}),
            )
            .await
        });
    }
    let mut created = 0;
    while let Some(res) = tasks.join_next().await {
        let (status, body) = res.unwrap();
        match status {
            201 => created += 1,
            409 => assert_eq!(body["error"]["code"], "duplicate_booking"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    let (_, mine) = app.get_json_as("/api/v1/bookings", &r.token).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_cancels_and_rebooks_on_a_full_slot_keep_the_counter_true() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = one_window_slot_of_five(&app).await;
    // Places go straight back on the market here, and nobody is suspended
    // for cancelling: what is raced is the counter itself.
    app.set_fair_use(0, 0).await;
    let residents = app.residents_direct(1, 40).await;
    let app = Arc::new(app);
    // Fill the slot.
    let mut holders = Vec::new();
    for r in &residents[..5] {
        let (s, b) = app
            .post_json(
                "/api/v1/bookings",
                Some(&r.token),
                &json!({"service_id": item, "date": DAY, "start": START}),
            )
            .await;
        assert_eq!(s, 201);
        holders.push(b["code"].as_str().unwrap().to_string());
    }
    assert_eq!(slot_state(&app).await, (5, 5));

    // Each resident keeps a list of their codes; an operation cancels the
    // newest booking it holds or tries to book. 1000 operations, 40 at a time.
    let codes: Arc<tokio::sync::Mutex<Vec<Option<String>>>> = Arc::new(tokio::sync::Mutex::new(
        (0..40).map(|i| holders.get(i).cloned()).collect(),
    ));
    let residents = Arc::new(residents);
    let mut answers = std::collections::HashMap::<u16, usize>::new();
    for round in 0..25 {
        let mut tasks = JoinSet::new();
        for i in 0..40 {
            let (app, codes, residents) = (app.clone(), codes.clone(), residents.clone());
            tasks.spawn(async move {
                let held = codes.lock().await[i].clone();
                let token = &residents[i].token;
                match held {
                    Some(code) => {
                        let (s, _) = app
                            .post_json(
                                &format!("/api/v1/bookings/{code}/cancel"),
                                Some(token),
                                &json!({}),
                            )
                            .await;
                        if s == 200 {
                            codes.lock().await[i] = None;
                        }
                        s
                    }
                    None => {
                        let (s, b) = app
                            .post_json(
                                "/api/v1/bookings",
                                Some(token),
                                &json!({"service_id": item, "date": DAY, "start": START}),
                            )
                            .await;
                        if s == 201 {
                            codes.lock().await[i] = b["code"].as_str().map(str::to_string);
                        }
                        s
                    }
                }
            });
        }
        while let Some(res) = tasks.join_next().await {
            *answers.entry(res.unwrap()).or_default() += 1;
        }
        let (counter, rows) = slot_state(&app).await;
        assert!(
            (0..=5).contains(&counter),
            "round {round}: counter {counter}"
        );
        assert_eq!(counter as i64, rows, "round {round}: counter equals rows");
    }
    assert_eq!(answers.values().sum::<usize>(), 1000);
    assert!(
        answers.keys().all(|s| [200, 201, 409].contains(s)),
        "no 5xx: {answers:?}"
    );
    assert!(
        answers.get(&201).copied().unwrap_or(0) > 5,
        "places were rebooked: {answers:?}"
    );
    let held = codes.lock().await.iter().filter(|c| c.is_some()).count() as i64;
    assert_eq!(slot_state(&app).await, (held as i32, held));
}
