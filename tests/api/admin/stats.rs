//! Statistics against hand-computed figures and generated history.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};
use onestop::accounts::models::Role;
use serde_json::json;

#[tokio::test]
async fn statistics_of_a_hand_built_day_match_the_hand_computed_figures() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = app.item_with_windows(2).await;
    let number = app.window_for(item).await;
    let clerk = app.staff(70, Role::Clerk, Some(number as i32), None).await;
    let window = app.window_id(number).await;
    let (a, b, c) = (
        app.register_resident(1).await,
        app.register_resident(2).await,
        app.register_resident(3).await,
    );
    let book = |token: String, start: &'static str| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/bookings",
                Some(&token),
                &json!({"service_id": item, "date": "2026-12-01", "start": start}),
            )
            .await
            .1["code"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let code_a = book(a.token.clone(), "09:00").await;
    let code_b = book(b.token.clone(), "09:00").await;
    let code_c = book(c.token.clone(), "09:30").await;
    app.set_now("2026-12-01T08:10:00+08:00");
    app.post_json(
        &format!("/api/v1/bookings/{code_c}/cancel"),
        Some(&c.token),
        &json!({}),
    )
    .await;
    // Calls happen half a minute past, so the clock running on by a few
    // milliseconds never moves a wait across a whole minute.
    let at = |t: &str| {
        if t.len() == 5 {
            format!("2026-12-01T{t}:00+08:00")
        } else {
            format!("2026-12-01T{t}+08:00")
        }
    };
    app.set_now(&at("08:50"));
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code_a, "phone_last4": &a.phone[7..]}),
    )
    .await;
    app.set_now(&at("08:55"));
    let (_, w1) = app
        .post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    app.set_now(&at("08:56"));
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code_b, "phone_last4": &b.phone[7..]}),
    )
    .await;
    app.set_now(&at("08:58"));
    app.post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    let call = format!("/api/v1/windows/{window}/call-next");
    let act = |id: i64, action: &'static str, body: serde_json::Value| {
        let (app, token) = (&app, clerk.token.clone());
        async move {
            app.post_json(
                &format!("/api/v1/tickets/{id}/{action}"),
                Some(&token),
                &body,
            )
            .await
        }
    };
    app.set_now(&at("09:00:30"));
    let (_, ta) = app.post_json(&call, Some(&clerk.token), &json!({})).await;
    assert_eq!(ta["booking_code"], json!(code_a));
    act(ta["id"].as_i64().unwrap(), "start", json!({})).await;
    app.set_now(&at("09:12:30"));
    act(
        ta["id"].as_i64().unwrap(),
        "complete",
        json!({"outcome": "done"}),
    )
    .await;
    app.set_now(&at("09:20:30"));
    let (_, tb) = app.post_json(&call, Some(&clerk.token), &json!({})).await;
    assert_eq!(tb["booking_code"], json!(code_b));
    act(tb["id"].as_i64().unwrap(), "no-show", json!({})).await;
    app.set_now(&at("09:25:30"));
    let (_, tw) = app.post_json(&call, Some(&clerk.token), &json!({})).await;
    assert_eq!(tw["id"], w1["id"]);
    act(tw["id"].as_i64().unwrap(), "start", json!({})).await;
    app.set_now(&at("09:31:30"));
    act(
        tw["id"].as_i64().unwrap(),
        "complete",
        json!({"outcome": "done"}),
    )
    .await;
    app.set_now(&at("09:35"));
    let resident_a = app.browser_session(&a.phone).await;
    post_form_with(
        &resident_a,
        &app,
        &format!("/bookings/{code_a}"),
        &format!("/bookings/{code_a}/rate"),
        &[("grade", "5")],
    )
    .await;
    app.post_form(
        "/kiosk/rate",
        "/kiosk/rate",
        &[
            ("number", w1["number"].as_str().unwrap()),
            ("grade", "1"),
            ("comment", "等了太久"),
            ("reasons", "efficiency"),
        ],
    )
    .await;

    let client = admin(&app).await;
    let hall = app.hall_id("WUHAI").await;
    let stats = |query: String| {
        let (client, app) = (&client, &app);
        async move {
            let page = client
                .get(app.url(&format!(
                    "/admin/stats?hall={hall}&from=2026-12-01&to=2026-12-01{query}"
                )))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let figures: Vec<String> = page
                .split("<ul class=\"figures\" id=\"figures\">")
                .nth(1)
                .unwrap()
                .split("</ul>")
                .next()
                .unwrap()
                .split("<strong>")
                .skip(1)
                .map(|s| s.split("</strong>").next().unwrap().to_string())
                .collect();
            (page, figures)
        }
    };
    let (page, figures) = stats(String::new()).await;
    // bookings, check-ins, walk-ins, missed rate, average wait, p90 wait,
    // average service, satisfaction, items served, visits of several
    // items. Waits of 10½, 24½ and 30½ minutes average 21.8; the 90th
    // percentile is in the 30-minute bucket.
    assert_eq!(
        figures,
        vec![
            "3", "2", "2", "50.0%", "21.8", "30.0", "9.0", "50.0%", "2", "0"
        ]
    );
    assert!(
        page.contains("<svg class=\"chart\""),
        "a server-rendered chart"
    );
    // The same day seen through the item's department, and through another.
    let (own, other) = app.department_of(item).await;
    assert_eq!(stats(format!("&department={own}")).await.1, figures);
    assert_eq!(
        stats(format!("&department={other}")).await.1,
        vec!["0", "0", "0", "0.0%", "0.0", "0.0", "0.0", "0.0%", "0", "0"]
    );
    // A date that cannot be read is said so, not silently replaced.
    let bad = client
        .get(app.url("/admin/stats?from=2026-13-45"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    assert!(bad.text().await.unwrap().contains("日期格式不对"));
    // Every table of the page exports as CSV (UTF-8 with a BOM).
    let csv = |table: &'static str| {
        let (client, app) = (&client, &app);
        async move {
            let body = client
                .get(app.url(&format!(
                    "/admin/stats.csv?hall={hall}&from=2026-12-01&to=2026-12-01&table={table}"
                )))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM");
            String::from_utf8(body[3..].to_vec())
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<String>>()
        }
    };
    let days = csv("days").await;
    assert_eq!(
        days[0],
        "日期,预约,已取消,未到场,预约签到,现场取号,已办结,办理事项数"
    );
    assert_eq!(days[1], "2026-12-01,3,1,1,2,2,2,2");
    assert_eq!(
        csv("waits").await[1..],
        [
            "0–5,0",
            "5–10,0",
            "10–15,1",
            "15–20,0",
            "20–30,1",
            "30–45,1",
            "45–60,0",
            "≥60,0"
        ]
    );
    let ratings = csv("ratings").await;
    assert_eq!(ratings[1], "非常满意,1");
    assert_eq!(ratings[5], "非常不满意,1");
    assert_eq!(ratings[6], "满意率,50.0%");
    assert!(csv("cases").await.iter().any(|l| l == "已超期,0"));
    let summary: Vec<String> = csv("summary")
        .await
        .iter()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_string())
        .collect();
    assert_eq!(summary, figures);
    let unknown = client
        .get(app.url("/admin/stats.csv?table=passwords"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[actix_web::test]
async fn generated_history_is_counted_exactly_by_the_statistics() {
    use chrono::{Duration, NaiveDate, TimeZone};
    use onestop::admin::stats::{StatsFilter, report};
    use onestop::seed::history;
    let app = spawn_app_at(TEST_NOW).await;
    let hall = onestop::db::ids::HallId(app.hall_id("WUHAI").await as i32);
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let tz = chrono_tz::Asia::Shanghai;
    let (generated, stats, again) = app
        .state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            let generated = history::generate(conn, hall, 14, 40, today, tz, &mut |_| {})?;
            let filter = StatsFilter {
                hall: Some(hall),
                from: today - Duration::days(14),
                to: today - Duration::days(1),
                ..Default::default()
            };
            let day_start = |d: NaiveDate| {
                tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
                    .unwrap()
                    .naive_utc()
            };
            let stats = report(conn, &filter, today, day_start)?;
            let again = history::has_past_tickets(conn, hall, today)?;
            Ok((generated, stats, again))
        })
        .await
        .unwrap();
    // Two weeks hold ten working days.
    assert_eq!(generated.days, 10);
    assert!(generated.tickets > 250, "{generated:?}");
    assert_eq!(stats.bookings as usize, generated.bookings);
    assert_eq!(
        (stats.check_ins + stats.walk_ins) as usize,
        generated.tickets
    );
    assert_eq!(
        stats.ratings.iter().sum::<i64>() as usize,
        generated.ratings
    );
    assert!(stats.avg_wait_minutes > 1.0 && stats.p90_wait_minutes >= stats.avg_wait_minutes);
    assert!(again, "a second run is refused");
}
