//! Defects found from outside, each proven fixed through a started server:
//! scope on creation, full-width and multi-byte input, concurrent
//! registration, HEAD, `next=`, one-time passwords on the API, proxy
//! headers, audit of refusals, the append-only audit table, CSV formulas,
//! booking codes on tickets, instants and caching in the API.

use onestop::accounts::models::Role;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TEST_NOW, TestApp, TestBackend, assert_error_json, csrf_of, id_number,
    post_form_with, spawn_app, spawn_app_at,
};

async fn audit_rows(app: &TestApp, action: &str) -> Vec<(String, String, String)> {
    use diesel::prelude::*;
    use onestop::db::schema::audit_log;
    let action = action.to_string();
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            Ok(audit_log::table
                .filter(audit_log::action.eq(action))
                .order(audit_log::id)
                .select((audit_log::target, audit_log::result, audit_log::detail))
                .load::<(String, String, String)>(conn)?)
        })
        .await
        .unwrap()
}

/// The number of a city-hall window that belongs to another department
/// than `code`.
async fn window_of_other_department(app: &TestApp, code: &str) -> i64 {
    let city = app.hall_id("WUHAI").await;
    let (_, depts) = app
        .get_json(&format!("/api/v1/departments?hall_id={city}"))
        .await;
    let own = depts
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap()["id"]
        .clone();
    let (_, windows) = app
        .get_json(&format!("/api/v1/windows?hall_id={city}"))
        .await;
    windows
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["department_id"] != own)
        .unwrap()["number"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_department_admin_cannot_create_a_clerk_at_another_departments_window() {
    let app = spawn_app_at(TEST_NOW).await;
    let dept = app.staff(81, Role::DeptAdmin, None, Some("SBZX")).await;
    let client = app.browser_session(&dept.phone).await;
    let foreign = window_of_other_department(&app, "SBZX").await;
    let r = post_form_with(
        &client,
        &app,
        "/admin/accounts/new",
        "/admin/accounts",
        &[
            ("role", "clerk"),
            ("name", "越权窗口"),
            ("phone", "13904736001"),
            ("window", &foreign.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("这个窗口属于其他部门"), "the form says why");
    let exists = app
        .state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            Ok(onestop::accounts::repo::find_by_phone(conn, "13904736001")?)
        })
        .await
        .unwrap();
    assert!(exists.is_none(), "nothing was created");
    let rows = audit_rows(&app, "admin.account.create").await;
    assert_eq!(
        rows.last().map(|r| r.1.as_str()),
        Some("failed"),
        "{rows:?}"
    );
    // The command line obeys the same rule.
    let err = app
        .state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            Ok(onestop::accounts::create::add_user(
                conn,
                &onestop::accounts::create::AddUser {
                    role: Role::Clerk,
                    phone: "13904736002".into(),
                    name: "命令行".into(),
                    password: PASSWORD.into(),
                    id_number: None,
                    hall: None,
                    window: Some(foreign as i32),
                    department: Some("SBZX".into()),
                    must_change_password: false,
                },
                &onestop::pii::PiiKeys::derive(b"k"),
                chrono::Utc::now().naive_utc(),
            ))
        })
        .await
        .unwrap();
    assert!(err.is_err(), "{err:?}");
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | 'X' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

#[tokio::test]
async fn full_width_id_and_phone_numbers_register_as_typed_by_input_methods() {
    let app = spawn_app().await;
    let id = id_number(7);
    let body = json!({
        "name": "全角输入",
        "id_number": full_width(&id),
        "phone": full_width("13804730007"),
        "password": PASSWORD,
    });
    let (s, created) = app.post_json("/api/v1/auth/register", None, &body).await;
    assert_eq!(s, 201, "{created}");
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"phone": "13804730007", "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, 200, "stored as plain digits");
    // The same ID number typed again in ASCII is the same person.
    let (s, body) = app
        .post_json(
            "/api/v1/auth/register",
            None,
            &json!({"name": "再次", "id_number": id, "phone": "13804730008", "password": PASSWORD}),
        )
        .await;
    assert_error_json(s, &body, 409, "id_number_taken");
    // A page form too, with an ideographic space in the phone number.
    let (_, html) = app.get_html("/register").await;
    let r = app
        .client
        .post(app.url("/register"))
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("name", "页面全角"),
            ("id_number", &full_width(&id_number(9))),
            ("phone", &full_width("138　0473　0009")),
            ("password", PASSWORD),
            ("password2", PASSWORD),
            ("consent", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

/// Strings that have broken servers: multi-byte characters where ASCII is
/// expected, emoji, combining marks, NUL and control characters, very long.
fn nasty() -> Vec<String> {
    vec![
        "１５０３０２１９８５０６１２３０１５".into(),
        "１３８０４７３１２３４".into(),
        "王".repeat(18),
        "😀".repeat(11),
        "11010519491231002😀".into(),
        "a\u{0301}".repeat(9),
        "\u{202e}1234".into(),
        "12\u{0}34".into(),
        "\t\r\n".into(),
        "Ｋ７ＭＸ－４Ｐ２Ｑ".into(),
        "ⅩⅡ".into(),
        "%00%ff".into(),
        "x".repeat(5000),
        "\u{feff}2026-12-02".into(),
        "２０２６－１２－０２".into(),
        "０９：００".into(),
    ]
}

#[tokio::test]
async fn multi_byte_input_in_every_field_never_breaks_the_server() {
    let app = spawn_app_at(TEST_NOW).await;
    let r = app.register_resident(1).await;
    let item = app.item_with_windows(2).await;
    let mut requests = 0;
    let check = |what: String, res: Result<reqwest::Response, reqwest::Error>| {
        let res = res.unwrap_or_else(|e| panic!("{what}: the connection broke: {e}"));
        let s = res.status().as_u16();
        assert!(s < 500, "{what}: {s}");
    };
    for v in nasty() {
        let json_posts: Vec<(&str, Value, Option<&str>)> = vec![
            (
                "/api/v1/auth/register",
                json!({"name": v, "id_number": v, "phone": "13804739999", "password": PASSWORD}),
                None,
            ),
            (
                "/api/v1/auth/register",
                json!({"name": "正常", "id_number": id_number(50), "phone": v, "password": v}),
                None,
            ),
            (
                "/api/v1/auth/login",
                json!({"phone": v, "password": v}),
                None,
            ),
            (
                "/api/v1/checkin",
                json!({"code": v, "phone_last4": v}),
                None,
            ),
            (
                "/api/v1/tickets",
                json!({"service_id": item, "priority_reason": v}),
                None,
            ),
            (
                "/api/v1/bookings",
                json!({"service_id": item, "date": v, "start": v}),
                Some(r.token.as_str()),
            ),
            (
                "/api/v1/bookings",
                json!({"service_id": item, "date": "2026-12-02", "start": v}),
                Some(r.token.as_str()),
            ),
        ];
        for (path, body, token) in json_posts {
            let mut req = app.client.post(app.url(path)).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            check(format!("POST {path} {v:?}"), req.send().await);
            requests += 1;
        }
        let enc = |s: &str| serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string();
        for path in [
            format!("/services?q={}", enc(&v)),
            format!("/api/v1/services?q={}", enc(&v)),
            format!("/track?code={}&phone_last4={}", enc(&v), enc(&v)),
            format!("/api/v1/track?code={}&phone_last4={}", enc(&v), enc(&v)),
            format!("/services/{}", enc(&v)),
            format!("/api/v1/services/{item}/slots?date={}", enc(&v)),
            format!("/login?next={}", enc(&v)),
            format!("/kiosk/walk-in?q={}", enc(&v)),
            format!("/lang/{}?next={}", enc(&v), enc(&v)),
        ] {
            check(
                format!("GET {path}"),
                app.client.get(app.url(&path)).send().await,
            );
            requests += 1;
        }
        let (_, html) = app.get_html("/register").await;
        let csrf = csrf_of(&html);
        for (path, fields) in [
            (
                "/register",
                vec![
                    ("name", v.as_str()),
                    ("id_number", v.as_str()),
                    ("phone", v.as_str()),
                    ("password", v.as_str()),
                    ("password2", v.as_str()),
                ],
            ),
            (
                "/login",
                vec![
                    ("phone", v.as_str()),
                    ("password", v.as_str()),
                    ("next", v.as_str()),
                ],
            ),
            (
                "/kiosk/checkin",
                vec![("code", v.as_str()), ("phone_last4", v.as_str())],
            ),
            (
                "/kiosk/rate",
                vec![
                    ("number", v.as_str()),
                    ("grade", v.as_str()),
                    ("comment", v.as_str()),
                ],
            ),
        ] {
            let mut all = vec![("csrf_token", csrf.as_str())];
            all.extend(fields);
            check(
                format!("POST {path} {v:?}"),
                app.client.post(app.url(path)).form(&all).send().await,
            );
            requests += 1;
        }
    }
    assert!(requests > 300);
    // The server still answers normally afterwards.
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

#[tokio::test]
async fn concurrent_registrations_on_sqlite_never_answer_5xx() {
    if TestBackend::from_env() != TestBackend::Sqlite {
        return;
    }
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    let started = std::time::Instant::now();
    for n in 0..80u32 {
        let (client, url) = (app.client.clone(), app.url("/api/v1/auth/register"));
        tasks.push(tokio::spawn(async move {
            let body = json!({"name": format!("并发{n}"), "id_number": id_number(300 + n), "phone": format!("1380480{n:04}"), "password": PASSWORD});
            client.post(url).json(&body).send().await.unwrap().status().as_u16()
        }));
        // 16 in flight at a time.
        if tasks.len() >= 16 {
            let s = tasks.remove(0).await.unwrap();
            assert!(s < 500, "answered {s}");
        }
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert!(statuses.iter().all(|s| *s < 500), "{statuses:?}");
    eprintln!(
        "MEASURED: 80 concurrent registrations (16 in flight) on SQLite: 0 answers of 5xx, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn head_is_answered_wherever_get_is() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = app.item_with_windows(2).await;
    for path in [
        "/healthz".to_string(),
        "/".into(),
        "/services".into(),
        format!("/services/{item}"),
        "/departments".into(),
        "/track".into(),
        "/kiosk".into(),
        "/display".into(),
        "/login".into(),
        "/api/v1/halls".into(),
        format!("/api/v1/services/{item}"),
        format!("/api/v1/services/{item}/slots?date=2026-12-02"),
        "/static/style.css".into(),
    ] {
        let get = app.client.get(app.url(&path)).send().await.unwrap();
        let head = app.client.head(app.url(&path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
    let r = app
        .client
        .head(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn next_after_sign_in_goes_only_to_a_same_site_path() {
    let app = spawn_app().await;
    let r = app.register_resident(1).await;
    for (next, expected) in [
        ("/\t/evil.example/", "/bookings"),
        ("/\n/evil.example/", "/bookings"),
        ("/\\evil.example", "/bookings"),
        ("//evil.example", "/bookings"),
        ("https://evil.example", "/bookings"),
        ("/a\u{0}b", "/bookings"),
        ("/services?q=1", "/services?q=1"),
    ] {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let html = client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let res = client
            .post(app.url("/login"))
            .form(&[
                ("csrf_token", csrf_of(&html).as_str()),
                ("phone", &r.phone),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{next:?}");
        assert_eq!(res.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test]
async fn a_one_time_password_lets_an_api_token_do_nothing_but_change_it() {
    let app = spawn_app_at(TEST_NOW).await;
    let keys = app.state.pii.clone();
    let now = app.state.clock.now_utc();
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            onestop::accounts::create::add_user(
                conn,
                &onestop::accounts::create::AddUser {
                    role: Role::Clerk,
                    phone: "13904736100".into(),
                    name: "新人".into(),
                    password: "One-Time-Pass-1".into(),
                    id_number: None,
                    hall: None,
                    window: Some(17),
                    department: None,
                    must_change_password: true,
                },
                &keys,
                now,
            )
            .unwrap();
            Ok(())
        })
        .await
        .unwrap();
    let (s, login) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"phone": "13904736100", "password": "One-Time-Pass-1"}),
        )
        .await;
    assert_eq!(s, 200);
    let token = login["token"].as_str().unwrap().to_string();
    let window = app.window_id(17).await;
    let (s, body) = app
        .post_json(
            &format!("/api/v1/windows/{window}/call-next"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_error_json(s, &body, 403, "password_change_required");
    let (s, body) = app.get_json_as("/api/v1/bookings/K7MX4P2Q", &token).await;
    assert_error_json(s, &body, 403, "password_change_required");
    let (s, changed) = app
        .post_json(
            "/api/v1/auth/password",
            Some(&token),
            &json!({"current_password": "One-Time-Pass-1", "new_password": "Clerk-Own-2026x"}),
        )
        .await;
    assert_eq!(s, 200, "{changed}");
    let fresh = changed["token"].as_str().unwrap();
    let (s, _) = app
        .post_json(
            &format!("/api/v1/windows/{window}/call-next"),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 401, "the old token ended");
    let (s, _) = app
        .post_json(
            &format!("/api/v1/windows/{window}/call-next"),
            Some(fresh),
            &json!({}),
        )
        .await;
    assert_eq!(s, 204, "now it works (nobody waits)");
}

#[tokio::test]
async fn the_same_site_check_does_not_trust_forwarded_host_by_default() {
    let app = spawn_app().await;
    let (_, html) = app.get_html("/login").await;
    let r = app
        .client
        .post(app.url("/login"))
        .header("Origin", "http://evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .form(&[
            ("csrf_token", csrf_of(&html).as_str()),
            ("phone", "13800000000"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let rows = audit_rows(&app, "request.refused").await;
    assert!(
        rows.iter()
            .any(|(t, res, d)| t == "/login" && res == "denied" && d == "cross_site"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn refused_attempts_and_sign_outs_are_in_the_audit_trail() {
    let app = spawn_app_at(TEST_NOW).await;
    // A resident tries a staff page; an anonymous visitor tries the API.
    let r = app.register_resident(1).await;
    let client = app.browser_session(&r.phone).await;
    assert_eq!(
        client
            .get(app.url("/admin/accounts"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let (s, _) = app
        .post_json("/api/v1/tickets/1/start", None, &json!({}))
        .await;
    assert_eq!(s, 401);
    // A department admin guesses another department's window.
    let dept = app.staff(81, Role::DeptAdmin, None, Some("SBZX")).await;
    let dc = app.browser_session(&dept.phone).await;
    let foreign = window_of_other_department(&app, "SBZX").await;
    let foreign_id = app.window_id(foreign).await;
    assert_eq!(
        dc.get(app.url(&format!("/admin/windows/{foreign_id}")))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    // A form without its CSRF token.
    let res = client
        .post(app.url("/bookings"))
        .form(&[("service_id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let rows = audit_rows(&app, "request.refused").await;
    for (target, detail) in [
        ("GET /admin/accounts", "403"),
        ("POST /api/v1/tickets/{id}/{action}", "401"),
        ("GET /admin/windows/{id}", "404"),
        ("/bookings", "csrf_token"),
    ] {
        assert!(
            rows.iter()
                .any(|(t, res, d)| t == target && res == "denied" && d == detail),
            "{target}: {rows:?}"
        );
    }
    assert!(
        rows.iter()
            .all(|(t, _, _)| !t.contains(&format!("/admin/windows/{foreign_id}"))),
        "the path's values are not recorded, its pattern is"
    );
    // Signing out is recorded.
    let page = client
        .get(app.url("/bookings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = client
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf_of(&page).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let out = audit_rows(&app, "auth.sign_out").await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].0, format!("account:{}", r.id));
}

#[tokio::test]
async fn the_audit_table_refuses_insert_or_replace() {
    use diesel::RunQueryDsl;
    let app = spawn_app_at(TEST_NOW).await;
    app.register_resident(1).await;
    let tried = app
        .state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            let sql = match conn {
                onestop::db::DbConn::Sqlite(_) => "INSERT OR REPLACE INTO audit_log (id, at, action, result) VALUES (1, '2026-01-01 00:00:00', 'forged', 'ok')",
                onestop::db::DbConn::Pg(_) => "INSERT INTO audit_log (id, at, action, result) VALUES (1, '2026-01-01 00:00:00', 'forged', 'ok') ON CONFLICT (id) DO UPDATE SET action = 'forged'",
            };
            Ok(diesel::sql_query(sql).execute(conn))
        })
        .await
        .unwrap();
    assert!(tried.is_err(), "{tried:?}");
    assert!(audit_rows(&app, "forged").await.is_empty());
    assert_eq!(
        audit_rows(&app, "auth.sign_in").await.len(),
        1,
        "the original row is intact"
    );
}

#[tokio::test]
async fn csv_exports_neutralise_formulas_and_imports_read_them_back() {
    use diesel::prelude::*;
    let app = spawn_app().await;
    // A material typed as a formula (an admin's slip, or an attack).
    app.state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            use onestop::db::schema::service_materials;
            diesel::update(service_materials::table.filter(service_materials::id.eq(1)))
                .set(service_materials::name.eq("=HYPERLINK(\"http://evil.example\",\"点击\")"))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let admin = app.staff(90, Role::Admin, None, None).await;
    let client = app.browser_session(&admin.phone).await;
    let csv = client
        .get(app.url("/admin/export/materials.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("'=HYPERLINK("),
        "neutralised: {}",
        &csv[..300.min(csv.len())]
    );
    for line in csv.lines() {
        for cell in line.split(',') {
            let c = cell.trim_start_matches('"');
            assert!(!c.starts_with('=') && !c.starts_with('@'), "{line}");
        }
    }
    // The file comes back in unchanged: importing it changes nothing.
    let r = post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[("kind", "materials"), ("text", &csv), ("apply", "1")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let t = crate::pages::text_of(&r.text().await.unwrap());
    assert!(
        t.contains("修改 0 条"),
        "the guard is removed on import: {t}"
    );
}

#[tokio::test]
async fn a_ticket_shows_its_booking_code_only_to_staff_and_the_owner() {
    let app = spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let r = app.register_resident(1).await;
    let other = app.register_resident(2).await;
    let item = app.item_with_windows(2).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-01", "start": "09:00"}),
        )
        .await;
    let code = b["code"].as_str().unwrap().to_string();
    app.set_now("2026-12-01T08:45:00+08:00");
    let (_, t) = app
        .post_json(
            "/api/v1/checkin",
            None,
            &json!({"code": code, "phone_last4": &r.phone[7..]}),
        )
        .await;
    let path = format!("/api/v1/tickets/{}", t["id"]);
    assert_eq!(
        app.get_json(&path).await.1["booking_code"],
        Value::Null,
        "anonymous"
    );
    assert_eq!(
        app.get_json_as(&path, &other.token).await.1["booking_code"],
        Value::Null,
        "someone else"
    );
    assert_eq!(
        app.get_json_as(&path, &r.token).await.1["booking_code"],
        code.as_str(),
        "the owner"
    );
    let clerk = app
        .staff(
            3,
            Role::Clerk,
            Some(app.window_for(item).await as i32),
            None,
        )
        .await;
    assert_eq!(
        app.get_json_as(&path, &clerk.token).await.1["booking_code"],
        code.as_str(),
        "staff"
    );
    let (_, html) = app.get_html(&format!("/kiosk/ticket/{}", t["id"])).await;
    assert!(
        !html.contains(&code),
        "the public ticket page does not show it"
    );
}

#[tokio::test]
async fn instants_are_rfc_3339_and_personal_answers_are_not_cached() {
    let app = spawn_app_at("2026-12-01T08:30:00+08:00").await;
    let item = app.item_with_windows(1).await;
    let number = app.window_for(item).await;
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    app.post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    let window = app.window_id(number).await;
    app.post_json(
        &format!("/api/v1/windows/{window}/call-next"),
        Some(&clerk.token),
        &json!({}),
    )
    .await;
    let (_, calls) = app.get_json("/api/v1/display").await;
    let at = calls[0]["called_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    assert!(
        at.starts_with("2026-12-01T08:30") && at.ends_with("+08:00"),
        "{at}"
    );
    let r = app.register_resident(1).await;
    let res = app
        .client
        .get(app.url("/api/v1/bookings"))
        .bearer_auth(&r.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
}
