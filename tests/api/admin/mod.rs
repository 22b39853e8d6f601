//! Administration: configuration pages with their rules, accounts, the
//! audit trail, CSV import/export and statistics — one file per feature.

use crate::helpers::TestApp;
use onestop::accounts::models::Role;

mod accounts;
mod audit;
mod case_exchange;
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

/// The values a form on `html` would submit as it stands: text inputs,
/// checked boxes, selected options and text areas (not the CSRF token,
/// which `post_form_with` adds).
pub(crate) fn form_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let marker = format!(" {name}=\"");
        let start = tag.find(&marker)? + marker.len();
        Some(tag[start..].split('"').next()?.replace("&amp;", "&"))
    };
    let mut fields = Vec::new();
    for tag in html.split("<input").skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let (Some(name), kind) = (attr(tag, "name"), attr(tag, "type").unwrap_or_default()) else {
            continue;
        };
        if name == "csrf_token"
            || kind == "submit"
            || (kind == "checkbox" && !tag.contains("checked"))
        {
            continue;
        }
        let value = attr(tag, "value").unwrap_or_else(|| {
            if kind == "checkbox" {
                "on".into()
            } else {
                String::new()
            }
        });
        fields.push((name, value));
    }
    for select in html.split("<select").skip(1) {
        let head = select.split('>').next().unwrap_or("");
        let Some(name) = attr(head, "name") else {
            continue;
        };
        let body = select.split("</select>").next().unwrap_or("");
        let chosen = body
            .split("<option")
            .skip(1)
            .find(|o| o.split('>').next().unwrap_or("").contains("selected"))
            .or_else(|| body.split("<option").nth(1))
            .and_then(|o| attr(o.split('>').next().unwrap_or(""), "value"))
            .unwrap_or_default();
        fields.push((name, chosen));
    }
    for area in html.split("<textarea").skip(1) {
        let head = area.split('>').next().unwrap_or("");
        let Some(name) = attr(head, "name") else {
            continue;
        };
        let text = area
            .split_once('>')
            .map(|(_, r)| r.split("</textarea>").next().unwrap_or(""))
            .unwrap_or("");
        fields.push((
            name,
            text.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">"),
        ));
    }
    fields
}

/// Saves the hall's form as it stands with `changes`; the response.
pub(crate) async fn save_hall_form(
    client: &reqwest::Client,
    app: &TestApp,
    hall: i64,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let path = format!("/admin/halls/{hall}");
    let mut fields = form_fields(&crate::helpers::page_of(client, app, &path).await);
    for (k, v) in changes {
        fields.retain(|(n, _)| n != k);
        fields.push((k.to_string(), v.to_string()));
    }
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    crate::helpers::post_form_with(client, app, &path, &path, &refs).await
}
