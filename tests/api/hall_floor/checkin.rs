//! The check-in window around a booked time.

use crate::helpers::{TEST_NOW, assert_error_json, spawn_app_at};
use crate::pages::text_of;
use serde_json::json;

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
