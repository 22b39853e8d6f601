//! Kiosks and calling boards with their own tokens: issued once by an
//! administrator, bound to one hall, limited per device, revocable — each
//! step audited, proven through the pages and the API a device uses.

use serde_json::json;

use super::{admin, dept_admin};
use crate::helpers::{TEST_NOW, TestApp, post_form_with, spawn_app_at};

async fn audit_rows(app: &TestApp, action: &str) -> Vec<(String, String)> {
    use diesel::prelude::*;
    use onestop::db::schema::audit_log;
    let action = action.to_string();
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            Ok(audit_log::table
                .filter(audit_log::action.eq(action))
                .select((audit_log::target, audit_log::result))
                .load::<(String, String)>(conn)?)
        })
        .await
        .unwrap()
}

/// Issues a device through the admin page; returns its token.
async fn issue(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    kind: &str,
    hall: i64,
) -> String {
    let hall = hall.to_string();
    let r = post_form_with(
        client,
        app,
        "/admin/devices",
        "/admin/devices",
        &[("name", name), ("kind", kind), ("hall_id", &hall)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    let start = page.find("id=\"device-token\">").unwrap() + "id=\"device-token\">".len();
    let token = page[start..].split('<').next().unwrap().to_string();
    assert!(token.starts_with("dev_") && token.len() == 68, "{token}");
    token
}

/// A kiosk's browser: keeps its cookies, shows redirects as they come.
fn kiosk_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_kiosk_token_acts_for_its_hall_is_limited_alone_and_ends_when_revoked() {
    let app = spawn_app_at(TEST_NOW).await;
    let admin = admin(&app).await;
    let city = app.hall_id("WUHAI").await;
    let district = app.hall_id("HBW").await;
    let kiosk = issue(&app, &admin, "一楼大厅 1 号自助机", "kiosk", city).await;
    let elsewhere = issue(&app, &admin, "海勃湾区 1 号自助机", "kiosk", district).await;
    let board = issue(&app, &admin, "一楼叫号屏", "board", city).await;
    assert_eq!(audit_rows(&app, "admin.device.issue").await.len(), 3);

    // The list names each device; the token is not shown again.
    let list = admin
        .get(app.url("/admin/devices"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("一楼大厅 1 号自助机") && list.contains("一楼叫号屏"));
    assert!(!list.contains(&kiosk));

    let item = app.item_with_windows(1).await;
    let body = json!({"service_id": item});
    let (status, ticket) = app.post_json("/api/v1/tickets", Some(&kiosk), &body).await;
    assert_eq!(status, 201, "{ticket}");
    // Another hall's kiosk and a calling board may not issue it.
    let (status, e) = app
        .post_json("/api/v1/tickets", Some(&elsewhere), &body)
        .await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (403, Some("other_hall"))
    );
    let (status, e) = app.post_json("/api/v1/tickets", Some(&board), &body).await;
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (403, Some("wrong_device"))
    );
    // The board shows its own hall, not another's.
    let (status, _) = app.get_json_as("/api/v1/display", &board).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .get_json_as(&format!("/api/v1/display?hall_id={district}"), &board)
        .await;
    assert_eq!(status, 403);

    // The admin sees when the kiosk was last heard from.
    let list = admin
        .get(app.url("/admin/devices"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = list.split("一楼大厅 1 号自助机").nth(1).unwrap();
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(!row.contains("从未"), "{row}");

    // Limits count per device: the kiosk's lookups run out, the address's
    // (and the other kiosk's) do not.
    let track = "/api/v1/track?code=ZZZZZZ&phone_last4=0000";
    let mut limited = false;
    for _ in 0..40 {
        let (status, _) = app.get_json_as(track, &kiosk).await;
        if status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "the kiosk was never limited");
    let (status, _) = app.get_json(track).await;
    assert_eq!(status, 404, "the address shares the kiosk's limit");
    let (status, _) = app.get_json_as(track, &elsewhere).await;
    assert_eq!(status, 404, "another device shares the kiosk's limit");

    // Revoked, the token is refused outright.
    let id = {
        let start = list.find("id=\"device-").unwrap() + "id=\"device-".len();
        list[start..].split('"').next().unwrap().to_string()
    };
    let r = post_form_with(
        &admin,
        &app,
        "/admin/devices",
        &format!("/admin/devices/{id}/revoke"),
        &[],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let revoked = audit_rows(&app, "admin.device.revoke").await;
    assert_eq!(revoked, vec![(format!("device:{id}"), "ok".to_string())]);
    let tokens = [&kiosk, &elsewhere, &board];
    let mut refused = 0;
    for t in tokens {
        let (status, e) = app.post_json("/api/v1/tickets", Some(t), &body).await;
        if status == 401 {
            assert_eq!(e["error"]["code"], "invalid_device_token");
            refused += 1;
        }
    }
    assert_eq!(refused, 1, "exactly the revoked device is refused");
}

#[tokio::test]
async fn only_administrators_issue_devices_and_a_bad_form_changes_nothing() {
    let app = spawn_app_at(TEST_NOW).await;
    let manager = dept_admin(&app, 91, "SBZX").await;
    let r = manager.get(app.url("/admin/devices")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let admin = admin(&app).await;
    let r = post_form_with(
        &admin,
        &app,
        "/admin/devices",
        "/admin/devices",
        &[("name", "  "), ("kind", "toaster"), ("hall_id", "999")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    for message in ["设备名称", "请选择自助机或叫号屏", "请选择设备所在的大厅"]
    {
        assert!(page.contains(message), "{message}");
    }
    assert!(!page.contains("dev_"));
    assert!(audit_rows(&app, "admin.device.issue").await.is_empty());
}

#[tokio::test]
async fn a_paired_kiosk_browser_serves_its_own_hall() {
    let app = spawn_app_at(TEST_NOW).await;
    let admin = admin(&app).await;
    let district = app.hall_id("HBW").await;
    let token = issue(&app, &admin, "海勃湾区自助机", "kiosk", district).await;
    let kiosk = kiosk_browser();
    let r = post_form_with(
        &kiosk,
        &app,
        "/devices/pair",
        "/devices/pair",
        &[("token", "dev_nonsense")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("不对应任何在用设备"));
    let r = post_form_with(
        &kiosk,
        &app,
        "/devices/pair",
        "/devices/pair",
        &[("token", &token)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/kiosk");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("onestop_device="));
    let home = kiosk
        .get(app.url("/kiosk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (_, halls) = app.get_json("/api/v1/halls").await;
    let name = halls
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == district)
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(home.contains(&name), "the kiosk does not show {name}");
}

#[tokio::test]
async fn a_paired_kiosk_refuses_another_halls_items_and_bookings() {
    let app = spawn_app_at(TEST_NOW).await;
    let admin = admin(&app).await;
    let district = app.hall_id("HBW").await;
    let token = issue(&app, &admin, "海勃湾区自助机", "kiosk", district).await;
    let kiosk = kiosk_browser();
    let r = post_form_with(
        &kiosk,
        &app,
        "/devices/pair",
        "/devices/pair",
        &[("token", &token)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // A city-hall item is not offered at the district's kiosk, even by URL.
    let item = app.item_with_windows(1).await;
    let page = format!("/kiosk/walk-in/{item}");
    let r = kiosk.get(app.url(&page)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let anonymous = reqwest::Client::new();
    let r = anonymous.get(app.url(&page)).send().await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "an unpaired kiosk shows the default hall's item"
    );
    // A city-hall booking is not checked in there either: the page says
    // where to go, and no ticket is issued.
    let resident = app.register_resident(61).await;
    let (_, slots) = app
        .get_json(&format!("/api/v1/services/{item}/slots?date=2026-12-02"))
        .await;
    let body = json!({"service_id": item, "date": "2026-12-02", "start": slots[0]["start"]});
    let (status, booking) = app
        .post_json("/api/v1/bookings", Some(&resident.token), &body)
        .await;
    assert_eq!(status, 201, "{booking}");
    let code = booking["code"].as_str().unwrap();
    let last4 = &resident.phone[resident.phone.len() - 4..];
    let r = post_form_with(
        &kiosk,
        &app,
        "/kiosk/checkin",
        "/kiosk/checkin",
        &[("code", code), ("phone_last4", last4)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("此预约不在本大厅办理"));
}
