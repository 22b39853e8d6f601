//! Text messages reach the hall's SMS gateway: started servers, a local
//! receiver standing in for the gateway, and the pages that say what
//! happened to each message.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{
    Answer, SmsGateway, TEST_NOW, TestApp, TestBackend, pg_available, spawn_app_inner_on,
    spawn_second_instance,
};
use crate::pages::text_of;

/// Polls the resident's "my bookings" page (the app's own cookie session)
/// until `n` messages read "已发送", for at most 10 seconds.
pub async fn bookings_page_once_sent(app: &TestApp, n: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (s, html) = app.get_html("/bookings").await;
        assert_eq!(s, 200);
        let text = text_of(&html);
        if text.matches("已发送 ·").count() >= n || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn app_with_gateway(gateway: &SmsGateway, poll: Duration) -> TestApp {
    let url = gateway.url.clone();
    let start = chrono::DateTime::parse_from_rfc3339(TEST_NOW)
        .unwrap()
        .with_timezone(&chrono::Utc);
    spawn_app_inner_on(TestBackend::from_env(), move |s| {
        s.now = Some(start);
        s.sms_webhook = Some(url);
        s.outbox_poll = poll;
    })
    .await
}

async fn book(app: &TestApp, token: &str, item: i64, date: &str) -> serde_json::Value {
    let (s, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(token),
            &json!({"service_id": item, "date": date, "start": "09:00"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    b
}

/// Waits (up to 5 s) until the worker has recorded `n` failed attempts.
async fn recorded_attempts(app: &TestApp, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let attempts = app
            .state
            .db
            .run(|conn| -> onestop::error::AppResult<_> {
                use diesel::prelude::*;
                use onestop::db::schema::notifications;
                // Claiming counts the attempt; recording ends `sending`.
                Ok(notifications::table
                    .filter(notifications::status.ne("sending"))
                    .select(diesel::dsl::max(notifications::attempts))
                    .first::<Option<i32>>(conn)?)
            })
            .await
            .unwrap();
        if attempts.unwrap_or(0) as usize >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn advance(app: &TestApp, by: chrono::Duration) {
    app.state.clock.set(app.state.clock.now() + by);
}

#[tokio::test]
async fn the_confirmation_reaches_the_gateway_at_once_and_the_pages_say_sent() {
    let gateway = SmsGateway::start(Answer::Accept);
    // A poll of a minute: only the wake-up after the booking's commit can
    // make the message arrive within seconds.
    let app = app_with_gateway(&gateway, Duration::from_secs(60)).await;
    let r = app.register_resident(1).await;
    let item = app.item_with_windows(2).await;
    let started = Instant::now();
    let b = book(&app, &r.token, item, "2026-12-02").await;
    let code = b["code"].as_str().unwrap().to_string();
    let sms = gateway
        .wait_for(5, |m| m.kind == "confirmation")
        .await
        .expect("the confirmation reaches the gateway");
    eprintln!(
        "MEASURED: booking to SMS at the gateway {:.1} ms",
        (sms.at - started).as_secs_f64() * 1000.0
    );
    assert_eq!(sms.to, r.phone, "the full mainland number");
    let shown = format!("{}-{}", &code[..4], &code[4..]);
    assert!(
        sms.text.contains(&shown) && sms.text.contains("乌海市民服务中心"),
        "{}",
        sms.text
    );
    assert_eq!(sms.id.len(), 36, "a stable message id: {}", sms.id);

    // The resident's pages say it was sent, to a masked number.
    let client = app.browser_session(&r.phone).await;
    let page = |path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move { text_of(&client.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    let detail = page(format!("/bookings/{code}")).await;
    assert!(detail.contains("确认短信已发送至 138****0001"), "{detail}");
    let list = page("/bookings".into()).await;
    assert!(list.contains("预约确认 · 已发送 ·"), "{list}");
    assert!(
        list.contains("预约提醒 · 将于 2026-12-01 10:00 发送"),
        "the reminder is scheduled, not sent: {list}"
    );
    assert_eq!(gateway.received().len(), 1, "nothing else went out");
}

#[tokio::test]
async fn the_reminder_reaches_the_gateway_at_ten_the_day_before() {
    let gateway = SmsGateway::start(Answer::Accept);
    let app = app_with_gateway(&gateway, Duration::from_millis(100)).await;
    let r = app.register_resident(2).await;
    let item = app.item_with_windows(2).await;
    book(&app, &r.token, item, "2026-12-03").await;
    assert!(
        gateway
            .wait_for(5, |m| m.kind == "confirmation")
            .await
            .is_some()
    );

    app.set_now("2026-12-02T09:59:55+08:00");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        gateway.received().iter().all(|m| m.kind != "reminder"),
        "not before 10:00"
    );
    app.set_now("2026-12-02T10:00:01+08:00");
    let reminder = gateway
        .wait_for(5, |m| m.kind == "reminder")
        .await
        .expect("the reminder goes out at 10:00 the day before");
    assert_eq!(reminder.to, r.phone);
    assert!(
        reminder.text.contains("温馨提醒：您明天"),
        "{}",
        reminder.text
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(gateway.received().len(), 2, "each once");
}

#[tokio::test]
async fn a_failing_gateway_is_retried_under_the_same_id_and_never_duplicated() {
    let gateway = SmsGateway::start(Answer::FailFirst(2));
    let app = app_with_gateway(&gateway, Duration::from_millis(100)).await;
    let r = app.register_resident(3).await;
    let item = app.item_with_windows(2).await;
    // A slot far enough ahead that its reminder is not due in this test.
    let b = book(&app, &r.token, item, "2026-12-08").await;
    assert_eq!(gateway.wait_count(1, 5).await, 1);

    // Not retried before its back-off has passed…
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(gateway.received().len(), 1, "the back-off is respected");
    let client = app.browser_session(&r.phone).await;
    let detail_url = app.url(&format!("/bookings/{}", b["code"].as_str().unwrap()));
    let detail = text_of(
        &client
            .get(&detail_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        detail.contains("确认短信正在发送至") && !detail.contains("已发送至"),
        "not called sent while the gateway refuses: {detail}"
    );
    // …then 30 s and 1 minute later.
    advance(&app, chrono::Duration::seconds(31));
    assert_eq!(gateway.wait_count(2, 5).await, 2);
    advance(&app, chrono::Duration::seconds(61));
    assert_eq!(gateway.wait_count(3, 5).await, 3);
    // Accepted: nothing more, however long we wait.
    advance(&app, chrono::Duration::hours(2));
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got = gateway.received();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(
        got.iter().map(|m| m.answered).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    assert!(
        got.iter().all(|m| m.id == got[0].id),
        "the same id on every retry"
    );
    // Hours have passed on the server's clock: sign in again.
    let client = app.browser_session(&r.phone).await;
    let detail = text_of(
        &client
            .get(&detail_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(detail.contains("确认短信已发送至 138****0003"), "{detail}");
}

#[tokio::test]
async fn a_gateway_that_never_accepts_ends_in_failed_and_staff_see_why() {
    use onestop::accounts::models::Role;
    let gateway = SmsGateway::start(Answer::Always(503));
    let app = app_with_gateway(&gateway, Duration::from_millis(100)).await;
    let r = app.register_resident(4).await;
    let item = app.item_with_windows(2).await;
    book(&app, &r.token, item, "2026-12-08").await;
    // Six attempts, 30 s, 1, 2, 4 and 8 minutes apart.
    for (attempt, wait) in [(1, 31), (2, 61), (3, 121), (4, 241), (5, 481)] {
        assert_eq!(gateway.wait_count(attempt, 5).await, attempt);
        // The gateway has the request before the worker records the
        // failure and its next time: move the clock only after that.
        recorded_attempts(&app, attempt).await;
        advance(&app, chrono::Duration::seconds(wait));
    }
    assert_eq!(gateway.wait_count(6, 5).await, 6);
    advance(&app, chrono::Duration::hours(3));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(gateway.received().len(), 6, "given up after the sixth");

    let client = app.browser_session(&r.phone).await;
    let list = text_of(
        &client
            .get(app.url("/bookings"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        list.contains("预约确认 · 发送失败（已尝试 6 次）"),
        "the resident is told: {list}"
    );
    let admin = app.staff(9001, Role::Admin, None, None).await;
    let staff = app.browser_session(&admin.phone).await;
    let outbox = text_of(
        &staff
            .get(app.url("/admin/messages?status=failed"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        outbox.contains("138****0004") && outbox.contains("HTTP 503") && !outbox.contains(&r.phone),
        "{outbox}"
    );
}

#[tokio::test]
async fn two_instances_share_one_outbox_and_send_each_message_once() {
    if !pg_available() {
        return;
    }
    let gateway = SmsGateway::start(Answer::Accept);
    let url = gateway.url.clone();
    let first = spawn_app_inner_on(TestBackend::Postgres, move |s| {
        s.sms_webhook = Some(url);
        s.outbox_poll = Duration::from_millis(20);
        s.now = Some(
            chrono::DateTime::parse_from_rfc3339(TEST_NOW)
                .unwrap()
                .with_timezone(&chrono::Utc),
        );
    })
    .await;
    let second = spawn_second_instance(&first).await;
    first.set_capacity(40, 100).await;
    let item = first.item_with_windows(2).await;
    let residents = first.residents_direct(100, 40).await;
    let mut tasks = Vec::new();
    for (i, r) in residents.iter().enumerate() {
        let app = if i % 2 == 0 { &first } else { &second };
        let (url, token) = (app.url("/api/v1/bookings"), r.token.clone());
        let client = app.client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"service_id": item, "date": "2026-12-02", "start": "09:00"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    assert_eq!(gateway.wait_count(40, 15).await, 40);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let got = gateway.received();
    let mut ids: Vec<&str> = got.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        (got.len(), ids.len()),
        (40, 40),
        "40 confirmations, none twice"
    );
    let mut to: Vec<&str> = got.iter().map(|m| m.to.as_str()).collect();
    to.sort_unstable();
    to.dedup();
    assert_eq!(to.len(), 40, "one to each resident");
}
