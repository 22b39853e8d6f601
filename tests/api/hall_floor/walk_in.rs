//! Walk-in numbers and quotas.

use super::*;
use crate::helpers::{TEST_NOW, assert_error_json, spawn_app_at};
use serde_json::json;

#[tokio::test]
async fn walk_in_numbers_are_per_zone_letter_and_gapless() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = app.item_with_windows(2).await;
    let (s, t1) = walk_in(&app, item).await;
    assert_eq!(s, 201, "{t1}");
    let (_, t2) = walk_in(&app, item).await;
    let n1 = t1["number"].as_str().unwrap();
    let n2 = t2["number"].as_str().unwrap();
    assert_eq!(n1.len(), 4);
    assert_eq!(&n1[..1], &n2[..1], "same zone, same letter");
    assert_eq!((&n1[1..], &n2[1..]), ("001", "002"));
    assert_eq!(t1["status"], "waiting");
    assert_eq!(
        (t1["position"].as_i64(), t2["position"].as_i64()),
        (Some(0), Some(1))
    );
    // Nobody staffs a window for the item yet: the wait is unknown, not "0".
    assert_eq!(
        t2["estimated_wait_minutes"],
        serde_json::Value::Null,
        "{t2}"
    );
    // An item of another zone has its own letter and sequence.
    let (_, other) = app.get_json("/api/v1/services?q=GACRJ-001").await;
    let (_, t3) = walk_in(&app, other[0]["id"].as_i64().unwrap()).await;
    assert_eq!(t3["number"], "D001");
    // GET the ticket; a bad id is a 404.
    let (s, got) = app.get_json(&format!("/api/v1/tickets/{}", t2["id"])).await;
    assert_eq!((s, &got["number"]), (200, &t2["number"]));
    assert_eq!(app.get_json("/api/v1/tickets/99999").await.0, 404);
    // The hall is closed at the weekend.
    app.set_now("2026-12-05T10:00:00+08:00");
    let (s, body) = walk_in(&app, item).await;
    assert_error_json(s, &body, 409, "hall_closed");
    let (s, body) = app
        .post_json(
            "/api/v1/tickets",
            None,
            &json!({"service_id": item, "priority_reason": "vip"}),
        )
        .await;
    assert_error_json(s, &body, 422, "invalid_priority_reason");
}

#[tokio::test]
async fn a_walk_in_quota_is_enforced_only_where_set() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = app.item_with_windows(2).await;
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::service_items;
            diesel::update(service_items::table.find(item as i32))
                .set(service_items::walk_in_quota.eq(Some(2)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(walk_in(&app, item).await.0, 201);
    assert_eq!(walk_in(&app, item).await.0, 201);
    let (s, body) = walk_in(&app, item).await;
    assert_error_json(s, &body, 409, "quota_reached");
}
