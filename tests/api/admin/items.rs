//! The item form: materials, bad input changes nothing, codes are unique.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};
use crate::pages::text_of;

#[tokio::test]
async fn an_admin_adds_an_item_with_materials_and_bad_input_changes_nothing() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let (_, departments) = app
        .get_json(&format!(
            "/api/v1/departments?hall_id={}",
            app.hall_id("WUHAI").await
        ))
        .await;
    let sb = departments
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SBZX")
        .unwrap()["id"]
        .to_string();

    let mut bad = item_fields("SBZX-900", "", &sb);
    bad[5] = ("promised_days", "30"); // more than the legal 10
    bad[12] = ("materials", "身份证 | 扫描件");
    let r = post_form_with(&client, &app, "/admin/items/new", "/admin/items", &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let text = text_of(&r.text().await.unwrap());
    assert!(
        text.contains("请填写这一项")
            && text.contains("承诺时限不能超过法定时限")
            && text.contains("材料形式只能是"),
        "{text}"
    );
    let (_, none) = app.get_json("/api/v1/services?q=SBZX-900").await;
    assert_eq!(none.as_array().unwrap().len(), 0, "nothing was created");

    let r = post_form_with(
        &client,
        &app,
        "/admin/items/new",
        "/admin/items",
        &item_fields("SBZX-900", "灵活就业人员参保信息变更", &sb),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let item = item_by_code(&app, "SBZX-900").await;
    assert_eq!(item["name"], "灵活就业人员参保信息变更");
    assert_eq!(item["promised_days"], 3);
    assert_eq!(item["materials"][1]["name"], "户口簿");
    assert_eq!(item["materials"][1]["form"], "copy");
    // The same code twice is refused.
    let r = post_form_with(
        &client,
        &app,
        "/admin/items/new",
        "/admin/items",
        &item_fields("SBZX-900", "重复", &sb),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(text_of(&r.text().await.unwrap()).contains("这个编码已经被使用了"));
}
