//! Test harness: every test gets its own database (a temporary SQLite file,
//! or a fresh PostgreSQL database dropped afterwards) and its own server on
//! a random port, plus a cookie-keeping client.
//!
//! `ONESTOP_TEST_BACKEND=postgres` runs the whole suite on PostgreSQL
//! (`ONESTOP_TEST_PG_URL`, default postgres://postgres@127.0.0.1:5432/postgres).
//! Tests that exercise both backends skip PostgreSQL when it cannot be
//! reached, unless `ONESTOP_REQUIRE_PG=1` (CI), where that is a failure.
#![allow(dead_code)]

use std::sync::Once;

use diesel::{Connection, PgConnection, RunQueryDsl};
use onestop::config::Settings;
use onestop::startup::Application;
use onestop::web::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

impl TestBackend {
    pub fn from_env() -> Self {
        match std::env::var("ONESTOP_TEST_BACKEND").as_deref() {
            Ok("postgres") | Ok("pg") => TestBackend::Postgres,
            _ => TestBackend::Sqlite,
        }
    }
}

pub fn pg_admin_url() -> String {
    std::env::var("ONESTOP_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn pg_required() -> bool {
    std::env::var("ONESTOP_REQUIRE_PG").is_ok_and(|v| v == "1")
        || TestBackend::from_env() == TestBackend::Postgres
}

/// Whether PostgreSQL can be used; prints the skip once when it cannot.
pub fn pg_available() -> bool {
    static WARN: Once = Once::new();
    match PgConnection::establish(&pg_admin_url()) {
        Ok(_) => true,
        Err(e) => {
            assert!(
                !pg_required(),
                "PostgreSQL is required (ONESTOP_REQUIRE_PG / ONESTOP_TEST_BACKEND) but unreachable: {e}"
            );
            WARN.call_once(|| {
                eprintln!(
                    "SKIPPED: PostgreSQL parts of the suite (cannot reach {}: {e})",
                    pg_admin_url()
                )
            });
            false
        }
    }
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    pub backend: TestBackend,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub fn new(backend: TestBackend) -> TestDb {
        match backend {
            TestBackend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("onestop.db").display());
                TestDb {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            TestBackend::Postgres => {
                let name = format!("onestop_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&pg_admin_url()).unwrap_or_else(|e| {
                    panic!("PostgreSQL unreachable at {}: {e}", pg_admin_url())
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                let base = pg_admin_url();
                let prefix = base.rsplit_once('/').map(|(p, _)| p).unwrap_or(&base);
                TestDb {
                    url: format!("{prefix}/{name}"),
                    backend,
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name
            && let Ok(mut admin) = PgConnection::establish(&pg_admin_url())
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// A running server. It lives on its own thread with its own actix system,
/// so it neither depends on nor blocks the test's runtime; dropping it stops
/// the server before the database is removed (fields drop in order).
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub state: AppState,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The database this app owns (dropped with it); `None` for a second
    /// instance that shares another app's database.
    pub db: Option<TestDb>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let stopper = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(handle.stop(false));
            }
        });
        let _ = stopper.join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn init_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            onestop::cli::init_tracing();
        }
    });
}

pub fn test_settings(db: &TestDb) -> Settings {
    let mut s = Settings::from_lookup(|_| None).expect("default settings");
    s.bind = "127.0.0.1:0".into();
    s.database_url = db.url.clone();
    s.workers = Some(2);
    s.pool_size = 8;
    s.outbox_poll = std::time::Duration::from_millis(200);
    s.hold_poll = std::time::Duration::from_millis(100);
    s
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_on(backend: TestBackend) -> TestApp {
    spawn_app_inner(backend, |_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_inner(TestBackend::from_env(), configure).await
}

pub async fn spawn_app_inner_on(
    backend: TestBackend,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    spawn_app_inner(backend, configure).await
}

async fn spawn_app_inner(backend: TestBackend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_logs();
    let db = TestDb::new(backend);
    let mut settings = test_settings(&db);
    configure(&mut settings);
    start(settings, Some(db)).await
}

/// Another app instance on the same database (several instances behind a
/// load balancer share one PostgreSQL database and one secret key).
pub async fn spawn_second_instance(first: &TestApp) -> TestApp {
    let url = first
        .db
        .as_ref()
        .expect("the first app owns its database")
        .url
        .clone();
    let mut settings = Settings::from_lookup(|_| None).expect("settings");
    settings.bind = "127.0.0.1:0".into();
    settings.database_url = url;
    settings.workers = Some(2);
    settings.secret_key = Some(first.state.master_key.clone());
    settings.now = Some(first.state.clock.now());
    settings.sms_webhook = first.state.settings.sms_webhook.clone();
    settings.outbox_poll = first.state.settings.outbox_poll;
    settings.hold_poll = first.state.settings.hold_poll;
    start(settings, None).await
}

async fn start(settings: Settings, db: Option<TestDb>) -> TestApp {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            match Application::build(settings).await {
                Ok(app) => {
                    let _ = tx.send(Ok((app.port(), app.state().clone(), app.handle())));
                    let _ = app.run_until_stopped().await;
                }
                Err(e) => {
                    let _ = tx.send(Err(format!("{e:#}")));
                }
            }
        })
    });
    let (port, state, handle) = rx
        .recv()
        .expect("server thread")
        .expect("application builds");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client,
        state,
        handle,
        thread: Some(thread),
        db,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_html(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        let body = r.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// The id of the hall with this code.
    pub async fn hall_id(&self, code: &str) -> i64 {
        let (_, halls) = self.get_json("/api/v1/halls").await;
        halls
            .as_array()
            .and_then(|a| a.iter().find(|h| h["code"] == code))
            .and_then(|h| h["id"].as_i64())
            .unwrap_or_else(|| panic!("no hall {code}"))
    }
}

pub fn assert_error_json(status: u16, body: &serde_json::Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "status for {body}");
    assert_eq!(body["error"]["code"], code, "error code in {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "message in {body}"
    );
}

/// Tuesday 1 December 2026, 08:00 in Wuhai: the hall opens at 08:30 and the
/// next seven working days (1–9 December) can be booked.
pub const TEST_NOW: &str = "2026-12-01T08:00:00+08:00";

pub async fn spawn_app_at(now: &str) -> TestApp {
    let start = chrono::DateTime::parse_from_rfc3339(now)
        .expect("rfc3339")
        .with_timezone(&chrono::Utc);
    spawn_app_with(|s| s.now = Some(start)).await
}

/// A valid resident ID number (GB 11643) for test person `n`.
pub fn id_number(n: u32) -> String {
    let first17 = format!(
        "150302{}{:03}",
        19500101 + (n % 28) + 10000 * (n / 28 % 50),
        n % 1000
    );
    let first17: String = first17.chars().take(17).collect();
    let check = onestop::accounts::validate::id_check_char(&first17).expect("17 digits");
    format!("{first17}{check}")
}

pub fn phone(n: u32) -> String {
    format!("1380473{:04}", n)
}

pub const PASSWORD: &str = "Wuhai-Hall-2026";

/// Extracts the CSRF token a page's forms carry.
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("a form with csrf_token");
    html[start..].chars().take_while(|c| *c != '"').collect()
}

pub struct Resident {
    pub id: i32,
    pub phone: String,
    pub token: String,
}

impl TestApp {
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get_json_as(&self, path: &str, token: &str) -> (u16, serde_json::Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Posts a form with the CSRF token of the page at `form_page`.
    pub async fn post_form(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.get_html(form_page).await;
        let token = csrf_of(&html);
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(self.url(action))
            .form(&all)
            .send()
            .await
            .expect("request")
    }

    /// Signs in through the API again (a token runs out after 12 hours).
    pub async fn login(&self, phone: &str) -> String {
        let (s, login) = self
            .post_json(
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"phone": phone, "password": PASSWORD}),
            )
            .await;
        assert_eq!(s, 200, "login: {login}");
        login["token"].as_str().expect("a token").to_string()
    }

    /// Registers and signs in through the API; returns the bearer token.
    pub async fn register_resident(&self, n: u32) -> Resident {
        let body = serde_json::json!({"name": format!("测试居民{n}"), "id_number": id_number(n), "phone": phone(n), "password": PASSWORD});
        let (s, created) = self.post_json("/api/v1/auth/register", None, &body).await;
        assert_eq!(s, 201, "register: {created}");
        let (s, login) = self
            .post_json(
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"phone": phone(n), "password": PASSWORD}),
            )
            .await;
        assert_eq!(s, 200, "login: {login}");
        Resident {
            id: created["id"].as_i64().unwrap() as i32,
            phone: phone(n),
            token: login["token"].as_str().unwrap().to_string(),
        }
    }

    /// Many residents at once, inserted directly (one shared password hash)
    /// with API tokens: setup for load tests, not what is being tested.
    pub async fn residents_direct(&self, from: u32, count: u32) -> Vec<Resident> {
        let hash = onestop::accounts::password::hash(PASSWORD).unwrap();
        let keys = self.state.pii.clone();
        let now = self.state.clock.now_utc();
        self.state
            .db
            .run(move |conn| -> onestop::error::AppResult<_> {
                let mut out = Vec::new();
                for n in from..from + count {
                    let id_no = id_number(n);
                    let new = onestop::accounts::models::NewAccount {
                        role: onestop::accounts::models::Role::Resident,
                        name: format!("居民{n}"),
                        phone: phone(n),
                        id_number_cipher: Some(keys.encrypt(&id_no).unwrap()),
                        id_number_hash: Some(keys.lookup_hash(&id_no)),
                        password_hash: hash.clone(),
                        hall_id: None,
                        department_id: None,
                        window_id: None,
                        must_change_password: false,
                        created_at: now,
                        updated_at: now,
                    };
                    let id = onestop::accounts::repo::insert_account(conn, new)?;
                    let (token, _) = onestop::accounts::session::issue_api_token(conn, id, now)?;
                    out.push(Resident {
                        id: id.0,
                        phone: phone(n),
                        token,
                    });
                }
                Ok(out)
            })
            .await
            .expect("residents")
    }

    /// A bookable item of the city hall served by exactly `windows` windows.
    pub async fn item_with_windows(&self, windows: usize) -> i64 {
        let city = self.hall_id("WUHAI").await;
        let (_, services) = self
            .get_json(&format!("/api/v1/services?hall_id={city}"))
            .await;
        for s in services.as_array().unwrap() {
            if !s["bookable_online"].as_bool().unwrap() {
                continue;
            }
            let (_, detail) = self
                .get_json(&format!("/api/v1/services/{}", s["id"]))
                .await;
            if detail["window_numbers"].as_array().unwrap().len() == windows {
                return s["id"].as_i64().unwrap();
            }
        }
        panic!("no item with {windows} windows");
    }

    /// Two bookable items of the city hall that one window serves together,
    /// that window's number, and an item no window serves together with the
    /// first.
    pub async fn two_items_one_window(&self) -> (i64, i64, i64, i64) {
        use diesel::prelude::*;
        use onestop::db::ids::{ServiceId, WindowId};
        use onestop::db::schema::{service_items, window_services, windows};
        self.state
            .db
            .run(|conn| -> onestop::error::AppResult<_> {
                let pairs: Vec<(ServiceId, WindowId, i32)> = window_services::table
                    .inner_join(service_items::table)
                    .inner_join(windows::table)
                    .filter(service_items::hall_id.eq(1))
                    .filter(service_items::bookable_online.eq(true))
                    .filter(windows::active.eq(true))
                    .order((windows::number, service_items::id))
                    .select((
                        window_services::service_id,
                        window_services::window_id,
                        windows::number,
                    ))
                    .load(conn)?;
                let windows_of = |s: ServiceId| -> Vec<WindowId> {
                    pairs.iter().filter(|p| p.0 == s).map(|p| p.1).collect()
                };
                for (a, w, number) in &pairs {
                    let Some((b, _, _)) = pairs.iter().find(|p| p.1 == *w && p.0 != *a) else {
                        continue;
                    };
                    let apart = pairs.iter().find(|p| {
                        let theirs = windows_of(p.0);
                        !windows_of(*a).iter().any(|x| theirs.contains(x))
                    });
                    if let Some((c, _, _)) = apart {
                        return Ok((
                            i64::from(a.0),
                            i64::from(b.0),
                            i64::from(*number),
                            i64::from(c.0),
                        ));
                    }
                }
                panic!("no two items with a common window");
            })
            .await
            .unwrap()
    }

    /// The department of an item, and another department of its hall.
    pub async fn department_of(&self, item: i64) -> (i64, i64) {
        use diesel::prelude::*;
        use onestop::db::ids::ServiceId;
        use onestop::db::schema::{departments, service_items};
        self.state
            .db
            .run(move |conn| -> onestop::error::AppResult<_> {
                let (own, hall): (onestop::db::ids::DepartmentId, onestop::db::ids::HallId) =
                    service_items::table
                        .find(ServiceId(item as i32))
                        .select((service_items::department_id, service_items::hall_id))
                        .first(conn)?;
                let other: onestop::db::ids::DepartmentId = departments::table
                    .filter(departments::hall_id.eq(hall).and(departments::id.ne(own)))
                    .select(departments::id)
                    .first(conn)?;
                Ok((i64::from(own.0), i64::from(other.0)))
            })
            .await
            .expect("department of item")
    }

    /// Sets the city hall's per-window slot capacity and online share.
    pub async fn set_capacity(&self, slot_capacity: i32, online_share: i32) {
        use diesel::prelude::*;
        use onestop::db::schema::halls;
        self.state
            .db
            .run(move |conn| -> onestop::error::AppResult<_> {
                diesel::update(halls::table.filter(halls::code.eq("WUHAI")))
                    .set((
                        halls::slot_capacity.eq(slot_capacity),
                        halls::online_share_percent.eq(online_share),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .unwrap();
    }

    /// Sets the city hall's fair-use rules: the release delay after a
    /// cancellation (minutes) and how many cancellations suspend booking.
    pub async fn set_fair_use(&self, release_delay: i32, cancel_limit: i32) {
        use diesel::prelude::*;
        use onestop::db::schema::halls;
        self.state
            .db
            .run(move |conn| -> onestop::error::AppResult<_> {
                diesel::update(halls::table.filter(halls::code.eq("WUHAI")))
                    .set((
                        halls::release_delay_minutes.eq(release_delay),
                        halls::cancel_limit.eq(cancel_limit),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .unwrap();
    }

    /// Moves the server's clock.
    pub fn set_now(&self, rfc3339: &str) {
        let t = chrono::DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&chrono::Utc);
        self.state.clock.set(t);
    }
}

pub struct Staff {
    pub id: i32,
    pub phone: String,
    pub token: String,
}

impl TestApp {
    /// A staff account (clerk at a window, or a department admin), with an
    /// API token; signs in through the pages with `PASSWORD`.
    pub async fn staff(
        &self,
        n: u32,
        role: onestop::accounts::models::Role,
        window: Option<i32>,
        department: Option<&str>,
    ) -> Staff {
        let keys = self.state.pii.clone();
        let now = self.state.clock.now_utc();
        let department = department.map(str::to_string);
        self.state
            .db
            .run(move |conn| -> onestop::error::AppResult<_> {
                let input = onestop::accounts::create::AddUser {
                    role,
                    phone: format!("1390473{:04}", n),
                    name: format!("工作人员{n}"),
                    password: PASSWORD.to_string(),
                    id_number: None,
                    hall: None,
                    window,
                    department,
                    must_change_password: false,
                };
                let id = onestop::accounts::create::add_user(conn, &input, &keys, now)
                    .expect("staff account");
                let (token, _) = onestop::accounts::session::issue_api_token(conn, id, now)?;
                Ok(Staff {
                    id: id.0,
                    phone: input.phone,
                    token,
                })
            })
            .await
            .expect("staff")
    }

    /// The id of the city hall's window numbered `number`.
    pub async fn window_id(&self, number: i64) -> i64 {
        let city = self.hall_id("WUHAI").await;
        let (_, windows) = self
            .get_json(&format!("/api/v1/windows?hall_id={city}"))
            .await;
        windows
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["number"] == number)
            .and_then(|w| w["id"].as_i64())
            .expect("window")
    }

    /// The first window number that serves an item.
    pub async fn window_for(&self, item: i64) -> i64 {
        let (_, detail) = self.get_json(&format!("/api/v1/services/{item}")).await;
        detail["window_numbers"][0].as_i64().expect("a window")
    }

    /// Signs in through the login form with a fresh cookie jar.
    pub async fn browser_session(&self, phone: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let html = client
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_of(&html);
        let r = client
            .post(self.url("/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("phone", phone),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "sign-in");
        client
    }
}

/// Posts a form from `page` (for its CSRF token) with a given client.
pub async fn post_form_with(
    client: &reqwest::Client,
    app: &TestApp,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = client
        .get(app.url(page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&html);
    let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    client
        .post(app.url(action))
        .form(&all)
        .send()
        .await
        .unwrap()
}

/// The body of a page fetched with this client (a signed-in session).
pub async fn page_of(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body")
}

/// A figure of the statistics page: the number in `<li id="{id}"><strong>`.
pub fn figure_of(html: &str, id: &str) -> String {
    html.split(&format!("<li id=\"{id}\"><strong>"))
        .nth(1)
        .and_then(|s| s.split("</strong>").next())
        .unwrap_or_default()
        .to_string()
}

/// A server whose SMS gateway is a local receiver, its clock at `now`.
pub async fn spawn_app_with_gateway(now: &str) -> (SmsGateway, TestApp) {
    let gateway = SmsGateway::start(Answer::Accept);
    let start = chrono::DateTime::parse_from_rfc3339(now)
        .expect("rfc3339")
        .with_timezone(&chrono::Utc);
    let url = gateway.url.clone();
    let app = spawn_app_with(move |s| {
        s.now = Some(start);
        s.sms_webhook = Some(url);
        s.outbox_poll = std::time::Duration::from_millis(100);
    })
    .await;
    (gateway, app)
}

/// What the test SMS gateway received: one request.
#[derive(Debug, Clone)]
pub struct Sms {
    pub id: String,
    pub to: String,
    pub text: String,
    pub kind: String,
    /// The status the gateway answered with.
    pub answered: u16,
    pub at: std::time::Instant,
}

/// How the test gateway answers.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Accept,
    /// 500 for the first `n` requests, then 200.
    FailFirst(usize),
    /// This status, always.
    Always(u16),
}

/// A local HTTP receiver standing in for the hall's SMS gateway
/// (`ONESTOP_SMS_WEBHOOK`): it records every request it gets.
pub struct SmsGateway {
    pub url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Sms>>>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SmsGateway {
    pub fn start(answer: Answer) -> SmsGateway {
        use actix_web::{App, HttpResponse, HttpServer, web};
        use std::sync::{Arc, Mutex};
        let received: Arc<Mutex<Vec<Sms>>> = Arc::default();
        let store = received.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    let store = store.clone();
                    App::new().default_service(web::to(move |body: web::Bytes| {
                        let store = store.clone();
                        async move {
                            let v: serde_json::Value =
                                serde_json::from_slice(&body).unwrap_or_default();
                            let mut list = store.lock().unwrap();
                            let status = match answer {
                                Answer::Accept => 200,
                                Answer::FailFirst(n) if list.len() < n => 500,
                                Answer::FailFirst(_) => 200,
                                Answer::Always(s) => s,
                            };
                            let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
                            list.push(Sms {
                                id: field("id"),
                                to: field("to"),
                                text: field("text"),
                                kind: field("kind"),
                                answered: status,
                                at: std::time::Instant::now(),
                            });
                            HttpResponse::build(
                                actix_web::http::StatusCode::from_u16(status).unwrap(),
                            )
                            .body("")
                        }
                    }))
                })
                .workers(1)
                .bind("127.0.0.1:0")
                .expect("bind the test gateway");
                let port = server.addrs()[0].port();
                let server = server.run();
                let _ = tx.send((port, server.handle()));
                let _ = server.await;
            })
        });
        let (port, handle) = rx.recv().expect("gateway thread");
        SmsGateway {
            url: format!("http://127.0.0.1:{port}/sms"),
            received,
            handle,
            thread: Some(thread),
        }
    }

    pub fn received(&self) -> Vec<Sms> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until a received request matches, for at most `secs` seconds.
    pub async fn wait_for(&self, secs: u64, pred: impl Fn(&Sms) -> bool) -> Option<Sms> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            if let Some(m) = self.received().into_iter().find(|m| pred(m)) {
                return Some(m);
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Waits until at least `n` requests arrived (or `secs` pass).
    pub async fn wait_count(&self, n: usize, secs: u64) -> usize {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while self.received().len() < n && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.received().len()
    }
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(handle.stop(false));
            }
        })
        .join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
