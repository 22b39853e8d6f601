//! Queue invariants under concurrency, live events, and the ticket/booking
//! state machine against a reference model.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use onestop::accounts::models::Role;
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::{TestApp, TestBackend, pg_available, spawn_app_at, spawn_second_instance};

const OPEN: &str = "2026-12-01T09:00:00+08:00";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_concurrent_tickets_get_unique_gapless_numbers() {
    let app = Arc::new(spawn_app_at(OPEN).await);
    let item = app.item_with_windows(2).await;
    let mut tasks = JoinSet::new();
    for _ in 0..500 {
        let app = app.clone();
        tasks.spawn(async move {
            app.post_json("/api/v1/tickets", None, &json!({"service_id": item}))
                .await
        });
    }
    let mut numbers = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (s, t) = r.unwrap();
        assert_eq!(s, 201, "{t}");
        numbers.push(t["number"].as_str().unwrap().to_string());
    }
    let letter = &numbers[0][..1];
    let mut seqs: Vec<u32> = numbers
        .iter()
        .map(|n| {
            assert_eq!(&n[..1], letter);
            n[1..].parse().unwrap()
        })
        .collect();
    seqs.sort();
    assert_eq!(seqs, (1..=500).collect::<Vec<_>>(), "unique and gapless");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_clerks_calling_at_once_never_get_the_same_ticket() {
    let app = Arc::new(spawn_app_at(OPEN).await);
    let item = app.item_with_windows(2).await;
    let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
    let mut desks = Vec::new();
    for (i, n) in detail["window_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .enumerate()
    {
        let n = n.as_i64().unwrap();
        let clerk = app
            .staff(i as u32 + 1, Role::Clerk, Some(n as i32), None)
            .await;
        desks.push((app.window_id(n).await, clerk.token));
    }
    for _ in 0..60 {
        app.post_json("/api/v1/tickets", None, &json!({"service_id": item}))
            .await;
    }
    let mut seen = HashSet::new();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let mut tasks = JoinSet::new();
        for (window, token) in desks.clone() {
            let app = app.clone();
            tasks.spawn(async move {
                let (s, t) = app
                    .post_json(
                        &format!("/api/v1/windows/{window}/call-next"),
                        Some(&token),
                        &json!({}),
                    )
                    .await;
                if s == 200 {
                    let id = t["id"].as_i64().unwrap();
                    app.post_json(
                        &format!("/api/v1/tickets/{id}/start"),
                        Some(&token),
                        &json!({}),
                    )
                    .await;
                    app.post_json(
                        &format!("/api/v1/tickets/{id}/complete"),
                        Some(&token),
                        &json!({"outcome": "done"}),
                    )
                    .await;
                    Some(id)
                } else {
                    assert_eq!(s, 204, "{t}");
                    None
                }
            });
        }
        let mut called = 0;
        while let Some(r) = tasks.join_next().await {
            if let Some(id) = r.unwrap() {
                assert!(seen.insert(id), "ticket {id} was called twice");
                called += 1;
            }
        }
        if called == 0 {
            break;
        }
        assert!(rounds < 100);
    }
    assert_eq!(seen.len(), 60, "every ticket called exactly once");
}

/// Reads an SSE stream until an event with `needle` arrives.
async fn wait_for_event(resp: &mut reqwest::Response, needle: &str) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(5), resp.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains(needle) {
                    return seen;
                }
            }
            _ => break,
        }
    }
    panic!("no event with {needle}; got: {seen}");
}

async fn call_one(app: &TestApp, clerk_n: u32) -> String {
    let item = app.item_with_windows(2).await;
    let number = app.window_for(item).await;
    let clerk = app
        .staff(clerk_n, Role::Clerk, Some(number as i32), None)
        .await;
    let (_, t) = app
        .post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    let window = app.window_id(number).await;
    let (s, _) = app
        .post_json(
            &format!("/api/v1/windows/{window}/call-next"),
            Some(&clerk.token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200);
    t["number"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_call_reaches_a_connected_board_over_server_sent_events() {
    let app = spawn_app_at(OPEN).await;
    let mut board = app
        .client
        .get(app.url("/display/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(board.status().as_u16(), 200);
    assert!(
        board.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    wait_for_event(&mut board, "event: snapshot").await;
    let number = call_one(&app, 1).await;
    let got = wait_for_event(&mut board, &format!("\"number\":\"{number}\"")).await;
    assert!(got.contains("event: call"), "{got}");
    // A board that reconnects catches up from its snapshot.
    let mut again = app
        .client
        .get(app.url("/display/events"))
        .send()
        .await
        .unwrap();
    let snapshot = wait_for_event(&mut again, "event: snapshot").await;
    assert!(snapshot.contains(&number), "{snapshot}");
}

#[tokio::test]
async fn with_postgresql_a_call_on_one_instance_reaches_a_board_on_another() {
    if TestBackend::from_env() != TestBackend::Postgres {
        if pg_available() {
            eprintln!(
                "(cross-instance events run in the PostgreSQL suite: ONESTOP_TEST_BACKEND=postgres)"
            );
        }
        return;
    }
    let first = spawn_app_at(OPEN).await;
    let second = spawn_second_instance(&first).await;
    let mut board = second
        .client
        .get(second.url("/display/events"))
        .send()
        .await
        .unwrap();
    wait_for_event(&mut board, "event: snapshot").await;
    // Give the second instance's LISTEN a moment to start.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let number = call_one(&first, 1).await;
    let got = wait_for_event(&mut board, &format!("\"number\":\"{number}\"")).await;
    assert!(got.contains("event: call"));
}
