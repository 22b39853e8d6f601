//! What the hall tells people is true: outcomes, queue places, transfers,
//! items nobody serves, cancelling — each watched through a started server.

use onestop::accounts::models::Role;
use serde_json::{Value, json};

use crate::hall_floor::take_window;
use crate::helpers::{Resident, Staff, TestApp, assert_error_json, post_form_with, spawn_app_at};
use crate::pages::text_of;

async fn act(app: &TestApp, token: &str, ticket: i64, action: &str, body: Value) -> (u16, Value) {
    app.post_json(
        &format!("/api/v1/tickets/{ticket}/{action}"),
        Some(token),
        &body,
    )
    .await
}

async fn call_next(app: &TestApp, token: &str, window: i64) -> (u16, Value) {
    app.post_json(
        &format!("/api/v1/windows/{window}/call-next"),
        Some(token),
        &json!({}),
    )
    .await
}

async fn walk_in(app: &TestApp, item: i64) -> Value {
    let (s, t) = app
        .post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    assert_eq!(s, 201, "{t}");
    t
}

/// A resident's booking for `item` at 09:00, checked in at 08:45, called
/// and started by `clerk`: returns the booking code and the ticket id.
async fn serve_booking(
    app: &TestApp,
    r: &Resident,
    clerk: &Staff,
    window: i64,
    item: i64,
) -> (String, i64) {
    let (s, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-01", "start": "09:00"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let code = b["code"].as_str().unwrap().to_string();
    app.set_now("2026-12-01T08:45:00+08:00");
    let (s, t) = app
        .post_json(
            "/api/v1/checkin",
            None,
            &json!({"code": code, "phone_last4": &r.phone[7..]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let (_, t) = call_next(app, &clerk.token, window).await;
    let id = t["id"].as_i64().unwrap();
    assert_eq!(act(app, &clerk.token, id, "start", json!({})).await.0, 200);
    (code, id)
}

async fn track_text(app: &TestApp, code: &str, r: &Resident) -> String {
    let (s, html) = app
        .get_html(&format!("/track?code={code}&phone_last4={}", &r.phone[7..]))
        .await;
    assert_eq!(s, 200);
    text_of(&html)
}

async fn resident_page(app: &TestApp, r: &Resident, path: &str) -> String {
    let client = app.browser_session(&r.phone).await;
    text_of(
        &client
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
}

/// An item served by one window, a clerk sitting there and a resident.
async fn floor(app: &TestApp) -> (i64, i64, Staff) {
    let item = app.item_with_windows(1).await;
    let number = app.window_for(item).await;
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    (item, app.window_id(number).await, clerk)
}

#[tokio::test]
async fn an_accepted_application_is_shown_as_under_review_not_finished() {
    let app = spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let (item, window, clerk) = floor(&app).await;
    let r = app.register_resident(1).await;
    let (code, ticket) = serve_booking(&app, &r, &clerk, window, item).await;
    let (s, done) = act(
        &app,
        &clerk.token,
        ticket,
        "complete",
        json!({"outcome": "accepted"}),
    )
    .await;
    assert_eq!(s, 200, "{done}");
    assert!(
        done["case"].as_str().is_some(),
        "the ticket names its case: {done}"
    );
    for text in [
        track_text(&app, &code, &r).await,
        resident_page(&app, &r, &format!("/bookings/{code}")).await,
    ] {
        assert!(
            text.contains("已受理（审查中）") && text.contains("承诺") && text.contains("前办结"),
            "{text}"
        );
        assert!(!text.contains("已办结"), "not called finished: {text}");
        assert!(!text.contains("本次业务已经当场办完"), "{text}");
    }
    // The API carries the ticket and its case.
    let (_, b) = app
        .get_json_as(&format!("/api/v1/bookings/{code}"), &r.token)
        .await;
    assert_eq!(b["status"], "completed");
    assert_eq!(b["ticket"]["id"], ticket);
    assert_eq!(b["case"]["status"], "accepted");
    assert!(b["case"]["promised_due"].as_str().is_some(), "{b}");
    let (_, t) = app
        .get_json(&format!(
            "/api/v1/track?code={code}&phone_last4={}",
            &r.phone[7..]
        ))
        .await;
    assert_eq!(t["case"]["number"], b["case"]["number"], "{t}");
    assert_eq!(t["ticket"]["booking_code"], Value::Null, "{t}");
}

#[tokio::test]
async fn incomplete_and_refused_visits_say_what_is_missing_and_why() {
    let app = spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let (item, window, clerk) = floor(&app).await;
    let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
    let material = detail["materials"][0]["name"].as_str().unwrap().to_string();
    let r1 = app.register_resident(1).await;
    let (code1, t1) = serve_booking(&app, &r1, &clerk, window, item).await;
    let (s, _) = act(
        &app,
        &clerk.token,
        t1,
        "complete",
        json!({"outcome": "incomplete", "missing_materials": [material]}),
    )
    .await;
    assert_eq!(s, 200);
    let text = track_text(&app, &code1, &r1).await;
    assert!(
        text.contains("需补正") && text.contains(&format!("还需补交：{material}")),
        "{text}"
    );
    assert!(!text.contains("已办结"), "{text}");

    app.set_now("2026-12-01T08:00:00+08:00");
    let r2 = app.register_resident(2).await;
    let (s, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r2.token),
            &json!({"service_id": item, "date": "2026-12-01", "start": "09:30"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let code2 = b["code"].as_str().unwrap().to_string();
    app.set_now("2026-12-01T09:15:00+08:00");
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code2, "phone_last4": &r2.phone[7..]}),
    )
    .await;
    let (_, t) = call_next(&app, &clerk.token, window).await;
    let t2 = t["id"].as_i64().unwrap();
    act(&app, &clerk.token, t2, "start", json!({})).await;
    act(
        &app,
        &clerk.token,
        t2,
        "complete",
        json!({"outcome": "refused", "reason": "不属于本窗口受理范围"}),
    )
    .await;
    let text = track_text(&app, &code2, &r2).await;
    assert!(
        text.contains("不予受理") && text.contains("理由：不属于本窗口受理范围"),
        "{text}"
    );
    assert!(!text.contains("已办结"), "{text}");
}

#[tokio::test]
async fn the_clerk_is_told_the_outcome_that_was_recorded() {
    let app = spawn_app_at("2026-12-01T08:30:00+08:00").await;
    let (item, window, clerk) = floor(&app).await;
    let client = app.browser_session(&clerk.phone).await;
    for (outcome, told, extra) in [
        ("done", "已办结（当场办完）。", None),
        ("accepted", "已受理，办件已生成。", None),
        ("incomplete", "已记为补正", Some("missing")),
        ("refused", "已记为不予受理", Some("reason")),
    ] {
        walk_in(&app, item).await;
        let (_, t) = call_next(&app, &clerk.token, window).await;
        let id = t["id"].as_i64().unwrap();
        act(&app, &clerk.token, id, "start", json!({})).await;
        let page = text_of(
            &client
                .get(app.url("/clerk"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        assert!(
            page.contains("办结（当场办完）")
                && page.contains("受理（生成办件）")
                && page.contains("补正（打印一次性告知）")
                && page.contains("不予受理"),
            "each button names its outcome: {page}"
        );
        let mut fields = vec![("outcome", outcome), ("phone_last4", "1234")];
        let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
        let material = detail["materials"][0]["name"].as_str().unwrap().to_string();
        match extra {
            Some("missing") => fields.push(("missing_materials", material.as_str())),
            Some(_) => fields.push(("reason", "材料与事项不符")),
            None => {}
        }
        let r = post_form_with(
            &client,
            &app,
            "/clerk",
            &format!("/clerk/tickets/{id}/complete"),
            &fields,
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let page = text_of(
            &client
                .get(app.url(&to))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        assert!(page.contains(told), "{outcome}: {page}");
        if outcome != "done" {
            assert!(!page.contains("已办结（当场办完）。"), "{outcome}: {page}");
        }
    }
}

#[tokio::test]
async fn a_transfer_goes_only_to_a_staffed_window_that_serves_the_item() {
    let app = spawn_app_at("2026-12-01T08:30:00+08:00").await;
    let item = app.item_with_windows(2).await;
    let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
    let numbers: Vec<i64> = detail["window_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .collect();
    let clerk = app
        .staff(1, Role::Clerk, Some(numbers[0] as i32), None)
        .await;
    let window = app.window_id(numbers[0]).await;
    walk_in(&app, item).await;
    let (_, t) = call_next(&app, &clerk.token, window).await;
    let id = t["id"].as_i64().unwrap();

    // The workstation offers the item's other window, marked as unstaffed,
    // and no window that cannot serve the item.
    let client = app.browser_session(&clerk.phone).await;
    let html = client
        .get(app.url("/clerk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let select = &html[html.find("id=\"window_number\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    let options = select.matches("<option value=\"").count() - 1;
    assert_eq!(options, 1, "only the other window that serves it: {select}");
    assert!(
        select.contains(&format!("value=\"{}\" disabled", numbers[1]))
            && select.contains("无人在岗"),
        "{select}"
    );
    // Nobody sits there: refused, the ticket stays at this window.
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "transfer",
        json!({"window_number": numbers[1]}),
    )
    .await;
    assert_error_json(s, &body, 409, "window_not_staffed");
    let (_, t) = app.get_json(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(t["status"], "called");
    // A window that does not serve the item is refused too.
    let (_, all) = app.get_json("/api/v1/windows").await;
    let unrelated = all
        .as_array()
        .unwrap()
        .iter()
        .find(|w| {
            !w["service_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == item)
        })
        .unwrap()["number"]
        .as_i64()
        .unwrap();
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "transfer",
        json!({"window_number": unrelated}),
    )
    .await;
    assert_error_json(s, &body, 422, "window_cannot_serve");

    // Once a colleague sits there, the list says so and the transfer works.
    let other = app
        .staff(2, Role::Clerk, Some(numbers[1] as i32), None)
        .await;
    take_window(&app, &other, app.window_id(numbers[1]).await).await;
    let html = client
        .get(app.url("/clerk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("等候中（0）"),
        "the colleague's queue length is shown"
    );
    let (s, body) = act(
        &app,
        &clerk.token,
        id,
        "transfer",
        json!({"window_number": numbers[1]}),
    )
    .await;
    assert_eq!(
        (s, body["status"].as_str()),
        (200, Some("transferred")),
        "{body}"
    );
}

#[tokio::test]
async fn tickets_sent_to_a_window_come_back_when_its_clerk_leaves_keeping_their_place() {
    let app = spawn_app_at("2026-12-01T08:30:00+08:00").await;
    let item = app.item_with_windows(2).await;
    let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
    let n: Vec<i64> = detail["window_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .collect();
    let a = app.staff(1, Role::Clerk, Some(n[0] as i32), None).await;
    let b = app.staff(2, Role::Clerk, Some(n[1] as i32), None).await;
    let (wa, wb) = (app.window_id(n[0]).await, app.window_id(n[1]).await);
    let first = walk_in(&app, item).await;
    let second = walk_in(&app, item).await;
    let third = walk_in(&app, item).await;
    take_window(&app, &b, wb).await;
    let (_, at_b) = call_next(&app, &b.token, wb).await;
    assert_eq!(at_b["number"], first["number"]);
    let (_, at_a) = call_next(&app, &a.token, wa).await;
    assert_eq!(at_a["number"], second["number"]);
    // Each sends its ticket to the other window.
    let id = |t: &Value| t["id"].as_i64().unwrap();
    let (s, _) = act(
        &app,
        &b.token,
        id(&first),
        "transfer",
        json!({"window_number": n[0]}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = act(
        &app,
        &a.token,
        id(&second),
        "transfer",
        json!({"window_number": n[1]}),
    )
    .await;
    assert_eq!(s, 200);

    // The first ticket waits for window A only: it is not ahead of the
    // second, which waits for B.
    let (_, t2) = app
        .get_json(&format!("/api/v1/tickets/{}", id(&second)))
        .await;
    assert_eq!(t2["position"], 0, "nothing waits ahead of it at B: {t2}");

    // B's clerk leaves: the second ticket is back in the item's queue, in
    // its old place — behind the first (earlier), ahead of the third.
    let client = app.browser_session(&b.phone).await;
    let r = post_form_with(&client, &app, "/clerk", "/clerk/leave", &[]).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("done=leave")
    );
    let (_, t2) = app
        .get_json(&format!("/api/v1/tickets/{}", id(&second)))
        .await;
    let (_, t3) = app
        .get_json(&format!("/api/v1/tickets/{}", id(&third)))
        .await;
    assert_eq!(
        (t2["position"].as_i64(), t3["position"].as_i64()),
        (Some(1), Some(2)),
        "{t2} {t3}"
    );
    // A calls: the first (sent to A), then the returned second before the third.
    let (_, next) = call_next(&app, &a.token, wa).await;
    assert_eq!(next["number"], first["number"], "{next}");
    act(&app, &a.token, id(&first), "no-show", json!({})).await;
    let (_, next) = call_next(&app, &a.token, wa).await;
    assert_eq!(
        next["number"], second["number"],
        "it kept its place: {next}"
    );
}

#[tokio::test]
async fn the_today_view_flags_stranded_tickets_and_long_waits() {
    let app = spawn_app_at("2026-12-01T08:30:00+08:00").await;
    let item = app.item_with_windows(1).await;
    let t = walk_in(&app, item).await;
    let admin = app.staff(9001, Role::Admin, None, None).await;
    let client = app.browser_session(&admin.phone).await;
    let page = text_of(
        &client
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("需要关注的排队号")
            && page.contains(t["number"].as_str().unwrap())
            && page.contains("无在岗窗口可叫此号"),
        "{page}"
    );
    // A staffed window, but 40 minutes of waiting against a 30-minute target.
    let number = app.window_for(item).await;
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    take_window(&app, &clerk, app.window_id(number).await).await;
    app.set_now("2026-12-01T09:10:00+08:00");
    let client = app.browser_session(&admin.phone).await;
    let page = text_of(
        &client
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("超过目标等候 30 分钟") && !page.contains("无在岗窗口可叫此号"),
        "{page}"
    );
}

#[tokio::test]
async fn an_item_nobody_serves_is_not_offered_for_booking_and_the_admin_is_warned() {
    use diesel::prelude::*;
    let app = spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let item = app.item_with_windows(1).await;
    // The only window of the item stops serving it.
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            use onestop::db::schema::window_services;
            diesel::delete(
                window_services::table.filter(
                    window_services::service_id.eq(onestop::db::ids::ServiceId(item as i32)),
                ),
            )
            .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let (_, html) = app.get_html(&format!("/services/{item}")).await;
    let text = text_of(&html);
    assert!(text.contains("目前大厅没有窗口办理这个事项"), "{text}");
    assert!(
        !html.contains(&format!("/services/{item}/book")),
        "no booking link"
    );
    let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
    assert_eq!(detail["bookable_online"], false);
    let (s, body) = app
        .get_json(&format!("/api/v1/services/{item}/slots?date=2026-12-02"))
        .await;
    assert_error_json(s, &body, 422, "no_window");
    let r = app.register_resident(1).await;
    let (s, body) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    assert_error_json(s, &body, 422, "no_window");
    // Nor is a number given out that nobody could call.
    let (s, body) = app
        .post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    assert_error_json(s, &body, 409, "no_window");
    let page = resident_page(&app, &r, &format!("/services/{item}/book")).await;
    assert!(
        page.contains("目前没有窗口办理这个事项") && !page.contains("已约满"),
        "{page}"
    );

    let admin = app.staff(9001, Role::Admin, None, None).await;
    let client = app.browser_session(&admin.phone).await;
    let today = text_of(
        &client
            .get(app.url("/admin"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(today.contains("有 1 个事项没有窗口办理"), "{today}");
    let items = text_of(
        &client
            .get(app.url("/admin/items"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(items.contains("没有任何在用窗口办理"), "{items}");
}

#[tokio::test]
async fn cancelling_asks_first_and_a_cancelled_booking_offers_no_check_in() {
    let app = spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let r = app.register_resident(1).await;
    let item = app.item_with_windows(2).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    let code = b["code"].as_str().unwrap().to_string();
    let client = app.browser_session(&r.phone).await;
    let get = |path: String| {
        let (client, url) = (client.clone(), app.url(&path));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = get(format!("/bookings/{code}")).await;
    assert!(
        html.contains(&format!("href=\"/bookings/{code}/cancel\"")),
        "a link, not a one-tap POST"
    );
    assert!(
        html.contains("<svg") && html.contains("add-to-calendar") && html.contains("how-checkin")
    );
    let confirm = get(format!("/bookings/{code}/cancel")).await;
    assert!(text_of(&confirm).contains("确认取消预约") && confirm.contains("confirm-cancel"));
    let (_, still) = app
        .get_json_as(&format!("/api/v1/bookings/{code}"), &r.token)
        .await;
    assert_eq!(
        still["status"], "booked",
        "looking at the question changes nothing"
    );
    let r2 = post_form_with(
        &client,
        &app,
        &format!("/bookings/{code}/cancel"),
        &format!("/bookings/{code}/cancel"),
        &[],
    )
    .await;
    assert_eq!(r2.status().as_u16(), 303);
    let html = get(format!("/bookings/{code}")).await;
    assert!(text_of(&html).contains("已取消"));
    for gone in [
        "<svg",
        "add-to-calendar",
        "print-link",
        "how-checkin",
        "cancel-link",
    ] {
        assert!(!html.contains(gone), "a cancelled booking shows no {gone}");
    }
}

#[tokio::test]
async fn the_print_view_has_a_print_button_and_a_way_back() {
    let app = spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let r = app.register_resident(1).await;
    let item = app.item_with_windows(2).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    let code = b["code"].as_str().unwrap();
    let client = app.browser_session(&r.phone).await;
    let html = client
        .get(app.url(&format!("/bookings/{code}/print")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-print") && html.contains(&format!("href=\"/bookings/{code}\"")),
        "{html}"
    );
}

#[tokio::test]
async fn the_calendar_form_saves_into_the_current_year_by_default() {
    let app = spawn_app_at("2027-03-01T09:00:00+08:00").await;
    let admin = app.staff(9001, Role::Admin, None, None).await;
    let client = app.browser_session(&admin.phone).await;
    // A form posted without its year field lands on this year's page.
    let r = post_form_with(
        &client,
        &app,
        "/admin/calendar",
        "/admin/calendar",
        &[("bulk", "2027-04-05 休 清明节")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("year=2027")
    );
    let page = client
        .get(app.url("/admin/calendar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("value=\"2027\"") && page.contains("2027-04-05"),
        "{}",
        text_of(&page)
    );
}
