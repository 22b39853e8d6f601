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
    pub db: TestDb,
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

async fn spawn_app_inner(backend: TestBackend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_logs();
    let db = TestDb::new(backend);
    let mut settings = test_settings(&db);
    configure(&mut settings);
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
