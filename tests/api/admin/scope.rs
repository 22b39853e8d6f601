//! A department administrator sees and edits only their own department.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};

#[tokio::test]
async fn a_department_admin_edits_only_their_own_department() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = dept_admin(&app, 80, "SBZX").await;
    let own = item_by_code(&app, "SBZX-001").await;
    let other = item_by_code(&app, "GAHZ-001").await;
    assert_eq!(
        client
            .get(app.url(&format!("/admin/items/{}", own["id"])))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    // Another department's item: not found, by page or by posting to its id.
    assert_eq!(
        client
            .get(app.url(&format!("/admin/items/{}", other["id"])))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let other_dept = other["department_id"].to_string();
    let r = post_form_with(
        &client,
        &app,
        "/admin/items",
        &format!("/admin/items/{}", other["id"]),
        &item_fields("GAHZ-001", "改名", &other_dept),
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(
        item_by_code(&app, "GAHZ-001").await["name"],
        other["name"],
        "unchanged"
    );
    // Moving an own item into another department through the form is refused.
    let r = post_form_with(
        &client,
        &app,
        "/admin/items",
        &format!("/admin/items/{}", own["id"]),
        &item_fields("SBZX-001", "改名", &other_dept),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(
        item_by_code(&app, "SBZX-001").await["department_id"],
        own["department_id"]
    );
    // Administrator-only pages are refused.
    assert_eq!(
        client
            .get(app.url("/admin/audit"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        client
            .get(app.url("/admin/halls"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let list = client
        .get(app.url("/admin/items"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("SBZX-001") && !list.contains("GAHZ-001"));
}
