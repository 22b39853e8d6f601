//! 候补 through a started server: a full slot takes a waiting list; a place
//! freed by a cancellation, a move or a capacity raise is offered to the
//! first in line, held for them alone, announced by SMS at the gateway, and
//! passed on when the offer runs out or is declined; a place nobody waits
//! for is held back for the release delay; repeated cancellations suspend
//! online booking until a date the pages name.

use std::time::{Duration, Instant};

use onestop::accounts::models::Role;
use serde_json::{Value, json};

use crate::helpers::{
    Answer, Resident, SmsGateway, TestApp, TestBackend, assert_error_json, figure_of, page_of,
    post_form_with, spawn_app_inner_on,
};
use crate::pages::text_of;

const NOW: &str = "2026-12-01T08:00:00+08:00";
const DAY: &str = "2026-12-02";

async fn app_with(gateway: Option<&SmsGateway>) -> TestApp {
    let url = gateway.map(|g| g.url.clone());
    let start = chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&chrono::Utc);
    spawn_app_inner_on(TestBackend::from_env(), move |s| {
        s.now = Some(start);
        s.sms_webhook = url;
        s.outbox_poll = Duration::from_millis(100);
    })
    .await
}

/// An item served by one window with one online place per slot.
async fn one_place_item(app: &TestApp) -> i64 {
    let item = app.item_with_windows(1).await;
    app.set_capacity(2, 50).await;
    item
}

async fn book(app: &TestApp, r: &Resident, item: i64, start: &str) -> (u16, Value) {
    app.post_json(
        "/api/v1/bookings",
        Some(&r.token),
        &json!({"service_id": item, "date": DAY, "start": start}),
    )
    .await
}

async fn join(app: &TestApp, r: &Resident, item: i64, start: Option<&str>) -> (u16, Value) {
    app.post_json(
        "/api/v1/waitlist",
        Some(&r.token),
        &json!({"service_id": item, "date": DAY, "start": start}),
    )
    .await
}

async fn entries(app: &TestApp, r: &Resident) -> Value {
    let (s, list) = app.get_json_as("/api/v1/waitlist", &r.token).await;
    assert_eq!(s, 200, "{list}");
    list
}

async fn left_at(app: &TestApp, item: i64, start: &str) -> i64 {
    let (_, list) = app
        .get_json(&format!("/api/v1/services/{item}/slots?date={DAY}"))
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == start)
        .map(|s| s["remaining"].as_i64().unwrap())
        .unwrap_or(-1)
}

/// Waits (up to 5 s) until the entry has `status`.
async fn entry_becomes(app: &TestApp, r: &Resident, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list = entries(app, r).await;
        if list[0]["status"] == status || Instant::now() > deadline {
            return list[0].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn cancel(app: &TestApp, r: &Resident, code: &str) {
    let (s, body) = app
        .post_json(
            &format!("/api/v1/bookings/{code}/cancel"),
            Some(&r.token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
}

#[tokio::test]
async fn a_cancelled_place_is_offered_to_the_first_in_line_held_for_them_and_texted() {
    let gateway = SmsGateway::start(Answer::Accept);
    let app = app_with(Some(&gateway)).await;
    let item = one_place_item(&app).await;
    let people = app.residents_direct(1, 4).await;
    let (a, b, c, d) = (&people[0], &people[1], &people[2], &people[3]);
    let (s, booked) = book(&app, a, item, "09:00").await;
    assert_eq!(s, 201, "{booked}");
    let code = booked["code"].as_str().unwrap().to_string();

    // Refusals: a slot with room, twice the same, outside the horizon.
    let (s, body) = join(&app, b, item, Some("10:00")).await;
    assert_error_json(s, &body, 409, "places_available");
    let (s, body) = join(&app, b, item, None).await;
    assert_error_json(s, &body, 409, "places_available");
    let (s, body) = app
        .post_json(
            "/api/v1/waitlist",
            Some(&b.token),
            &json!({"service_id": item, "date": "2027-03-01", "start": "09:00"}),
        )
        .await;
    assert_error_json(s, &body, 422, "outside_horizon");
    let (s, first) = join(&app, b, item, Some("09:00")).await;
    assert_eq!(s, 201, "{first}");
    assert_eq!(
        (first["status"].as_str(), first["position"].as_i64()),
        (Some("waiting"), Some(1))
    );
    let (s, body) = join(&app, b, item, Some("09:00")).await;
    assert_error_json(s, &body, 409, "already_waiting");
    let (s, second) = join(&app, c, item, Some("09:00")).await;
    assert_eq!((s, second["position"].as_i64()), (201, Some(2)));
    let (s, body) = join(&app, a, item, Some("09:00")).await;
    assert_error_json(s, &body, 409, "duplicate_booking");

    // The cancellation offers the place to B in its own transaction (at
    // 08:00 again: the test's clock runs on, slower on a loaded machine).
    app.set_now(NOW);
    let cancelled_at = Instant::now();
    cancel(&app, a, &code).await;
    let offered = entries(&app, b).await;
    assert_eq!(offered[0]["status"], "offered", "at once: {offered}");
    assert_eq!(offered[0]["offer"]["start"], "09:00");
    // Held for two hours, never past the cut-off an hour before the slot.
    assert_eq!(
        offered[0]["offer"]["offer_expires_at"],
        "2026-12-01T10:00:00+08:00"
    );
    let sms = gateway
        .wait_for(5, |m| m.kind == "waitlist_offer")
        .await
        .expect("the offer reaches the gateway");
    let latency = sms.at.duration_since(cancelled_at);
    eprintln!("offer latency, cancellation to gateway: {latency:?}");
    assert_eq!(sms.to, b.phone);
    assert!(sms.text.contains("候补成功") && sms.text.contains("09:00"));
    assert_eq!(entries(&app, c).await[0]["position"], 1, "C is next now");

    // Nobody else can take the held place.
    assert_eq!(left_at(&app, item, "09:00").await, 0);
    let (s, body) = book(&app, d, item, "09:00").await;
    assert_error_json(s, &body, 409, "slot_full");

    // B accepts: the held place becomes B's booking.
    let id = offered[0]["id"].as_i64().unwrap();
    let (s, mine) = app
        .post_json(
            &format!("/api/v1/waitlist/{id}/accept"),
            Some(&b.token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 201, "{mine}");
    assert_eq!(
        (mine["start"].as_str(), mine["date"].as_str()),
        (Some("09:00"), Some(DAY))
    );
    assert_eq!(entries(&app, b).await[0]["status"], "booked");
    assert_eq!(left_at(&app, item, "09:00").await, 0);
    let (s, body) = app
        .post_json(
            &format!("/api/v1/waitlist/{id}/accept"),
            Some(&b.token),
            &json!({}),
        )
        .await;
    assert_error_json(s, &body, 409, "invalid_state");
    // Someone else's entry is not found.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/waitlist/{id}/accept"),
            Some(&c.token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 404);

    // B moves away: the place goes to C; C lets the offer run out; it is
    // released (nobody else waits) and C's accept says it expired.
    let b_code = mine["code"].as_str().unwrap().to_string();
    let b_session = app.browser_session(&b.phone).await;
    let r = post_form_with(
        &b_session,
        &app,
        &format!("/bookings/{b_code}/reschedule"),
        &format!("/bookings/{b_code}/reschedule"),
        &[
            ("service_id", &item.to_string()),
            ("date", DAY),
            ("start", "14:00"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "moved");
    let offer = entry_becomes(&app, c, "offered").await;
    assert_eq!(offer["status"], "offered", "the move freed 09:00 for C");
    app.set_now("2026-12-01T10:00:01+08:00");
    let gone = entry_becomes(&app, c, "expired").await;
    assert_eq!(gone["status"], "expired");
    let cid = gone["id"].as_i64().unwrap();
    let (s, body) = app
        .post_json(
            &format!("/api/v1/waitlist/{cid}/accept"),
            Some(&c.token),
            &json!({}),
        )
        .await;
    assert_error_json(s, &body, 409, "offer_expired");
    assert_eq!(left_at(&app, item, "09:00").await, 1, "back on the market");
}

#[tokio::test]
async fn a_declined_offer_passes_to_the_next_at_once() {
    let app = app_with(None).await;
    let item = one_place_item(&app).await;
    let people = app.residents_direct(1, 3).await;
    let (_, booked) = book(&app, &people[0], item, "09:00").await;
    // No places left online that day at all: one may wait for any slot.
    app.set_capacity(0, 50).await;
    assert_eq!(join(&app, &people[1], item, Some("09:00")).await.0, 201);
    assert_eq!(join(&app, &people[2], item, None).await.0, 201);
    cancel(&app, &people[0], booked["code"].as_str().unwrap()).await;
    let offer = entries(&app, &people[1]).await;
    let id = offer[0]["id"].as_i64().unwrap();
    let (s, left) = app
        .post_json(
            &format!("/api/v1/waitlist/{id}/cancel"),
            Some(&people[1].token),
            &json!({}),
        )
        .await;
    assert_eq!((s, left["status"].as_str()), (200, Some("cancelled")));
    // Waiting for any slot of the day, the third person gets it.
    assert_eq!(entries(&app, &people[2]).await[0]["status"], "offered");
    assert_eq!(left_at(&app, item, "09:00").await, 0, "still held");
}

#[tokio::test]
async fn a_place_nobody_waits_for_is_held_back_for_the_release_delay_unless_someone_joins() {
    let app = app_with(None).await;
    let item = one_place_item(&app).await;
    let people = app.residents_direct(1, 3).await;
    let (_, booked) = book(&app, &people[0], item, "09:00").await;
    cancel(&app, &people[0], booked["code"].as_str().unwrap()).await;
    // Cancel-and-rebook cannot hand the place to a friend.
    assert_eq!(left_at(&app, item, "09:00").await, 0);
    let (s, body) = book(&app, &people[1], item, "09:00").await;
    assert_error_json(s, &body, 409, "slot_full");
    // Someone who joins the waiting list meanwhile is offered it.
    let (s, _) = join(&app, &people[2], item, Some("09:00")).await;
    assert_eq!(s, 201);
    assert_eq!(
        entry_becomes(&app, &people[2], "offered").await["status"],
        "offered"
    );

    // Another place, and nobody joins: after ten minutes it is released.
    let (_, other) = book(&app, &people[1], item, "10:00").await;
    cancel(&app, &people[1], other["code"].as_str().unwrap()).await;
    assert_eq!(left_at(&app, item, "10:00").await, 0);
    app.set_now("2026-12-01T08:10:30+08:00");
    let deadline = Instant::now() + Duration::from_secs(5);
    while left_at(&app, item, "10:00").await != 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(left_at(&app, item, "10:00").await, 1);
}

#[tokio::test]
async fn a_capacity_raise_offers_the_new_places_to_the_waiting_list() {
    let app = app_with(None).await;
    let item = one_place_item(&app).await;
    let people = app.residents_direct(1, 2).await;
    book(&app, &people[0], item, "09:00").await;
    join(&app, &people[1], item, Some("09:00")).await;
    // The administrator raises the places per window through the form.
    let admin = app.staff(9, Role::Admin, None, None).await;
    let client = app.browser_session(&admin.phone).await;
    let city = app.hall_id("WUHAI").await;
    let page = page_of(&client, &app, &format!("/admin/halls/{city}")).await;
    let mut fields: Vec<(String, String)> = page
        .split("<input id=\"f-")
        .skip(1)
        .filter_map(|s| {
            let name = s.split("name=\"").nth(1)?.split('"').next()?.to_string();
            let value = s.split("value=\"").nth(1)?.split('"').next()?.to_string();
            Some((name, value))
        })
        .collect();
    fields.push(("level".into(), "city".into()));
    for (k, v) in fields.iter_mut() {
        if k == "slot_capacity" {
            *v = "4".into();
        }
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = post_form_with(
        &client,
        &app,
        &format!("/admin/halls/{city}"),
        &format!("/admin/halls/{city}"),
        &refs,
    )
    .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "{}",
        text_of(&r.text().await.unwrap())
    );
    let e = entries(&app, &people[1]).await;
    assert_eq!(e[0]["status"], "offered", "in the same transaction: {e}");
}

#[tokio::test]
async fn repeated_cancellations_suspend_online_booking_until_a_date_the_page_names() {
    let app = app_with(None).await;
    let item = app.item_with_windows(2).await;
    let r = app.register_resident(1).await;
    for n in 0..5 {
        let start = ["09:00", "09:30", "10:00", "10:30", "11:00"][n];
        let (s, b) = book(&app, &r, item, start).await;
        assert_eq!(s, 201, "{b}");
        cancel(&app, &r, b["code"].as_str().unwrap()).await;
    }
    let (s, body) = book(&app, &r, item, "14:00").await;
    assert_error_json(s, &body, 403, "suspended");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2026-12-08")
    );
    let (s, body) = join(&app, &r, item, None).await;
    assert!(s == 403 || s == 409, "{body}");
    // 我的预约 says so, with the date it ends.
    let session = app.browser_session(&r.phone).await;
    let html = page_of(&session, &app, "/bookings").await;
    let text = text_of(&html);
    assert!(
        text.contains("由于近期多次取消预约") && text.contains("12月8日"),
        "{text}"
    );
    // Seven days later it has ended.
    app.set_now("2026-12-08T08:00:00+08:00");
    let token = &app.login(&r.phone).await;
    let (s, body) = app
        .post_json(
            "/api/v1/bookings",
            Some(token),
            &json!({"service_id": item, "date": "2026-12-09", "start": "09:00"}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
}

#[tokio::test]
async fn the_pages_join_accept_and_show_the_list_to_staff_masked() {
    let app = app_with(None).await;
    let item = one_place_item(&app).await;
    let people = app.residents_direct(1, 1).await;
    let (_, booked) = book(&app, &people[0], item, "09:00").await;
    let r = app.register_resident(7).await;
    let session = app.browser_session(&r.phone).await;
    // The booking page of a full slot offers 候补 for it.
    let page = page_of(&session, &app, &format!("/services/{item}/book?date={DAY}")).await;
    assert!(page.contains("action=\"/waitlist\""), "a 候补 form");
    assert!(page.contains("<option value=\"09:00\">"));
    let r1 = post_form_with(
        &session,
        &app,
        &format!("/services/{item}/book?date={DAY}"),
        "/waitlist",
        &[
            ("service_id", &item.to_string()),
            ("date", DAY),
            ("start", "09:00"),
        ],
    )
    .await;
    assert_eq!(r1.status().as_u16(), 303);
    let list = page_of(&session, &app, "/bookings?waiting=1").await;
    assert!(text_of(&list).contains("排在第 1 位"), "{}", text_of(&list));

    // Staff see who waits, masked.
    let admin = app.staff(9, Role::Admin, None, None).await;
    let staff = app.browser_session(&admin.phone).await;
    let html = page_of(&staff, &app, &format!("/admin/waitlist?day={DAY}")).await;
    let text = text_of(&html);
    assert!(text.contains("候补中"), "{text}");
    assert!(!text.contains(&r.phone), "the phone is masked");
    assert!(text.contains(&format!("{}****{}", &r.phone[..3], &r.phone[7..])));

    // The place frees; 我的预约 shows the offer and one button takes it.
    cancel(&app, &people[0], booked["code"].as_str().unwrap()).await;
    let list = page_of(&session, &app, "/bookings").await;
    let text = text_of(&list);
    assert!(
        text.contains("为您保留的名额") && text.contains("10:00 之前确认"),
        "{text}"
    );
    let id = list
        .split("action=\"/waitlist/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let r2 = post_form_with(
        &session,
        &app,
        "/bookings",
        &format!("/waitlist/{id}/accept"),
        &[],
    )
    .await;
    assert_eq!(r2.status().as_u16(), 303);
    let location = r2.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("?new=1"), "{location}");
    let booking = page_of(&session, &app, &location).await;
    assert!(text_of(&booking).contains("09:00–09:30"));

    // The statistics count the offer made and accepted.
    let stats = page_of(&staff, &app, &format!("/admin/stats?from={DAY}&to={DAY}")).await;
    let figure = |id: &str| figure_of(&stats, id);
    assert_eq!(figure("offers-made"), "1");
    assert_eq!(figure("offers-accepted"), "1");
    assert_eq!(figure("offers-expired"), "0");
}
