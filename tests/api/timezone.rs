//! Hall-local time whatever the server's own time zone: the same binary run
//! under TZ=UTC and TZ=America/New_York offers the same slots.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::helpers::{TEST_NOW, TestBackend, TestDb};

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_with_tz(db: &TestDb, tz: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .env("TZ", tz)
        .env("DATABASE_URL", &db.url)
        .env("ONESTOP_BIND", "127.0.0.1:0")
        .env("ONESTOP_NOW", TEST_NOW)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start onestop");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the serving line");
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("an address")
        .trim_end_matches('/')
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    Server { child, url }
}

async fn slots_seen(tz: &str) -> Vec<serde_json::Value> {
    let db = TestDb::new(TestBackend::from_env());
    let server = serve_with_tz(&db, tz);
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for date in ["2026-12-01", "2026-12-02", "2026-12-05", "2026-12-09"] {
        let r = client
            .get(format!(
                "{}/api/v1/services/1/slots?date={date}",
                server.url
            ))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        out.push(serde_json::json!({"date": date, "status": status, "slots": r.json::<serde_json::Value>().await.unwrap()}));
    }
    let r = client
        .get(format!(
            "{}/api/v1/services/1/slots?date=2026-12-10",
            server.url
        ))
        .send()
        .await
        .unwrap();
    out.push(serde_json::json!({"date": "2026-12-10", "status": r.status().as_u16()}));
    out
}

#[tokio::test]
async fn slots_are_the_same_under_utc_and_new_york() {
    let utc = slots_seen("UTC").await;
    let new_york = slots_seen("America/New_York").await;
    assert_eq!(utc, new_york);
    // 08:00 on 1 December in Wuhai is 19:00 on 30 November in New York:
    // the hall's day is still 1 December, opening at 08:30.
    assert_eq!(utc[0]["status"], 200);
    assert_eq!(
        utc[0]["slots"][0]["start"], "09:00",
        "08:30 starts within the 30-minute lead"
    );
    assert_eq!(utc[1]["slots"][0]["start"], "08:30");
    assert_eq!(utc[2]["slots"], serde_json::json!([]), "Saturday");
    assert_eq!(
        utc[3]["status"], 200,
        "9 December is the seventh working day"
    );
    assert_eq!(utc[4]["status"], 422, "10 December is beyond the horizon");
}
