//! Administration: configuration pages with their rules, accounts, the
//! audit trail, CSV import/export and statistics — one file per feature.

use crate::helpers::TestApp;
use onestop::accounts::models::Role;

mod accounts;
mod audit;
mod csv;
mod devices;
mod guide;
mod hall_rules;
mod items;
mod matrix;
mod scope;
mod stats;
mod stranding;

pub(crate) async fn admin(app: &TestApp) -> reqwest::Client {
    let a = app.staff(90, Role::Admin, None, None).await;
    app.browser_session(&a.phone).await
}

pub(crate) async fn dept_admin(app: &TestApp, n: u32, code: &str) -> reqwest::Client {
    let a = app.staff(n, Role::DeptAdmin, None, Some(code)).await;
    app.browser_session(&a.phone).await
}

pub(crate) async fn item_by_code(app: &TestApp, code: &str) -> serde_json::Value {
    let (_, found) = app.get_json(&format!("/api/v1/services?q={code}")).await;
    let id = found[0]["id"].as_i64().unwrap();
    app.get_json(&format!("/api/v1/services/{id}")).await.1
}

pub(crate) fn item_fields<'a>(
    code: &'a str,
    name: &'a str,
    department: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name", name),
        ("department_id", department),
        ("category", "public_service"),
        ("delivery", "promised"),
        ("promised_days", "3"),
        ("legal_days", "10"),
        ("fee", "免费"),
        ("subject", "person"),
        ("description", "测试事项说明"),
        ("bookable_online", "on"),
        ("avg_service_minutes", "12"),
        (
            "materials",
            "申请人居民身份证 | 原件\n户口簿 | 复印件 | 1份",
        ),
        ("active", "on"),
    ]
}
