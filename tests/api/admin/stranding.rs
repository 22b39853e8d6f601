//! No configuration change strands a booking.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};
use crate::pages::text_of;
use serde_json::json;

#[tokio::test]
async fn changes_never_strand_a_booking() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let r = app.register_resident(1).await;
    let item = app.item_with_windows(1).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    let window_number = b["window_number"].as_i64().unwrap();
    let window = app.window_id(window_number).await;

    // The window cannot be deactivated while it has a booking to serve.
    let edit = client
        .get(app.url(&format!("/admin/windows/{window}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let field = |name: &str| -> String {
        let marker = format!("name=\"{name}\" value=\"");
        edit.split(&marker)
            .nth(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .unwrap_or_default()
    };
    let (number, name) = (field("number"), field("name"));
    let zone = edit
        .split("name=\"zone\">")
        .nth(1)
        .unwrap()
        .split("selected")
        .next()
        .unwrap()
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let dept = edit
        .split("name=\"department_id\">")
        .nth(1)
        .unwrap()
        .split("selected")
        .next()
        .unwrap()
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r2 = post_form_with(
        &client,
        &app,
        "/admin/windows",
        &format!("/admin/windows/{window}"),
        &[
            ("number", &number),
            ("name", &name),
            ("zone", &zone),
            ("department_id", &dept),
        ],
    )
    .await;
    assert_eq!(r2.status().as_u16(), 422);
    assert!(text_of(&r2.text().await.unwrap()).contains("还有 1 个未办理的预约"));

    // Lowering the hall's online capacity below what is booked is refused.
    let hall = app.hall_id("WUHAI").await;
    let page = client
        .get(app.url(&format!("/admin/halls/{hall}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "code",
        "name",
        "address",
        "phone",
        "slot_minutes",
        "slot_capacity",
        "online_share_percent",
        "booking_horizon_days",
        "same_day_cutoff",
        "cancel_cutoff_minutes",
        "max_active_bookings",
        "checkin_early_minutes",
        "checkin_late_minutes",
        "no_show_limit",
        "no_show_window_days",
        "suspension_days",
        "cancel_limit",
        "cancel_window_days",
        "cancel_suspension_days",
        "waitlist_hold_minutes",
        "release_delay_minutes",
    ] {
        let marker = format!("name=\"{name}\" value=\"");
        let value = page
            .split(&marker)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        fields.push((name.to_string(), value));
    }
    fields.push(("level".into(), "city".into()));
    let set = |fields: &mut Vec<(String, String)>, k: &str, v: &str| {
        fields.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.to_string()
    };
    set(&mut fields, "online_share_percent", "0");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r3 = post_form_with(
        &client,
        &app,
        "/admin/halls",
        &format!("/admin/halls/{hall}"),
        &refs,
    )
    .await;
    assert_eq!(r3.status().as_u16(), 422);
    assert!(text_of(&r3.text().await.unwrap()).contains("不能改小"));
    set(&mut fields, "online_share_percent", "75");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        post_form_with(
            &client,
            &app,
            "/admin/halls",
            &format!("/admin/halls/{hall}"),
            &refs
        )
        .await
        .status()
        .as_u16(),
        303
    );

    // The item can be deactivated: it is no longer listed or bookable, and the
    // existing booking stays.
    let detail = app.get_json(&format!("/api/v1/services/{item}")).await.1;
    let code = detail["code"].as_str().unwrap().to_string();
    let item_page = client
        .get(app.url(&format!("/admin/items/{item}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let materials = item_page
        .split("name=\"materials\" rows=\"8\" aria-describedby=\"f-mat-hint\">")
        .nth(1)
        .unwrap()
        .split("</textarea>")
        .next()
        .unwrap()
        .replace("&#124;", "|");
    let dept_id = detail["department_id"].to_string();
    let mut fields = item_fields(&code, detail["name"].as_str().unwrap(), &dept_id);
    fields.retain(|(k, _)| *k != "active" && *k != "materials");
    fields.push(("materials", &materials));
    let r4 = post_form_with(
        &client,
        &app,
        "/admin/items",
        &format!("/admin/items/{item}"),
        &fields,
    )
    .await;
    assert_eq!(r4.status().as_u16(), 303);
    assert_eq!(
        app.get_json(&format!("/api/v1/services/{item}")).await.0,
        404
    );
    let (_, mine) = app.get_json_as("/api/v1/bookings", &r.token).await;
    assert_eq!(mine[0]["status"], "booked");
}
