//! The authorisation matrix: every route of the app, called by anonymous,
//! two residents, a clerk, department admins of two departments and an
//! administrator, compared with what each may do. A route in the code but
//! missing from the access table fails the test.

use std::collections::BTreeSet;

use onestop::accounts::access::{Access, RULES};
use onestop::accounts::models::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, csrf_of, phone, spawn_app_at};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    ResidentA,
    ResidentB,
    Clerk,
    DeptAdminX,
    DeptAdminY,
    Admin,
}

impl Who {
    fn role(self) -> Option<Role> {
        match self {
            Who::Anonymous => None,
            Who::ResidentA | Who::ResidentB => Some(Role::Resident),
            Who::Clerk => Some(Role::Clerk),
            Who::DeptAdminX | Who::DeptAdminY => Some(Role::DeptAdmin),
            Who::Admin => Some(Role::Admin),
        }
    }
}

struct Persona {
    who: Who,
    client: reqwest::Client,
    token: String,
}

struct Samples {
    booking: String,
    ticket: i64,
    window: i64,
    item: i64,
    department: i64,
    case: i64,
    follow_up: i64,
    clerk_account: i64,
    hall: i64,
}

/// Routes whose object belongs to someone: the personas that may use the
/// route but do not own the sample object must get 404.
fn not_owner(pattern: &str, who: Who) -> bool {
    let resident_owned =
        pattern.starts_with("/bookings/{code}") || pattern == "/api/v1/bookings/{code}/cancel";
    let dept_owned = pattern.starts_with("/cases/{id}")
        || pattern == "/follow-ups/{id}"
        || pattern.starts_with("/admin/departments/{id}")
        || pattern.starts_with("/admin/windows/{id}")
        || pattern.starts_with("/admin/items/{id}")
        || pattern.starts_with("/admin/accounts/{id}");
    (resident_owned && who == Who::ResidentB) || (dept_owned && who == Who::DeptAdminY)
}

fn concrete(pattern: &str, s: &Samples) -> String {
    let mut path = pattern.to_string();
    let subs: &[(&str, String)] = &[
        ("/bookings/{code}", format!("/bookings/{}", s.booking)),
        ("/tickets/{id}", format!("/tickets/{}", s.ticket)),
        ("/kiosk/ticket/{id}", format!("/kiosk/ticket/{}", s.ticket)),
        ("/clerk/notice/{id}", format!("/clerk/notice/{}", s.ticket)),
        ("/windows/{id}", format!("/windows/{}", s.window)),
        ("/services/{id}", format!("/services/{}", s.item)),
        ("/kiosk/walk-in/{id}", format!("/kiosk/walk-in/{}", s.item)),
        ("/items/{id}", format!("/items/{}", s.item)),
        (
            "/departments/{id}",
            format!("/departments/{}", s.department),
        ),
        ("/cases/{id}", format!("/cases/{}", s.case)),
        ("/follow-ups/{id}", format!("/follow-ups/{}", s.follow_up)),
        ("/accounts/{id}", format!("/accounts/{}", s.clerk_account)),
        ("/halls/{id}", format!("/halls/{}", s.hall)),
        ("{action}", "recall".to_string()),
        ("{name}", "style.css".to_string()),
        ("{code}", "zh-CN".to_string()),
        ("{file}", "items.csv".to_string()),
    ];
    for (from, to) in subs {
        path = path.replace(from, to);
    }
    if pattern == "/admin/accounts/{id}/{action}" {
        path = path.replace("recall", "assign");
    }
    path
}

async fn call(app: &TestApp, p: &Persona, method: &str, path: &str) -> (u16, String, String) {
    let api = path.starts_with("/api/");
    let url = app.url(path);
    let req = if method == "GET" {
        p.client.get(&url)
    } else if api {
        p.client.post(&url).json(&json!({}))
    } else {
        let html = p
            .client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_of(&html);
        p.client.post(&url).form(&[("csrf_token", token.as_str())])
    };
    let req = if api && !p.token.is_empty() {
        req.bearer_auth(&p.token)
    } else {
        req
    };
    let r = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // The SSE stream never ends: look only at its headers.
    let body = if path.ends_with("/events") {
        String::new()
    } else {
        r.text().await.unwrap_or_default()
    };
    (status, location, body)
}

/// Whether the answer is a refusal by the access rules (not a 404, not a
/// validation error): 401 unauthorized, 403, or a page's redirect to sign in.
fn refused(status: u16, location: &str, body: &str) -> bool {
    status == 403
        || (status == 401 && (body.contains("\"unauthorized\"") || body.is_empty()))
        || (status == 303 && location.starts_with("/login?next="))
}

async fn personas(app: &TestApp) -> (Vec<Persona>, Samples) {
    let item = app.item_with_windows(2).await;
    let (_, detail) = app.get_json(&format!("/api/v1/services/{item}")).await;
    let department = detail["department_id"].as_i64().unwrap();
    let (_, departments) = app.get_json("/api/v1/departments").await;
    let dept_code = departments
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == department)
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let other_code = if dept_code == "GAHZ" { "SCJG" } else { "GAHZ" };
    let window_number = detail["window_numbers"][0].as_i64().unwrap();
    let window = app.window_id(window_number).await;

    let a = app.register_resident(1).await;
    let b = app.register_resident(2).await;
    let clerk = app
        .staff(10, Role::Clerk, Some(window_number as i32), None)
        .await;
    let admin_x = app.staff(11, Role::DeptAdmin, None, Some(&dept_code)).await;
    let admin_y = app.staff(12, Role::DeptAdmin, None, Some(other_code)).await;
    let admin = app.staff(13, Role::Admin, None, None).await;

    // A booking of resident A, checked in, called, served, accepted (a case),
    // badly rated (a follow-up); then a second ticket called to the window.
    let (_, booking) = app
        .post_json(
            "/api/v1/bookings",
            Some(&a.token),
            &json!({"service_id": item, "date": "2026-12-01", "start": "09:00"}),
        )
        .await;
    let code = booking["code"].as_str().unwrap().to_string();
    app.set_now("2026-12-01T08:50:00+08:00");
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code, "phone_last4": &a.phone[7..]}),
    )
    .await;
    let call = |t: &str| format!("/api/v1/windows/{window}/call-next{t}");
    let (_, t1) = app
        .post_json(&call(""), Some(&clerk.token), &json!({}))
        .await;
    let t1 = t1["id"].as_i64().unwrap();
    app.post_json(
        &format!("/api/v1/tickets/{t1}/start"),
        Some(&clerk.token),
        &json!({}),
    )
    .await;
    let (_, done) = app
        .post_json(
            &format!("/api/v1/tickets/{t1}/complete"),
            Some(&clerk.token),
            &json!({"outcome": "accepted"}),
        )
        .await;
    assert!(done["case_number"].is_string(), "{done}");
    let case = app
        .state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::cases;
            Ok(cases::table
                .filter(cases::ticket_id.eq(t1 as i32))
                .select(cases::id)
                .first::<i32>(conn)?)
        })
        .await
        .unwrap();
    let rated = app
        .state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            Ok(onestop::ratings::service::rate(
                conn,
                onestop::ratings::service::Target::Visit(onestop::db::ids::TicketId(t1 as i32)),
                &onestop::ratings::service::Given::check(1, "态度不好", &["attitude".into()])
                    .unwrap(),
                onestop::ratings::service::Channel::Web,
                chrono::Utc::now().naive_utc(),
                chrono_tz::Asia::Shanghai,
            )
            .map(|r| r.id)
            .unwrap())
        })
        .await
        .unwrap();
    let follow_up = app
        .state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::follow_ups;
            Ok(follow_ups::table
                .filter(follow_ups::rating_id.eq(rated))
                .select(follow_ups::id)
                .first::<i32>(conn)?)
        })
        .await
        .unwrap();
    let (_, t2) = app
        .post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    app.post_json(&call(""), Some(&clerk.token), &json!({}))
        .await;
    let samples = Samples {
        booking: code,
        ticket: t2["id"].as_i64().unwrap(),
        window,
        item,
        department,
        case: case as i64,
        follow_up: follow_up as i64,
        clerk_account: clerk.id as i64,
        hall: app.hall_id("WUHAI").await,
    };
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let list = vec![
        Persona {
            who: Who::Anonymous,
            client: anon,
            token: String::new(),
        },
        Persona {
            who: Who::ResidentA,
            client: app.browser_session(&phone(1)).await,
            token: a.token,
        },
        Persona {
            who: Who::ResidentB,
            client: app.browser_session(&phone(2)).await,
            token: b.token,
        },
        Persona {
            who: Who::Clerk,
            client: app.browser_session(&clerk.phone).await,
            token: clerk.token,
        },
        Persona {
            who: Who::DeptAdminY,
            client: app.browser_session(&admin_y.phone).await,
            token: admin_y.token,
        },
        Persona {
            who: Who::DeptAdminX,
            client: app.browser_session(&admin_x.phone).await,
            token: admin_x.token,
        },
        Persona {
            who: Who::Admin,
            client: app.browser_session(&admin.phone).await,
            token: admin.token,
        },
    ];
    let _ = PASSWORD;
    (list, samples)
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_access_table_says() {
    let app = spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let (personas, samples) = personas(&app).await;
    let mut failures = Vec::new();
    for p in &personas {
        // Sign-out last: it ends the persona's session.
        let mut rules: Vec<_> = RULES
            .iter()
            .filter(|(_, path, _)| *path != "/logout")
            .collect();
        rules.extend(RULES.iter().filter(|(_, path, _)| *path == "/logout"));
        for (method, pattern, access) in rules {
            let path = concrete(pattern, &samples);
            let (status, location, body) = call(&app, p, method, &path).await;
            let admitted =
                *access == Access::Public || p.who.role().is_some_and(|r| access.admits(r));
            let problem = if status >= 500 {
                Some("a server error".to_string())
            } else if !admitted && !refused(status, &location, &body) {
                Some(format!("should be refused, got {status} {location}"))
            } else if admitted && refused(status, &location, &body) && !(pattern.contains("login"))
            {
                Some(format!("should be admitted, got {status} {location}"))
            } else if admitted && not_owner(pattern, p.who) && status != 404 {
                Some(format!("not the owner: should be 404, got {status}"))
            } else {
                None
            };
            if let Some(problem) = problem {
                failures.push(format!("{:?} {method} {path}: {problem}", p.who));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} answers differ from the access table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every route the code registers, found in the sources.
fn routes_in_code() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let prefix = if path.file_name().is_some_and(|f| f == "api.rs") {
                "/api/v1"
            } else {
                ""
            };
            for (marker, method) in [("#[get(\"", "GET"), ("#[post(\"", "POST")] {
                for chunk in text.split(marker).skip(1) {
                    let route = chunk.split('"').next().unwrap();
                    found.insert((method.to_string(), format!("{prefix}{route}")));
                }
            }
            // An admin editor (src/admin/editor.rs) serves its list, its
            // forms and their saves from its `LIST` path.
            for chunk in text.split("const LIST: &'static str = \"").skip(1) {
                let list = chunk.split('"').next().unwrap();
                for (method, route) in [
                    ("GET", list.to_string()),
                    ("GET", format!("{list}/new")),
                    ("GET", format!("{list}/{{id}}")),
                    ("POST", list.to_string()),
                    ("POST", format!("{list}/{{id}}")),
                ] {
                    found.insert((method.to_string(), route));
                }
            }
            for chunk in text.split("web::resource(\"").skip(1) {
                let route = chunk.split('"').next().unwrap();
                let tail = chunk.split("web::resource(").next().unwrap_or("");
                for (call, method) in [("web::get()", "GET"), ("web::post()", "POST")] {
                    if tail.contains(call) {
                        found.insert((method.to_string(), route.to_string()));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_route_in_the_code_is_in_the_access_table() {
    let table: BTreeSet<(String, String)> = RULES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let code = routes_in_code();
    assert!(code.len() > 80, "found only {} routes", code.len());
    let missing: Vec<_> = code.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "routes without an access rule: {missing:?}"
    );
    let stale: Vec<_> = table.difference(&code).collect();
    assert!(
        stale.is_empty(),
        "access rules for routes that do not exist: {stale:?}"
    );
}
