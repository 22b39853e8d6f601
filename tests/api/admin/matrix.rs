//! The window ↔ item grid.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};
use serde_json::json;

#[tokio::test]
async fn the_matrix_grid_adds_and_removes_pairs_but_keeps_booked_ones() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let r = app.register_resident(5).await;
    let item = item_by_code(&app, "GACRJ-001").await;
    let dept = item["department_id"].to_string();
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item["id"], "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    let booked_window = app.window_id(b["window_number"].as_i64().unwrap()).await;
    let page = client
        .get(app.url(&format!("/admin/matrix?department={dept}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let windows: Vec<String> = page
        .split("name=\"window\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    let items: Vec<String> = page
        .split("name=\"item\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    let mut fields: Vec<(String, String)> = vec![("department".into(), dept.clone())];
    fields.extend(windows.iter().map(|w| ("window".to_string(), w.clone())));
    fields.extend(items.iter().map(|i| ("item".to_string(), i.clone())));
    // Untick everything: refused because of the booking.
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r1 = post_form_with(&client, &app, "/admin/matrix", "/admin/matrix", &refs).await;
    assert!(
        r1.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=")
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/services/{}", item["id"]))
            .await
            .1["window_numbers"],
        item["window_numbers"]
    );
    // Keep the booked pair only: everything else of the department goes.
    fields.push(("cell".into(), format!("{}:{}", item["id"], booked_window)));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r2 = post_form_with(&client, &app, "/admin/matrix", "/admin/matrix", &refs).await;
    assert!(
        r2.headers()["location"]
            .to_str()
            .unwrap()
            .contains("saved=1"),
        "{:?}",
        r2.headers()
    );
    let after = app
        .get_json(&format!("/api/v1/services/{}", item["id"]))
        .await
        .1;
    assert_eq!(after["window_numbers"], json!([b["window_number"]]));
}
