//! Rating a finished visit; a bad rating opens a follow-up.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};
use crate::pages::text_of;
use onestop::accounts::models::Role;
use serde_json::json;

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
            &[("code", &code), ("phone_last4", &last4), ("grade", "5")],
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
    // A bad grade needs the words; refused, nothing is kept.
    for (comment, reason, error) in [
        ("", "efficiency", "rating-error-comment"),
        ("   ", "", "rating-error-comment"),
        ("等了很久", "rudeness", "rating-error-invalid"),
    ] {
        let r = app
            .post_form(
                "/login",
                "/track/rate",
                &[
                    ("code", &code),
                    ("phone_last4", &last4),
                    ("grade", "1"),
                    ("comment", comment),
                    ("reasons", reason),
                ],
            )
            .await;
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.contains(error), "{to}");
    }
    let r1 = app
        .post_form(
            "/login",
            "/track/rate",
            &[
                ("code", &code),
                ("phone_last4", &last4),
                ("grade", "1"),
                ("comment", "等了很久"),
                ("reasons", "efficiency"),
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
