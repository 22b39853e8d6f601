//! Sign-ins and lock-outs in the audit trail.

use super::*;
use crate::helpers::{TEST_NOW, spawn_app_at};
use crate::pages::text_of;
use serde_json::json;

#[tokio::test]
async fn sign_ins_and_lock_outs_are_in_the_audit_trail() {
    let app = spawn_app_at(TEST_NOW).await;
    app.register_resident(4).await;
    for _ in 0..5 {
        app.post_json(
            "/api/v1/auth/login",
            None,
            &json!({"phone": crate::helpers::phone(4), "password": "wrong-one"}),
        )
        .await;
    }
    app.post_json(
        "/api/v1/auth/login",
        None,
        &json!({"phone": "13800000000", "password": "wrong-one"}),
    )
    .await;
    let client = admin(&app).await;
    let audit = text_of(
        &client
            .get(app.url("/admin/audit?action=auth."))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(audit.contains("auth.lock_out"), "{audit}");
    assert!(audit.contains("auth.sign_in") && audit.contains("失败") && audit.contains("成功"));
    assert!(
        audit.contains("138****0000") && !audit.contains("13800000000"),
        "phones are masked in the audit trail"
    );
}
