//! Several items in one visit (一窗受理): one code, one number, k places of
//! one slot at one window that serves them all, an outcome and a case per
//! item — through the API, the pages and the kiosk; and `Idempotency-Key`.

use std::sync::Arc;

use onestop::accounts::models::Role;
use serde_json::{Value, json};

use crate::hall_floor::{act, call_next, take_window};
use crate::helpers::{
    TEST_NOW, TestApp, assert_error_json, figure_of, page_of, post_form_with, spawn_app_at,
};
use crate::pages::text_of;

fn remaining_at(list: &Value, start: &str) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == start)
        .map(|s| s["remaining"].as_i64().unwrap())
        .unwrap_or(-1)
}

async fn remaining(app: &TestApp, item: i64, also: &str, date: &str, start: &str) -> i64 {
    let (s, list) = app
        .get_json(&format!(
            "/api/v1/services/{item}/slots?date={date}&also={also}"
        ))
        .await;
    assert_eq!(s, 200, "{list}");
    remaining_at(&list, start)
}

async fn book(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.post_json("/api/v1/bookings", Some(token), &body).await
}

#[tokio::test]
async fn a_visit_of_two_items_takes_two_places_under_one_code_and_one_number() {
    let app = spawn_app_at(TEST_NOW).await;
    let (a, b, number, apart) = app.two_items_one_window().await;
    let r = app.register_resident(1).await;
    let day = "2026-12-02";

    // Items no window serves together cannot be one visit.
    let (s, body) = book(
        &app,
        &r.token,
        json!({"service_ids": [a, apart], "date": day, "start": "09:00"}),
    )
    .await;
    assert_error_json(s, &body, 409, "no_common_window");
    let (s, body) = app
        .get_json(&format!(
            "/api/v1/services/{a}/slots?date={day}&also={apart}"
        ))
        .await;
    assert_error_json(s, &body, 409, "no_common_window");
    for bad in [
        json!({"service_ids": [a, a], "date": day, "start": "09:00"}),
        json!({"service_ids": [], "date": day, "start": "09:00"}),
        json!({"service_ids": [a, b, 1, 2, 3, 4], "date": day, "start": "09:00"}),
        json!({"service_id": a, "service_ids": [b], "date": day, "start": "09:00"}),
        json!({"date": day, "start": "09:00"}),
    ] {
        let (s, body) = book(&app, &r.token, bad.clone()).await;
        assert_error_json(s, &body, 422, "invalid_items");
    }

    let alone_before = remaining(&app, a, "", day, "09:00").await;
    let (s, v) = book(
        &app,
        &r.token,
        json!({"service_ids": [a, b], "date": day, "start": "09:00"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["service_ids"], json!([a, b]));
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert!(v["items"][1]["outcome"].is_null());
    assert_eq!(v["window_number"], number, "the window that serves both");
    assert_eq!(
        alone_before - remaining(&app, a, "", day, "09:00").await,
        2,
        "one place per item"
    );
    let code = v["code"].as_str().unwrap().to_string();

    // Either item the same day again is a duplicate.
    let (s, body) = book(
        &app,
        &r.token,
        json!({"service_id": b, "date": day, "start": "10:00"}),
    )
    .await;
    assert_error_json(s, &body, 409, "duplicate_booking");
    // The hall counts a visit as one booking: two more single ones fit.
    for d in ["2026-12-03", "2026-12-04"] {
        let (s, body) = book(
            &app,
            &r.token,
            json!({"service_id": a, "date": d, "start": "09:00"}),
        )
        .await;
        assert_eq!(s, 201, "{body}");
    }
    let (s, body) = book(
        &app,
        &r.token,
        json!({"service_id": a, "date": "2026-12-07", "start": "09:00"}),
    )
    .await;
    assert_error_json(s, &body, 409, "limit_reached");

    // At the hall: one ticket for both items, called only where both are done.
    app.set_now("2026-12-02T08:45:00+08:00");
    let (s, t) = app
        .post_json(
            "/api/v1/checkin",
            None,
            &json!({"code": code, "phone_last4": &r.phone[7..]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["service_ids"], json!([a, b]));
    let id = t["id"].as_i64().unwrap();
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    let window = app.window_id(number).await;
    take_window(&app, &clerk, window).await;
    let (s, called) = call_next(&app, &clerk.token, window).await;
    assert_eq!((s, called["id"].as_i64()), (200, Some(id)), "{called}");
    act(&app, &clerk.token, id, "start", json!({})).await;
    // Every item needs its outcome.
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"items": [{"service_id": a, "outcome": "done"}]}),
    )
    .await;
    assert_error_json(s, &body, 422, "outcome_required");
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"outcome": "done", "items": [{"service_id": apart, "outcome": "done"}]}),
    )
    .await;
    assert_error_json(s, &body, 422, "unknown_item");
    let (s, done) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"outcome": "done", "items": [{"service_id": b, "outcome": "accepted"}]}),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["status"], "completed");
    assert_eq!(done["items"][0]["outcome"], "done");
    assert_eq!(done["items"][1]["outcome"], "accepted");
    assert!(done["items"][0]["case"].is_null());
    let case = done["items"][1]["case"].as_str().unwrap().to_string();
    assert_eq!(done["case"], json!(case), "the visit's case");

    // The resident sees each item's outcome and the case on the booking
    // (signed in again: a day has passed).
    let token = &app.login(&r.phone).await;
    let (_, booking) = app
        .get_json_as(&format!("/api/v1/bookings/{code}"), token)
        .await;
    assert_eq!(booking["status"], "completed", "{booking}");
    assert_eq!(booking["items"][0]["outcome"], "done");
    assert_eq!(booking["items"][1]["case"], json!(case));
    let session = app.browser_session(&r.phone).await;
    let html = page_of(&session, &app, &format!("/bookings/{code}")).await;
    let text = text_of(&html);
    assert!(text.contains("各事项办理结果"), "{text}");
    assert!(text.contains(&case), "the case of the second item");
    assert!(
        !text.contains("已办结 ") || text.contains("窗口已办理"),
        "the visit is not called 已办结 while a case goes on: {text}"
    );

    // Statistics count items, not only visits.
    let admin = app.staff(9, Role::Admin, None, None).await;
    let client = app.browser_session(&admin.phone).await;
    let stats = page_of(&client, &app, "/admin/stats?from=2026-12-02&to=2026-12-02").await;
    let figure = |id: &str| figure_of(&stats, id);
    assert_eq!(figure("items-served"), "2");
    assert_eq!(figure("multi-item-visits"), "1");
}

#[tokio::test]
async fn a_walk_in_of_two_items_waits_for_a_window_that_serves_both_and_records_each() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (a, b, number, apart) = app.two_items_one_window().await;
    let (s, body) = app
        .post_json("/api/v1/tickets", None, &json!({"service_ids": [a, apart]}))
        .await;
    assert_error_json(s, &body, 409, "no_common_window");
    let (s, t) = app
        .post_json("/api/v1/tickets", None, &json!({"service_ids": [a, b]}))
        .await;
    assert_eq!(s, 201, "{t}");
    let id = t["id"].as_i64().unwrap();
    assert_eq!(t["items"].as_array().unwrap().len(), 2);

    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    let window = app.window_id(number).await;
    take_window(&app, &clerk, window).await;
    assert_eq!(call_next(&app, &clerk.token, window).await.0, 200);
    act(&app, &clerk.token, id, "start", json!({})).await;
    // 补正 for one item with what is missing, 不予受理 for the other with why.
    let (s, done) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"items": [
            {"service_id": a, "outcome": "incomplete", "missing_materials": ["户口簿原件"]},
            {"service_id": b, "outcome": "refused", "reason": "不属于本窗口受理范围"}
        ]}),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["items"][0]["outcome"], "incomplete");
    assert_eq!(done["items"][1]["outcome"], "refused");
    assert!(done["case"].is_null(), "nothing was accepted");
    // The one-time notice lists the first item's missing material.
    let session = app.browser_session(&clerk.phone).await;
    let notice = session
        .get(app.url(&format!("/clerk/notice/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(notice.status().as_u16(), 200);
    assert!(text_of(&notice.text().await.unwrap()).contains("户口簿原件"));
}

#[tokio::test]
async fn a_visit_sent_on_keeps_what_was_decided_and_goes_where_the_rest_is_done() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (a, b, number, _) = app.two_items_one_window().await;
    let (_, t) = app
        .post_json("/api/v1/tickets", None, &json!({"service_ids": [a, b]}))
        .await;
    let id = t["id"].as_i64().unwrap();
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    let window = app.window_id(number).await;
    take_window(&app, &clerk, window).await;
    call_next(&app, &clerk.token, window).await;
    // Another item's queue, staffed elsewhere: where a wrongly chosen item
    // is sent.
    let mut other = app.item_with_windows(2).await;
    if other == a || other == b {
        other = app.item_with_windows(1).await;
    }
    let elsewhere = app.window_for(other).await;
    let colleague = app
        .staff(2, Role::Clerk, Some(elsewhere as i32), None)
        .await;
    take_window(&app, &colleague, app.window_id(elsewhere).await).await;

    // With both items open the visit goes only to a window doing both.
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "transfer",
        json!({"service_id": other}),
    )
    .await;
    assert_error_json(s, &body, 422, "choose_window");
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "transfer",
        json!({"service_id": other, "items": [
            {"service_id": a, "outcome": "done"}, {"service_id": b, "outcome": "done"}]}),
    )
    .await;
    assert_error_json(s, &body, 422, "nothing_to_transfer");
    // The first item is done here; the second was the wrong one: it goes on
    // as `other`, keeping the visit's place and number.
    let (s, moved) = act(
        &app,
        &clerk.token,
        id,
        "transfer",
        json!({"service_id": other, "items": [{"service_id": a, "outcome": "done"}]}),
    )
    .await;
    assert_eq!(s, 200, "{moved}");
    assert_eq!(moved["status"], "transferred");
    assert_eq!(moved["number"], t["number"], "one number for the visit");
    assert_eq!(moved["items"][0]["outcome"], "done", "kept");
    assert_eq!(moved["items"][1]["service_id"], other);
    assert!(moved["items"][1]["outcome"].is_null(), "still open");
    assert_eq!(moved["service_id"], other, "it waits for what is open");
}

#[tokio::test]
async fn the_booking_page_offers_what_one_window_also_does_and_lists_each_material_once() {
    let app = spawn_app_at(TEST_NOW).await;
    let (a, b, _, _) = app.two_items_one_window().await;
    let r = app.register_resident(2).await;
    let session = app.browser_session(&r.phone).await;
    let get = |path: String| {
        let session = session.clone();
        let url = app.url(&path);
        async move { session.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = get(format!("/services/{a}/book")).await;
    assert!(
        html.contains(&format!("name=\"also\" value=\"{b}\"")),
        "{b} is offered under 同时办理"
    );
    let html = get(format!("/services/{a}/book?date=2026-12-02&also={b}")).await;
    let text = text_of(&html);
    assert!(text.contains("占用该时段 2 个名额"), "{text}");
    assert!(text.contains("计为 1 个有效预约"));
    // The combined list names each material once.
    let list = html
        .split("id=\"visit-materials\"")
        .nth(1)
        .unwrap()
        .split("</ol>")
        .next()
        .unwrap();
    let names: Vec<&str> = list
        .split("<span class=\"material-name\">")
        .skip(1)
        .map(|s| s.split("</span>").next().unwrap())
        .collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(names.len(), unique.len(), "no material twice: {names:?}");
    assert!(!names.is_empty());

    // Booking through the form sends both items.
    let token = crate::helpers::csrf_of(&html);
    let r2 = session
        .post(app.url("/bookings"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("service_id", &a.to_string()),
            ("service_id", &b.to_string()),
            ("date", "2026-12-02"),
            ("start", "10:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r2.status().as_u16(), 303);
    let location = r2.headers()["location"].to_str().unwrap().to_string();
    let page = get(location).await;
    let (_, items) = app.get_json_as("/api/v1/bookings", &r.token).await;
    assert_eq!(items[0]["service_ids"], json!([a, b]));
    assert!(
        text_of(&page).contains("、"),
        "both names on the booking page"
    );
}

#[tokio::test]
async fn the_clerk_records_an_outcome_per_item_at_the_workstation() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (a, b, number, _) = app.two_items_one_window().await;
    let (_, t) = app
        .post_json("/api/v1/tickets", None, &json!({"service_ids": [a, b]}))
        .await;
    let id = t["id"].as_i64().unwrap();
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    let window = app.window_id(number).await;
    take_window(&app, &clerk, window).await;
    call_next(&app, &clerk.token, window).await;
    act(&app, &clerk.token, id, "start", json!({})).await;
    let client = app.browser_session(&clerk.phone).await;
    let page = page_of(&client, &app, "/clerk").await;
    assert!(page.contains(&format!("name=\"item_{a}_outcome\"")));
    assert!(page.contains(&format!("name=\"item_{b}_outcome\"")));
    let (oa, ob) = (format!("item_{a}_outcome"), format!("item_{b}_outcome"));
    let r = post_form_with(
        &client,
        &app,
        "/clerk",
        &format!("/clerk/tickets/{id}/complete"),
        &[(oa.as_str(), "accepted"), (ob.as_str(), "done")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("done=complete_items"), "{location}");
    assert!(location.contains("case="), "the case opened: {location}");
    let (_, ticket) = app.get_json(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(ticket["items"][0]["outcome"], "accepted");
    assert_eq!(ticket["items"][1]["outcome"], "done");
}

#[tokio::test]
async fn a_retried_request_with_the_same_idempotency_key_books_and_issues_nothing_new() {
    let app = Arc::new(spawn_app_at("2026-12-01T09:00:00+08:00").await);
    let item = app.item_with_windows(2).await;
    let r = app.register_resident(3).await;
    let post = |path: &'static str, key: &'static str, body: Value, token: Option<String>| {
        let app = app.clone();
        async move {
            let mut req = app
                .client
                .post(app.url(path))
                .header("Idempotency-Key", key)
                .json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.unwrap();
            let replayed = res.headers().contains_key("idempotent-replayed");
            (
                res.status().as_u16(),
                res.json::<Value>().await.unwrap(),
                replayed,
            )
        }
    };
    let body = json!({"service_id": item, "date": "2026-12-02", "start": "09:00"});
    // Ten copies of one request at once: one booking, ten equal answers.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        tasks.spawn(post(
            "/api/v1/bookings",
            "booking-key-1",
            body.clone(),
            Some(r.token.clone()),
        ));
    }
    let mut codes = Vec::new();
    let mut replays = 0;
    while let Some(res) = tasks.join_next().await {
        let (s, v, replayed) = res.unwrap();
        assert_eq!(s, 201, "{v}");
        codes.push(v["code"].as_str().unwrap().to_string());
        replays += usize::from(replayed);
    }
    codes.dedup();
    assert_eq!(codes.len(), 1, "one booking: {codes:?}");
    assert_eq!(replays, 9);
    let (_, mine) = app.get_json_as("/api/v1/bookings", &r.token).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    // The same key for another request is refused; a new key books anew.
    let other = json!({"service_id": item, "date": "2026-12-03", "start": "09:00"});
    let (s, v, _) = post(
        "/api/v1/bookings",
        "booking-key-1",
        other.clone(),
        Some(r.token.clone()),
    )
    .await;
    assert_error_json(s, &v, 422, "idempotency_key_reused");
    let (s, bad, _) = post(
        "/api/v1/bookings",
        "  ",
        other.clone(),
        Some(r.token.clone()),
    )
    .await;
    assert_error_json(s, &bad, 422, "invalid_idempotency_key");
    assert_eq!(
        post(
            "/api/v1/bookings",
            "booking-key-2",
            other,
            Some(r.token.clone())
        )
        .await
        .0,
        201
    );

    // A kiosk that lost the answer prints the same number again.
    let ticket = json!({"service_id": item});
    let (s, first, _) = post("/api/v1/tickets", "kiosk-7-0001", ticket.clone(), None).await;
    assert_eq!(s, 201, "{first}");
    let (s, again, replayed) = post("/api/v1/tickets", "kiosk-7-0001", ticket.clone(), None).await;
    assert_eq!((s, replayed), (201, true));
    assert_eq!(again["number"], first["number"]);
    let (_, next, _) = post("/api/v1/tickets", "kiosk-7-0002", ticket, None).await;
    assert_ne!(next["number"], first["number"]);
}

#[tokio::test]
async fn the_kiosk_gives_one_number_for_items_one_window_does_together() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (a, b, _, _) = app.two_items_one_window().await;
    let (s, page) = app.get_html(&format!("/kiosk/walk-in/{a}")).await;
    assert_eq!(s, 200);
    assert!(
        page.contains(&format!("name=\"also\" value=\"{b}\"")),
        "同时办理 is offered at the kiosk"
    );
    let r = app
        .post_form(
            &format!("/kiosk/walk-in/{a}"),
            &format!("/kiosk/walk-in/{a}"),
            &[("priority", ""), ("also", &b.to_string())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id = location.rsplit('/').next().unwrap();
    let (_, t) = app.get_json(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(t["service_ids"], json!([a, b]), "{t}");
}
