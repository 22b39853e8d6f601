//! Calling, serving, priorities, transfers, pauses and no-shows.

use super::*;
use crate::helpers::{TEST_NOW, assert_error_json, post_form_with, spawn_app_at};
use onestop::accounts::models::Role;
use serde_json::json;

#[tokio::test]
async fn a_clerk_calls_serves_and_completes_and_illegal_moves_answer_409() {
    let app = spawn_app_at(TEST_NOW).await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (_, t) = walk_in(&app, item).await;
    let id = t["id"].as_i64().unwrap();
    // Before the call nothing but call-next is possible.
    let (s, body) = act(&app, &clerk.token, id, "start", json!({})).await;
    assert_eq!(s, 403, "not at my window yet: {body}");
    let (s, called) = call_next(&app, &clerk.token, window).await;
    assert_eq!(s, 200, "{called}");
    assert_eq!(
        (called["id"].as_i64(), called["status"].as_str()),
        (Some(id), Some("called"))
    );
    assert!(called["window_number"].as_i64().is_some());
    // One ticket per call: the window is busy until this one is finished.
    let (s, body) = call_next(&app, &clerk.token, window).await;
    assert_error_json(s, &body, 409, "window_busy");
    assert_eq!(
        act(&app, &clerk.token, id, "recall", json!({})).await.0,
        200
    );
    assert_eq!(
        act(&app, &clerk.token, id, "recall", json!({})).await.0,
        200
    );
    let (s, body) = act(&app, &clerk.token, id, "recall", json!({})).await;
    assert_error_json(s, &body, 409, "too_many_calls");
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"outcome": "done"}),
    )
    .await;
    assert_error_json(s, &body, 409, "illegal_transition");
    assert_eq!(
        act(&app, &clerk.token, id, "start", json!({})).await.1["status"],
        "serving"
    );
    let (s, body) = act(&app, &clerk.token, id, "no-show", json!({})).await;
    assert_error_json(s, &body, 409, "illegal_transition");
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"outcome": "refused"}),
    )
    .await;
    assert_error_json(s, &body, 422, "reason_required");
    let (s, done) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"outcome": "done"}),
    )
    .await;
    assert_eq!((s, done["status"].as_str()), (200, Some("completed")));
    let (s, body) = act(&app, &clerk.token, id, "start", json!({})).await;
    assert_error_json(s, &body, 409, "illegal_transition");
    let (s, _) = call_next(&app, &clerk.token, window).await;
    assert_eq!(s, 204, "nobody waits");
    let (s, body) = act(&app, &clerk.token, id, "dance", json!({})).await;
    assert_eq!(s, 404, "{body}");

    // Another clerk cannot use this window.
    let other = app.staff(2, Role::Clerk, None, Some("GAHZ")).await;
    let (s, body) = call_next(&app, &other.token, window).await;
    assert_error_json(s, &body, 403, "not_your_window");
    let resident = app.register_resident(9).await;
    let (s, _) = call_next(&app, &resident.token, window).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn priority_comes_first_and_a_transfer_keeps_its_place() {
    let app = spawn_app_at(TEST_NOW).await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (_, first) = walk_in(&app, item).await;
    let (_, urgent) = app
        .post_json(
            "/api/v1/tickets",
            None,
            &json!({"service_id": item, "priority_reason": "elderly"}),
        )
        .await;
    let (_, third) = walk_in(&app, item).await;
    let (_, called) = call_next(&app, &clerk.token, window).await;
    assert_eq!(called["number"], urgent["number"], "绿色通道 first");
    // Transfer the priority ticket to the other window serving the item,
    // once somebody sits there.
    let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
    let other_number = detail["window_numbers"][1].as_i64().unwrap();
    let other_clerk = app
        .staff(2, Role::Clerk, Some(other_number as i32), None)
        .await;
    let other_window = app.window_id(other_number).await;
    take_window(&app, &other_clerk, other_window).await;
    let (s, moved) = act(
        &app,
        &clerk.token,
        called["id"].as_i64().unwrap(),
        "transfer",
        json!({"window_number": other_number}),
    )
    .await;
    assert_eq!(
        (s, moved["status"].as_str()),
        (200, Some("transferred")),
        "{moved}"
    );
    let (_, next) = call_next(&app, &clerk.token, window).await;
    assert_eq!(
        next["number"], first["number"],
        "the transferred ticket waits at the other window only"
    );
    let (_, at_other) = call_next(&app, &other_clerk.token, other_window).await;
    assert_eq!(
        at_other["number"], urgent["number"],
        "it keeps its place ahead of later tickets"
    );
    let (_, last) = call_next(&app, &other_clerk.token, other_window).await;
    assert_eq!(last["status"].as_str(), None, "busy: {last}");
    act(
        &app,
        &other_clerk.token,
        at_other["id"].as_i64().unwrap(),
        "no-show",
        json!({}),
    )
    .await;
    let (_, last) = call_next(&app, &other_clerk.token, other_window).await;
    assert_eq!(last["number"], third["number"]);
}

#[tokio::test]
async fn a_paused_window_is_not_called_to_and_a_no_show_counts_against_the_booking() {
    let app = spawn_app_at(TEST_NOW).await;
    let (item, window, clerk) = setup(&app, 1).await;
    let r = app.register_resident(1).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-01", "start": "09:00"}),
        )
        .await;
    let code = b["code"].as_str().unwrap();
    app.set_now("2026-12-01T08:45:00+08:00");
    let (s, _) = app
        .post_json(
            "/api/v1/checkin",
            None,
            &json!({"code": code, "phone_last4": &r.phone[7..]}),
        )
        .await;
    assert_eq!(s, 201);
    let client = app.browser_session(&clerk.phone).await;
    let r2 = post_form_with(
        &client,
        &app,
        "/clerk",
        "/clerk/take",
        &[("window_id", &window.to_string())],
    )
    .await;
    assert_eq!(r2.status().as_u16(), 303);
    post_form_with(&client, &app, "/clerk", "/clerk/pause", &[]).await;
    let (s, body) = call_next(&app, &clerk.token, window).await;
    assert_error_json(s, &body, 409, "window_paused");
    post_form_with(&client, &app, "/clerk", "/clerk/resume", &[]).await;
    let (s, t) = call_next(&app, &clerk.token, window).await;
    assert_eq!(s, 200);
    let (_, booking) = app
        .get_json_as(&format!("/api/v1/bookings/{code}"), &r.token)
        .await;
    assert_eq!(booking["status"], "called");
    act(
        &app,
        &clerk.token,
        t["id"].as_i64().unwrap(),
        "no-show",
        json!({}),
    )
    .await;
    let (_, booking) = app
        .get_json_as(&format!("/api/v1/bookings/{code}"), &r.token)
        .await;
    assert_eq!(booking["status"], "no_show");
}
