//! Accepting opens a case the department advances and the resident follows.

use super::*;
use crate::helpers::{post_form_with, spawn_app_at};
use crate::pages::text_of;
use onestop::accounts::models::Role;
use serde_json::json;

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
            .ends_with("?error=illegal_transition")
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
