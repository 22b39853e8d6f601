//! The hall floor: tickets, the fair queue, the clerk's actions, cases and
//! ratings, through the API and the pages.

use onestop::accounts::models::Role;
use serde_json::{Value, json};

use crate::helpers::{TEST_NOW, TestApp, assert_error_json, post_form_with, spawn_app_at};
use crate::pages::text_of;

async fn walk_in(app: &TestApp, item: i64) -> (u16, Value) {
    app.post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await
}

async fn act(app: &TestApp, token: &str, ticket: i64, action: &str, body: Value) -> (u16, Value) {
    app.post_json(
        &format!("/api/v1/tickets/{ticket}/{action}"),
        Some(token),
        &body,
    )
    .await
}

async fn call_next(app: &TestApp, token: &str, window_id: i64) -> (u16, Value) {
    app.post_json(
        &format!("/api/v1/windows/{window_id}/call-next"),
        Some(token),
        &json!({}),
    )
    .await
}

/// An item, a window that serves it, and a clerk at that window.
/// A clerk sits down at a window through the workstation page.
pub async fn take_window(app: &TestApp, clerk: &crate::helpers::Staff, window: i64) {
    let client = app.browser_session(&clerk.phone).await;
    let r = crate::helpers::post_form_with(
        &client,
        app,
        "/clerk",
        "/clerk/take",
        &[("window_id", &window.to_string())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("done=taken"),
        "{:?}",
        r.headers()["location"]
    );
}

async fn setup(app: &TestApp, n: u32) -> (i64, i64, crate::helpers::Staff) {
    let item = app.item_with_windows(2).await;
    let number = app.window_for(item).await;
    let clerk = app.staff(n, Role::Clerk, Some(number as i32), None).await;
    (item, app.window_id(number).await, clerk)
}

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

#[tokio::test]
async fn check_in_opens_half_an_hour_before_and_closes_a_quarter_after() {
    let app = spawn_app_at(TEST_NOW).await;
    let r = app.register_resident(1).await;
    let item = app.item_with_windows(2).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-01", "start": "09:00"}),
        )
        .await;
    let code = b["code"].as_str().unwrap().to_string();
    let last4 = &r.phone[7..];
    let checkin = |c: String, l: String| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/checkin",
                None,
                &json!({"code": c, "phone_last4": l}),
            )
            .await
        }
    };
    let (s, body) = checkin(code.clone(), last4.to_string()).await;
    assert_error_json(s, &body, 409, "too_early");
    app.set_now("2026-12-01T08:40:00+08:00");
    let (s, body) = checkin(code.clone(), "0000".into()).await;
    assert_error_json(s, &body, 404, "not_found");
    let (s, t) = checkin(code.to_lowercase(), last4.to_string()).await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["booking_code"], json!(code));
    let (s, again) = checkin(code.clone(), last4.to_string()).await;
    assert_eq!((s, &again["id"]), (201, &t["id"]), "one number per visit");
    let (_, booking) = app
        .get_json_as(&format!("/api/v1/bookings/{code}"), &r.token)
        .await;
    assert_eq!(booking["status"], "checked_in");
    // Late for another booking: refused, a walk-in is offered on the page.
    let (_, b2) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    app.set_now("2026-12-02T09:20:00+08:00");
    let (s, body) = checkin(b2["code"].as_str().unwrap().to_string(), last4.to_string()).await;
    assert_error_json(s, &body, 409, "too_late");
    let r = app
        .post_form(
            "/kiosk/checkin",
            "/kiosk/checkin",
            &[
                ("code", b2["code"].as_str().unwrap()),
                ("phone_last4", last4),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let text = text_of(&r.text().await.unwrap());
    assert!(
        text.contains("已经超过签到时间") && text.contains("改为现场取号"),
        "{text}"
    );
}

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

#[tokio::test]
async fn accepting_opens_a_case_that_the_department_advances_and_the_resident_follows() {
    let app = spawn_app_at("2026-12-04T08:00:00+08:00").await; // a Friday
    let (_, items) = app.get_json("/api/v1/services?q=GACRJ-001").await; // 承诺 7 working days
    let item = items[0]["id"].as_i64().unwrap();
    let number = app.window_for(item).await;
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    let window = app.window_id(number).await;
    let r = app.register_resident(1).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-04", "start": "09:00"}),
        )
        .await;
    let code = b["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{b}"))
        .to_string();
    app.set_now("2026-12-04T08:45:00+08:00");
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code, "phone_last4": &r.phone[7..]}),
    )
    .await;
    let (_, t) = call_next(&app, &clerk.token, window).await;
    let id = t["id"].as_i64().unwrap();
    act(&app, &clerk.token, id, "start", json!({})).await;
    let (s, done) = act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"outcome": "accepted"}),
    )
    .await;
    assert_eq!(s, 200);
    let case_number = done["case_number"].as_str().unwrap().to_string();
    assert!(case_number.starts_with("WUHAI-20261204-"), "{case_number}");

    // The resident sees the case: due 7 working days later, over the weekend.
    let (_, html) = app
        .get_html(&format!("/track?code={code}&phone_last4={}", &r.phone[7..]))
        .await;
    let text = text_of(&html);
    assert!(
        text.contains(&case_number) && text.contains("已受理"),
        "{text}"
    );
    assert!(text.contains("12月15日"), "promised due date: {text}");

    // Staff of the department advance it; other departments cannot see it.
    let dept_admin = app.staff(2, Role::DeptAdmin, None, Some("GACRJ")).await;
    let outsider = app.staff(3, Role::DeptAdmin, None, Some("SBZX")).await;
    let staff = app.browser_session(&dept_admin.phone).await;
    let list = staff
        .get(app.url("/cases"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains(&case_number));
    let case_id: i64 = {
        let start = list.find("/cases/").unwrap() + 7;
        list[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let other = app.browser_session(&outsider.phone).await;
    assert_eq!(
        other
            .get(app.url(&format!("/cases/{case_id}")))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert!(
        !other
            .get(app.url("/cases"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains(&case_number)
    );
    for (to, status) in [
        ("reviewing", "审查中"),
        ("approved", "已办结"),
        ("mailed", "已寄出"),
    ] {
        let r = post_form_with(
            &staff,
            &app,
            &format!("/cases/{case_id}"),
            &format!("/cases/{case_id}/advance"),
            &[("to", to), ("note", "")],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let page = staff
            .get(app.url(&format!("/cases/{case_id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text_of(&page).contains(status), "{to}");
    }
    // Skipping a step is refused and changes nothing.
    let skipped = post_form_with(
        &staff,
        &app,
        &format!("/cases/{case_id}"),
        &format!("/cases/{case_id}/advance"),
        &[("to", "reviewing")],
    )
    .await;
    assert!(
        skipped.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?error=1")
    );
    let foreign = post_form_with(
        &other,
        &app,
        "/cases",
        &format!("/cases/{case_id}/advance"),
        &[("to", "collected")],
    )
    .await;
    assert_eq!(foreign.status().as_u16(), 404);
    let (_, html) = app
        .get_html(&format!("/track?code={code}&phone_last4={}", &r.phone[7..]))
        .await;
    assert!(
        text_of(&html).contains("已寄出"),
        "the resident sees the progress"
    );
}

#[tokio::test]
async fn a_finished_visit_is_rated_once_and_a_bad_rating_opens_a_follow_up() {
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
    let code = b["code"].as_str().unwrap().to_string();
    app.set_now("2026-12-01T08:45:00+08:00");
    let last4 = r.phone[7..].to_string();
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code, "phone_last4": last4}),
    )
    .await;
    let (_, t) = call_next(&app, &clerk.token, window).await;
    let id = t["id"].as_i64().unwrap();
    // Not yet finished: no rating.
    let r1 = app
        .post_form(
            "/login",
            "/track/rate",
            &[("code", &code), ("phone_last4", &last4), ("grade", "1")],
        )
        .await;
    assert!(
        r1.headers()["location"]
            .to_str()
            .unwrap()
            .contains("rating-error-not-finished")
    );
    act(&app, &clerk.token, id, "start", json!({})).await;
    act(
        &app,
        &clerk.token,
        id,
        "complete",
        json!({"outcome": "done"}),
    )
    .await;
    let r1 = app
        .post_form(
            "/login",
            "/track/rate",
            &[
                ("code", &code),
                ("phone_last4", &last4),
                ("grade", "1"),
                ("comment", "等了很久"),
            ],
        )
        .await;
    assert!(
        r1.headers()["location"]
            .to_str()
            .unwrap()
            .contains("rated=1")
    );
    let again = app
        .post_form(
            "/login",
            "/track/rate",
            &[("code", &code), ("phone_last4", &last4), ("grade", "5")],
        )
        .await;
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .contains("rating-error-"),
        "once per visit"
    );
    let (_, html) = app
        .get_html(&format!("/track?code={code}&phone_last4={last4}"))
        .await;
    assert!(text_of(&html).contains("非常不满意"));

    // The department admin sees the follow-up, records its steps in order.
    let department: String = {
        let (_, d) = app.get_json(&format!("/api/v1/services/{item}")).await;
        let (_, ds) = app.get_json("/api/v1/departments").await;
        ds.as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == d["department_id"])
            .unwrap()["code"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let admin = app.staff(2, Role::DeptAdmin, None, Some(&department)).await;
    let staff = app.browser_session(&admin.phone).await;
    let page = staff
        .get(app.url("/follow-ups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let text = text_of(&page);
    assert!(
        text.contains("非常不满意") && text.contains("等了很久") && text.contains("12月8日"),
        "due in 5 working days: {text}"
    );
    let fid: String = {
        let start = page.find("action=\"/follow-ups/").unwrap() + 20;
        page[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect()
    };
    let bad = post_form_with(
        &staff,
        &app,
        "/follow-ups",
        &format!("/follow-ups/{fid}"),
        &[("step", "report"), ("note", "跳过")],
    )
    .await;
    assert!(
        bad.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=1")
    );
    for step in ["callback", "fix", "report"] {
        let r = post_form_with(
            &staff,
            &app,
            "/follow-ups",
            &format!("/follow-ups/{fid}"),
            &[("step", step), ("note", "已处理")],
        )
        .await;
        assert_eq!(r.headers()["location"], "/follow-ups", "{step}");
    }
    let page = staff
        .get(app.url("/follow-ups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text_of(&page).contains("已完成"));
    // A resident cannot open the follow-ups.
    let resident = app.browser_session(&r.phone).await;
    assert_eq!(
        resident
            .get(app.url("/follow-ups"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn the_kiosk_and_the_clerk_pages_work_end_to_end() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (s, html) = app.get_html("/kiosk").await;
    assert_eq!(s, 200);
    assert!(text_of(&html).contains("现场取号"));
    let (_, html) = app.get_html("/kiosk/walk-in?q=%E7%A4%BE%E4%BF%9D").await;
    assert!(html.contains("/kiosk/walk-in/"));
    let r = app
        .post_form(
            &format!("/kiosk/walk-in/{item}"),
            &format!("/kiosk/walk-in/{item}"),
            &[("priority", "pregnant")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let ticket_url = r.headers()["location"].to_str().unwrap().to_string();
    let (s, html) = app.get_html(&ticket_url).await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(
        text.contains("您的排队号") && text.contains("孕妇") && text.contains("前面还有 0 人"),
        "{text}"
    );

    // The clerk takes the window and calls through the page.
    let client = app.browser_session(&clerk.phone).await;
    post_form_with(
        &client,
        &app,
        "/clerk",
        "/clerk/take",
        &[("window_id", &window.to_string())],
    )
    .await;
    let r = post_form_with(&client, &app, "/clerk", "/clerk/call-next", &[]).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/clerk?done=called")
    );
    let page = client
        .get(app.url("/clerk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ticket_id: String = {
        let start = page.find("/clerk/tickets/").unwrap() + 15;
        page[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect()
    };
    assert!(text_of(&page).contains("孕妇"));
    post_form_with(
        &client,
        &app,
        "/clerk",
        &format!("/clerk/tickets/{ticket_id}/start"),
        &[],
    )
    .await;
    // 补正: the missing materials, printed once.
    let page = client
        .get(app.url("/clerk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let material: String = {
        let marker = r#"name="missing_materials" value=""#;
        let start = page.find(marker).unwrap() + marker.len();
        page[start..].chars().take_while(|c| *c != '"').collect()
    };
    let r = post_form_with(
        &client,
        &app,
        "/clerk",
        &format!("/clerk/tickets/{ticket_id}/complete"),
        &[("outcome", "incomplete"), ("missing_materials", &material)],
    )
    .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains(&format!("notice={ticket_id}")),
        "{location}"
    );
    let notice = client
        .get(app.url(&format!("/clerk/notice/{ticket_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let text = text_of(&notice);
    assert!(
        text.contains("一次性补正告知书") && text.contains(&material),
        "{text}"
    );

    // The ticket page now says it is finished; the kiosk evaluator rates it.
    let (_, html) = app.get_html(&ticket_url).await;
    assert!(text_of(&html).contains("本次排队已结束"));
    let number: String = html
        .split("id=\"ticket-number\">")
        .nth(1)
        .unwrap()
        .chars()
        .take(4)
        .collect();
    let r = app
        .post_form(
            "/kiosk/rate",
            "/kiosk/rate",
            &[("number", &number), ("grade", "5")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(text_of(&r.text().await.unwrap()).contains("感谢您的评价"));

    // Clerk pages need a clerk.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(
        anon.get(app.url("/clerk"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn staff_actions_are_audited_and_audit_rows_cannot_be_changed() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (item, window, clerk) = setup(&app, 1).await;
    walk_in(&app, item).await;
    call_next(&app, &clerk.token, window).await;
    let other = app.staff(2, Role::Clerk, None, Some("GAHZ")).await;
    call_next(&app, &other.token, window).await;
    let (rows, update, delete) = app
        .state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::audit_log;
            let rows: Vec<(String, String)> = audit_log::table
                .order(audit_log::id)
                .select((audit_log::action, audit_log::result))
                .load(conn)?;
            let update = diesel::update(audit_log::table)
                .set(audit_log::result.eq("ok"))
                .execute(conn);
            let delete = diesel::delete(audit_log::table).execute(conn);
            Ok((rows, update.is_err(), delete.is_err()))
        })
        .await
        .unwrap();
    assert!(
        rows.contains(&("ticket.call_next".to_string(), "ok".to_string())),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("ticket.call_next".to_string(), "denied".to_string())),
        "{rows:?}"
    );
    assert!(update && delete, "the audit trail is append-only");
}

#[tokio::test]
async fn the_calling_board_shows_the_latest_calls() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (_, t) = walk_in(&app, item).await;
    call_next(&app, &clerk.token, window).await;
    let (s, calls) = app.get_json("/api/v1/display").await;
    assert_eq!(s, 200);
    assert_eq!(calls[0]["number"], t["number"]);
    assert!(calls[0]["window_number"].as_i64().is_some());
    let (s, html) = app.get_html("/display").await;
    assert_eq!(s, 200);
    assert!(html.contains("display.js") && html.contains("data-hall="));
    let (_, state) = app.get_json("/display/state").await;
    assert_eq!(state["calls"][0]["number"], t["number"]);
    assert!(state["zones"].as_array().unwrap().len() >= 7);
}
