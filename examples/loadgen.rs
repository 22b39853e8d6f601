#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The load generator of scripts/bench/ for what wrk cannot do: many
//! residents, each with an account and an address of their own
//! (`X-Forwarded-For`, so start the server with ONESTOP_TRUST_PROXY=true),
//! booking or signing in at once. Prints one line of `key=value` figures.
//!
//!   loadgen book   <base> <residents> <conns> <hot|spread> [phone_prefix]
//!   loadgen signin <base> <residents> <conns> <seconds>   [phone_prefix]
//!
//! `book`: every resident books up to 3 places (hot: all the same first
//! free slot of one item, so most are refused `slot_full`; spread: the
//! free places of every item over the horizon). `signin`: residents sign
//! in with their passwords over and over for the given seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex;

const PASSWORD: &str = "Wuhai-bench-2026";

/// A valid GB 11643 number for resident `i` (region 150302, born 1950–1999).
fn id_number(i: usize) -> String {
    let body = format!(
        "150302{}{:02}{:02}{:03}",
        1950 + i % 50,
        1 + (i / 50) % 12,
        1 + (i / 600) % 28,
        i % 1000
    );
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn addr(i: usize) -> String {
    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)
}

struct Figures {
    latencies: Vec<Duration>,
    statuses: std::collections::BTreeMap<u16, usize>,
}

impl Figures {
    fn report(mut self, what: &str, elapsed: Duration, ok: u16) -> String {
        self.latencies.sort();
        let q = |p: f64| {
            let n = self.latencies.len();
            if n == 0 {
                0.0
            } else {
                self.latencies[((n as f64 * p) as usize).min(n - 1)].as_secs_f64() * 1000.0
            }
        };
        let done = self.statuses.get(&ok).copied().unwrap_or(0);
        let five = self
            .statuses
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum::<usize>();
        let codes: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, n)| format!("{s}:{n}"))
            .collect();
        format!(
            "{what}={done} secs={:.3} per_sec={:.1} answers_per_sec={:.1} p50_ms={:.1} p99_ms={:.1} server_errors={five} statuses={}",
            elapsed.as_secs_f64(),
            done as f64 / elapsed.as_secs_f64(),
            self.latencies.len() as f64 / elapsed.as_secs_f64(),
            q(0.5),
            q(0.99),
            codes.join(",")
        )
    }
}

async fn post(
    c: &reqwest::Client,
    url: &str,
    who: usize,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value, Duration) {
    let mut req = c.post(url).header("X-Forwarded-For", addr(who)).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let t0 = Instant::now();
    match req.send().await {
        Ok(r) => {
            let s = r.status().as_u16();
            let v = r.json().await.unwrap_or(Value::Null);
            (s, v, t0.elapsed())
        }
        Err(_) => (599, Value::Null, t0.elapsed()),
    }
}

/// Registers residents `0..n` (if they do not exist yet) and signs each in.
async fn residents(c: &reqwest::Client, base: &str, n: usize, prefix: &str) -> Vec<String> {
    let next = Arc::new(AtomicUsize::new(0));
    let tokens = Arc::new(Mutex::new(vec![String::new(); n]));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (c, base, next, tokens, prefix) = (c.clone(), base.to_string(), next.clone(), tokens.clone(), prefix.to_string());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let phone = format!("{prefix}{i:06}");
                    let body = json!({"name": format!("居民{i}"), "id_number": id_number(i), "phone": phone, "password": PASSWORD});
                    let (s, _, _) = post(&c, &format!("{base}/api/v1/auth/register"), i, None, &body).await;
                    assert!(s == 201 || s == 409, "registration of resident {i}: HTTP {s}");
                    let (s, v, _) = post(&c, &format!("{base}/api/v1/auth/login"), i, None, &json!({"phone": phone, "password": PASSWORD})).await;
                    assert_eq!(s, 200, "sign-in of resident {i}");
                    tokens.lock().await[i] = v["token"].as_str().unwrap_or_default().to_string();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a registration task failed");
    }
    Arc::try_unwrap(tokens).expect("tasks ended").into_inner()
}

/// Free places: (service, date, start, remaining) over the horizon.
async fn places(c: &reqwest::Client, base: &str, hot: bool) -> Vec<(i64, String, String, usize)> {
    let services: Value = c
        .get(format!("{base}/api/v1/services?hall_id=1"))
        .send()
        .await
        .expect("services")
        .json()
        .await
        .expect("json");
    let mut out = Vec::new();
    let today = chrono::Local::now().date_naive();
    for s in services.as_array().into_iter().flatten() {
        let id = s["id"].as_i64().unwrap_or(0);
        for d in 0..10 {
            let date = (today + chrono::Duration::days(d)).to_string();
            let Ok(r) = c
                .get(format!("{base}/api/v1/services/{id}/slots?date={date}"))
                .send()
                .await
            else {
                continue;
            };
            if !r.status().is_success() {
                continue;
            }
            let slots: Value = r.json().await.unwrap_or(Value::Null);
            for slot in slots.as_array().into_iter().flatten() {
                let remaining = slot["remaining"].as_u64().unwrap_or(0) as usize;
                if remaining > 0 {
                    out.push((
                        id,
                        date.clone(),
                        slot["start"].as_str().unwrap_or("").to_string(),
                        remaining,
                    ));
                    if hot {
                        return out;
                    }
                }
            }
        }
    }
    out
}

async fn book(base: &str, n: usize, conns: usize, hot: bool, prefix: &str) {
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .build()
        .expect("client");
    let tokens = residents(&c, base, n, prefix).await;
    let free = places(&c, base, hot).await;
    assert!(!free.is_empty(), "no free place to book");
    // Each resident asks for 3 places; spread: the places dealt out in
    // turn, so every request has one it may take.
    let mut plan = Vec::new();
    let mut k = 0;
    for round in 0..3 {
        for (i, token) in tokens.iter().enumerate() {
            let (sid, date, start, _) = if hot {
                free[0].clone()
            } else {
                free[(k + round) % free.len()].clone()
            };
            k += 1;
            plan.push((
                i,
                token.clone(),
                json!({"service_id": sid, "date": date, "start": start}),
            ));
        }
    }
    let capacity: usize = if hot { free[0].3 } else { usize::MAX };
    let plan = Arc::new(plan);
    let next = Arc::new(AtomicUsize::new(0));
    let figures = Arc::new(Mutex::new(Figures {
        latencies: Vec::new(),
        statuses: Default::default(),
    }));
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            let (c, base, plan, next, figures) = (
                c.clone(),
                base.to_string(),
                plan.clone(),
                next.clone(),
                figures.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some((i, token, body)) = plan.get(j) else {
                        break;
                    };
                    let (s, _, took) = post(
                        &c,
                        &format!("{base}/api/v1/bookings"),
                        *i,
                        Some(token),
                        body,
                    )
                    .await;
                    let mut f = figures.lock().await;
                    f.latencies.push(took);
                    *f.statuses.entry(s).or_default() += 1;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a booking task failed");
    }
    let elapsed = t0.elapsed();
    let f = Arc::try_unwrap(figures)
        .ok()
        .expect("tasks ended")
        .into_inner();
    let made = f.statuses.get(&201).copied().unwrap_or(0);
    let over = if hot && made > capacity {
        made - capacity
    } else {
        0
    };
    println!(
        "{} requests={} hot_capacity={} overbooked_by_count={over}",
        f.report("bookings", elapsed, 201),
        plan.len(),
        if hot {
            capacity.to_string()
        } else {
            "-".into()
        }
    );
}

async fn signin(base: &str, n: usize, conns: usize, secs: f64, prefix: &str) {
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(conns)
        .build()
        .expect("client");
    residents(&c, base, n, prefix).await;
    let next = Arc::new(AtomicUsize::new(0));
    let figures = Arc::new(Mutex::new(Figures {
        latencies: Vec::new(),
        statuses: Default::default(),
    }));
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..conns)
        .map(|_| {
            let (c, base, next, figures, prefix) = (
                c.clone(),
                base.to_string(),
                next.clone(),
                figures.clone(),
                prefix.to_string(),
            );
            tokio::spawn(async move {
                while Instant::now() < until {
                    let i = next.fetch_add(1, Ordering::Relaxed) % n;
                    let body = json!({"phone": format!("{prefix}{i:06}"), "password": PASSWORD});
                    let (s, _, took) =
                        post(&c, &format!("{base}/api/v1/auth/login"), i, None, &body).await;
                    let mut f = figures.lock().await;
                    f.latencies.push(took);
                    *f.statuses.entry(s).or_default() += 1;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a sign-in task failed");
    }
    let f = Arc::try_unwrap(figures)
        .ok()
        .expect("tasks ended")
        .into_inner();
    println!("{}", f.report("signins", t0.elapsed(), 200));
}

/// Calls made on instance `a` timed until a board connected to instance
/// `b` shows them: `n` times, a walk-in ticket, call-next, start, finish.
async fn calls(a: &str, b: &str, phone: &str, password: &str, window_number: i64, n: usize) {
    let c = reqwest::Client::new();
    let (s, login, _) = post(
        &c,
        &format!("{a}/api/v1/auth/login"),
        1,
        None,
        &json!({"phone": phone, "password": password}),
    )
    .await;
    assert_eq!(s, 200, "clerk sign-in: {login}");
    let token = login["token"].as_str().unwrap_or_default().to_string();
    let windows: Value = c
        .get(format!("{a}/api/v1/windows?hall_id=1"))
        .send()
        .await
        .expect("windows")
        .json()
        .await
        .expect("json");
    let window = windows
        .as_array()
        .into_iter()
        .flatten()
        .find(|w| w["number"] == window_number)
        .expect("the window")
        .clone();
    let (wid, item) = (
        window["id"].as_i64().unwrap_or(0),
        window["service_ids"][0].as_i64().unwrap_or(0),
    );
    let mut board = c
        .get(format!("{b}/display/events?hall=1"))
        .send()
        .await
        .expect("board");
    let mut seen = String::new();
    while !seen.contains("event: snapshot") {
        seen.push_str(&String::from_utf8_lossy(
            &board.chunk().await.expect("board stream").expect("a chunk"),
        ));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut latencies = Vec::new();
    for i in 0..n {
        let (s, t, _) = post(
            &c,
            &format!("{a}/api/v1/tickets"),
            10_000 + i,
            None,
            &json!({"service_id": item}),
        )
        .await;
        assert_eq!(s, 201, "walk-in ticket: {t}");
        let t0 = Instant::now();
        let (s, called, _) = post(
            &c,
            &format!("{a}/api/v1/windows/{wid}/call-next"),
            1,
            Some(&token),
            &json!({}),
        )
        .await;
        assert_eq!(s, 200, "call-next: {called}");
        let number = called["number"].as_str().unwrap_or_default().to_string();
        let mut seen = String::new();
        while !seen.contains(&format!("\"number\":\"{number}\"")) {
            seen.push_str(&String::from_utf8_lossy(
                &board.chunk().await.expect("board stream").expect("a chunk"),
            ));
        }
        latencies.push(t0.elapsed());
        let id = called["id"].as_i64().unwrap_or(0);
        post(
            &c,
            &format!("{a}/api/v1/tickets/{id}/start"),
            1,
            Some(&token),
            &json!({}),
        )
        .await;
        post(
            &c,
            &format!("{a}/api/v1/tickets/{id}/complete"),
            1,
            Some(&token),
            &json!({"outcome": "done"}),
        )
        .await;
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "calls={n} p50_ms={:.1} max_ms={:.1} (call-next answered on one instance to the board of the other)",
        ms(latencies[latencies.len() / 2]),
        ms(latencies[latencies.len() - 1])
    );
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| a.get(i).cloned().unwrap_or_default();
    let num = |i: usize, d: usize| a.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match arg(0).as_str() {
        "book" => {
            let prefix = a.get(5).cloned().unwrap_or_else(|| "13900".into());
            rt.block_on(book(
                &arg(1),
                num(2, 400),
                num(3, 32),
                arg(4) == "hot",
                &prefix,
            ))
        }
        "signin" => {
            let prefix = a.get(5).cloned().unwrap_or_else(|| "13700".into());
            rt.block_on(signin(
                &arg(1),
                num(2, 256),
                num(3, 256),
                a.get(4).and_then(|s| s.parse().ok()).unwrap_or(10.0),
                &prefix,
            ))
        }
        "calls" => rt.block_on(calls(
            &arg(1),
            &arg(2),
            &arg(3),
            &arg(4),
            num(5, 1) as i64,
            num(6, 50),
        )),
        _ => eprintln!(
            "usage: loadgen calls <a> <b> <clerk_phone> <password> <window_number> <n> | book <base> <residents> <conns> <hot|spread> | signin <base> <residents> <conns> <seconds>"
        ),
    }
}
