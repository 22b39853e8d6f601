//! The whole 好差评 loop: a bad rating's follow-up with the resident's
//! contact (masked; revealed on purpose, audited), its answer on /track,
//! escalation when the deadline passes, the department's appeal and its
//! effect on the published figures, and the hall's default-grade rule.

use super::*;
use crate::helpers::{Staff, TEST_NOW, TestApp, page_of, post_form_with, spawn_app_at};
use crate::pages::text_of;
use onestop::accounts::models::Role;
use serde_json::{Value, json};

/// A booked visit served to the end at `start` on 1 December: (booking
/// code, the phone's last four, the phone).
async fn finished_visit(
    app: &TestApp,
    clerk: &Staff,
    window: i64,
    item: i64,
    resident: u32,
    start: &str,
) -> (String, String, String) {
    let r = app.register_resident(resident).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-01", "start": start}),
        )
        .await;
    let code = b["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{b}"))
        .to_string();
    let last4 = r.phone[7..].to_string();
    let begin =
        chrono::NaiveTime::parse_from_str(start, "%H:%M").unwrap() - chrono::Duration::minutes(10);
    app.set_now(&format!("2026-12-01T{}:00+08:00", begin.format("%H:%M")));
    let (s, c) = app
        .post_json(
            "/api/v1/checkin",
            None,
            &json!({"code": code, "phone_last4": last4}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    serve_next(app, &clerk.token, window, "done").await;
    (code, last4, r.phone)
}

async fn rate_on_track(app: &TestApp, code: &str, last4: &str, grade: &str, comment: &str) {
    let r = app
        .post_form(
            "/login",
            "/track/rate",
            &[
                ("code", code),
                ("phone_last4", last4),
                ("grade", grade),
                ("comment", comment),
                ("reasons", "efficiency"),
            ],
        )
        .await;
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains("rated=1"), "{to}");
}

/// The numbers in `action="/prefix/N…"` attributes of a page, in order.
fn ids_after(page: &str, prefix: &str) -> Vec<String> {
    page.split(&format!("action=\"{prefix}"))
        .skip(1)
        .map(|s| {
            s.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

async fn department_code(app: &TestApp, item: i64) -> String {
    let (_, d) = app.get_json(&format!("/api/v1/services/{item}")).await;
    let (_, ds) = app.get_json("/api/v1/departments").await;
    ds.as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == d["department_id"])
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn audit_rows(app: &TestApp, action: &'static str) -> Vec<(Option<i32>, String, String)> {
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::action.eq(action))
                .select((
                    audit_log::actor_id,
                    audit_log::actor_role,
                    audit_log::target,
                ))
                .load(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_bad_rating_is_called_back_answered_on_track_and_escalated_when_late() {
    let app = spawn_app_at(TEST_NOW).await; // Tuesday 1 December
    let (item, window, clerk) = setup(&app, 1).await;
    let (code1, last1, phone1) = finished_visit(&app, &clerk, window, item, 1, "09:00").await;
    let (code2, last2, _) = finished_visit(&app, &clerk, window, item, 2, "09:30").await;
    rate_on_track(&app, &code1, &last1, "1", "等了四十分钟").await;
    rate_on_track(&app, &code2, &last2, "2", "材料清单看不懂").await;

    let department = department_code(&app, item).await;
    let manager = app.staff(2, Role::DeptAdmin, None, Some(&department)).await;
    let staff = app.browser_session(&manager.phone).await;
    let page = page_of(&staff, &app, "/follow-ups").await;
    let text = text_of(&page);
    // Due in 5 working days: Tuesday 8 December. The phone is masked.
    assert!(
        text.contains("12月8日") && text.contains("办事效率"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}****{}", &phone1[..3], &phone1[7..])),
        "{text}"
    );
    assert!(!page.contains(&phone1), "the full phone is not on the page");
    let ids = ids_after(&page, "/follow-ups/");
    assert_eq!(ids.len(), 4, "{ids:?}"); // each: reveal and record
    let first = ids[0].clone();
    // Revealed on purpose, for one follow-up; audited with who saw it.
    let r = post_form_with(
        &staff,
        &app,
        "/follow-ups",
        &format!("/follow-ups/{first}/reveal"),
        &[],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let revealed = r.text().await.unwrap();
    assert_eq!(
        revealed.matches("13804730").count(),
        1,
        "one phone shown in full"
    );
    let seen = audit_rows(&app, "follow_up.reveal_phone").await;
    assert_eq!(
        seen,
        vec![(
            Some(manager.id),
            "dept_admin".to_string(),
            format!("follow_up:{first}")
        )]
    );

    // 回访 → 整改 → 反馈 on the first; the resident reads the answer.
    for (step, note) in [
        ("callback", "已电话联系，致歉"),
        ("fix", "高峰时段增开一个窗口"),
        ("report", "已增开窗口，感谢您的意见"),
    ] {
        let r = post_form_with(
            &staff,
            &app,
            "/follow-ups",
            &format!("/follow-ups/{first}"),
            &[("step", step), ("note", note)],
        )
        .await;
        assert_eq!(r.headers()["location"], "/follow-ups", "{step}");
    }
    let track1 = text_of(
        &app.get_html(&format!("/track?code={code1}&phone_last4={last1}"))
            .await
            .1,
    );
    let track2 = text_of(
        &app.get_html(&format!("/track?code={code2}&phone_last4={last2}"))
            .await
            .1,
    );
    let (answered, waiting) = if track1.contains("已增开窗口，感谢您的意见") {
        (track1, track2)
    } else {
        (track2, track1)
    };
    assert!(answered.contains("对您评价的回复"), "{answered}");
    assert!(!waiting.contains("对您评价的回复"), "{waiting}");

    // Wednesday 9 December: the other is past its deadline. The keeper
    // escalates it to the administrators by itself, once, audited.
    app.set_now("2026-12-09T09:00:00+08:00");
    let mut escalated = Vec::new();
    for _ in 0..50 {
        escalated = audit_rows(&app, "follow_up.escalated").await;
        if !escalated.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let escalated_now = audit_rows(&app, "follow_up.escalated").await;
    assert_eq!(escalated_now.len(), 1, "{escalated_now:?}");
    assert_eq!(escalated[0].1, "system");
    let admin = crate::admin::admin(&app).await;
    let today = page_of(&admin, &app, "/admin").await;
    assert!(
        text_of(&today).contains("1 条差评整改已超期，已上报管理员"),
        "{}",
        text_of(&today)
    );
    let staff = app.browser_session(&manager.phone).await;
    let text = text_of(&page_of(&staff, &app, "/follow-ups").await);
    assert_eq!(text.matches("已超期上报").count(), 1, "{text}");
}

async fn summary(app: &TestApp, hall: i64) -> Value {
    let (s, list) = app
        .get_json(&format!(
            "/api/v1/ratings/summary?hall_id={hall}&from=2026-12-01&to=2026-12-01"
        ))
        .await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    list[0].clone()
}

#[tokio::test]
async fn an_upheld_appeal_keeps_the_rating_but_leaves_the_published_rates() {
    let app = spawn_app_at(TEST_NOW).await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (code1, last1, _) = finished_visit(&app, &clerk, window, item, 1, "09:00").await;
    let (code2, last2, _) = finished_visit(&app, &clerk, window, item, 2, "09:30").await;
    rate_on_track(&app, &code1, &last1, "5", "").await;
    rate_on_track(&app, &code2, &last2, "1", "恶意差评：与办事无关的抱怨").await;
    let hall = app.hall_id("WUHAI").await;
    let s = summary(&app, hall).await;
    assert_eq!(
        (
            s["ratings"].as_i64(),
            s["bad"].as_i64(),
            s["satisfaction_rate"].as_f64()
        ),
        (Some(2), Some(1), Some(0.5)),
        "{s}"
    );
    assert_eq!(s["by_grade"]["1"], 1);

    let department = department_code(&app, item).await;
    let manager = app.staff(2, Role::DeptAdmin, None, Some(&department)).await;
    let staff = app.browser_session(&manager.phone).await;
    let page = page_of(&staff, &app, "/follow-ups").await;
    let rating = ids_after(&page, "/ratings/")[0].clone();
    let appeal = format!("/ratings/{rating}/appeal");
    // Another department cannot appeal it; an empty reason is refused.
    let other = app
        .staff(
            3,
            Role::DeptAdmin,
            None,
            Some(if department == "SBZX" {
                "GACRJ"
            } else {
                "SBZX"
            }),
        )
        .await;
    let other = app.browser_session(&other.phone).await;
    let r = post_form_with(&other, &app, "/follow-ups", &appeal, &[("reason", "x")]).await;
    assert_eq!(r.status().as_u16(), 404);
    let r = post_form_with(
        &staff,
        &app,
        "/follow-ups",
        &appeal,
        &[("reason", " "), ("evidence", "")],
    )
    .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=appeal")
    );
    let r = post_form_with(
        &staff,
        &app,
        "/follow-ups",
        &appeal,
        &[
            ("reason", "评价内容与本窗口业务无关"),
            ("evidence", "监控录像 09:12–09:20"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let again = post_form_with(
        &staff,
        &app,
        "/follow-ups",
        &appeal,
        &[("reason", "再次申诉")],
    )
    .await;
    assert!(
        again.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=appeal"),
        "once"
    );
    assert_eq!(
        summary(&app, hall).await["bad"],
        1,
        "pending: still counted"
    );

    // Only an administrator decides.
    let r = post_form_with(
        &staff,
        &app,
        "/follow-ups",
        "/admin/appeals/1",
        &[("decision", "upheld"), ("note", "自己批准")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 403);
    let admin = crate::admin::admin(&app).await;
    let page = page_of(&admin, &app, "/admin/appeals").await;
    assert!(
        text_of(&page).contains("评价内容与本窗口业务无关") && text_of(&page).contains("监控录像")
    );
    let appeal_id = ids_after(&page, "/admin/appeals/")[0].clone();
    let r = post_form_with(
        &admin,
        &app,
        "/admin/appeals",
        &format!("/admin/appeals/{appeal_id}"),
        &[
            ("decision", "upheld"),
            ("note", "经查看录像，评价与服务无关"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = post_form_with(
        &admin,
        &app,
        "/admin/appeals",
        &format!("/admin/appeals/{appeal_id}"),
        &[("decision", "rejected"), ("note", "改判")],
    )
    .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=1"),
        "decided once"
    );
    let page = page_of(&admin, &app, "/admin/appeals?error=1").await;
    assert!(
        text_of(&page).contains("该申诉可能已被处理"),
        "{}",
        text_of(&page)
    );

    // Kept on record, out of the published rates, and said so.
    let s = summary(&app, hall).await;
    assert_eq!(
        (
            s["ratings"].as_i64(),
            s["bad"].as_i64(),
            s["satisfaction_rate"].as_f64(),
            s["excluded"].as_i64()
        ),
        (Some(1), Some(0), Some(1.0), Some(1)),
        "{s}"
    );
    let public = text_of(
        &app.get_html(&format!(
            "/ratings?hall={hall}&from=2026-12-01&to=2026-12-01"
        ))
        .await
        .1,
    );
    assert!(public.contains("1 条经申诉复核不计入"), "{public}");
    let text = text_of(&page_of(&staff, &app, "/follow-ups").await);
    assert!(
        text.contains("恶意差评")
            && text.contains("经申诉复核，不计入公开满意率")
            && text.contains("申诉成立"),
        "{text}"
    );
    assert_eq!(
        audit_rows(&app, "rating.appeal_decide").await.len(),
        2,
        "the decision and the refused second one"
    );
}

#[tokio::test]
async fn a_hall_rule_counts_an_unrated_visit_as_its_default_grade_and_says_so() {
    let app = spawn_app_at(TEST_NOW).await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (code, last4, _) = finished_visit(&app, &clerk, window, item, 1, "09:00").await;
    // Off by default: two days later nothing was given.
    app.set_now("2026-12-03T09:00:00+08:00");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let hall = app.hall_id("WUHAI").await;
    let (_, list) = app
        .get_json(&format!(
            "/api/v1/ratings/summary?hall_id={hall}&from=2026-12-01&to=2026-12-03"
        ))
        .await;
    assert_eq!(list, json!([]));
    // The administrator turns it on: one day, 满意 (4).
    let admin = crate::admin::admin(&app).await;
    let r = crate::admin::save_hall_form(
        &admin,
        &app,
        hall,
        &[("default_rating_days", "1"), ("default_rating_grade", "4")],
    )
    .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "{}",
        text_of(&r.text().await.unwrap())
    );
    let mut list = json!([]);
    for _ in 0..50 {
        list = app
            .get_json(&format!(
                "/api/v1/ratings/summary?hall_id={hall}&from=2026-12-01&to=2026-12-03"
            ))
            .await
            .1;
        if list.as_array().is_some_and(|l| !l.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        (
            list[0]["ratings"].as_i64(),
            list[0]["default_ratings"].as_i64()
        ),
        (Some(1), Some(1)),
        "{list}"
    );
    assert_eq!(list[0]["by_grade"]["4"], 1);
    // Shown as the rule's, never as the resident's own words.
    let track = text_of(
        &app.get_html(&format!("/track?code={code}&phone_last4={last4}"))
            .await
            .1,
    );
    assert!(
        track.contains("按本大厅规定默认计为“满意”") && !track.contains("您的评价"),
        "{track}"
    );
    let public = text_of(
        &app.get_html(&format!(
            "/ratings?hall={hall}&from=2026-12-01&to=2026-12-03"
        ))
        .await
        .1,
    );
    assert!(public.contains("其中 1 条为逾期未评"), "{public}");
}
