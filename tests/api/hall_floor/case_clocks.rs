//! A case's legal clock through the API: every move, every refused move,
//! and what the applicant sees of it on /track.

use super::*;
use crate::helpers::{Staff, TestApp, assert_error_json, spawn_app_at};
use crate::pages::text_of;
use onestop::accounts::models::Role;
use serde_json::{Value, json};

/// A booked visit to 普通护照签发 (legal 15, promised 7 working days)
/// accepted at the window on `day` at 09:00: (case number, booking code,
/// phone's last four, the applicant's phone).
pub(crate) async fn accepted_case(
    app: &TestApp,
    clerk: &Staff,
    window: i64,
    item: i64,
    resident: u32,
    day: &str,
) -> (String, String, String, String) {
    let r = app.register_resident(resident).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": day, "start": "09:00"}),
        )
        .await;
    let code = b["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{b}"))
        .to_string();
    app.set_now(&format!("{day}T08:50:00+08:00"));
    let last4 = r.phone[7..].to_string();
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code, "phone_last4": last4}),
    )
    .await;
    app.set_now(&format!("{day}T09:00:00+08:00"));
    let done = serve_next(app, &clerk.token, window, "accepted").await;
    let number = done["case_number"].as_str().unwrap().to_string();
    (number, code, last4, r.phone)
}

/// Fresh tokens after the clock moved on (a token lasts 12 hours).
async fn tokens(app: &TestApp, phones: [&str; 3]) -> [String; 3] {
    [
        app.login(phones[0]).await,
        app.login(phones[1]).await,
        app.login(phones[2]).await,
    ]
}

pub(crate) async fn passport(app: &TestApp) -> (i64, i64, Staff) {
    let (_, items) = app.get_json("/api/v1/services?q=GACRJ-001").await;
    let item = items[0]["id"].as_i64().unwrap();
    let number = app.window_for(item).await;
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    (item, app.window_id(number).await, clerk)
}

pub(crate) async fn case_move(
    app: &TestApp,
    token: &str,
    number: &str,
    action: &str,
    body: Value,
) -> (u16, Value) {
    app.post_json(
        &format!("/api/v1/cases/{number}/{action}"),
        Some(token),
        &body,
    )
    .await
}

async fn case_of(app: &TestApp, token: &str, number: &str) -> Value {
    let (s, c) = app
        .get_json_as(&format!("/api/v1/cases/{number}"), token)
        .await;
    assert_eq!(s, 200, "{c}");
    c
}

/// The fields a refused move must leave alone.
fn clock_of(c: &Value) -> Value {
    json!([
        c["status"],
        c["promised_due"],
        c["legal_due"],
        c["suspended_days"],
        c["extended_days"],
        c["suspensions"].as_array().map(|a| a.len()),
    ])
}

#[tokio::test]
async fn every_move_of_a_case_clock_and_every_refusal_through_the_api() {
    let app = spawn_app_at("2026-12-04T08:00:00+08:00").await; // a Friday
    let (item, window, clerk) = passport(&app).await;
    let (number, code, last4, phone) =
        accepted_case(&app, &clerk, window, item, 1, "2026-12-04").await;
    let manager = app.staff(2, Role::DeptAdmin, None, Some("GACRJ")).await;
    let outsider = app.staff(3, Role::DeptAdmin, None, Some("SBZX")).await;
    let people = [clerk.phone.as_str(), manager.phone.as_str(), phone.as_str()];
    let [clerk_t, manager_t, applicant] = tokens(&app, people).await;

    // Accepted Friday 4 December: 7 and 15 working days on.
    let c = case_of(&app, &applicant, &number).await;
    assert_eq!(c["status"], "accepted");
    assert_eq!(c["accepted_at"], "2026-12-04");
    assert_eq!(c["promised_due"], "2026-12-15");
    assert_eq!(c["legal_due"], "2026-12-25");
    let before = clock_of(&c);

    // Refusals change nothing: resuming a running clock, a bad kind, no
    // reason, the applicant or another department moving it.
    let (s, b) = case_move(&app, &clerk_t, &number, "resume", json!({})).await;
    assert_error_json(s, &b, 409, "illegal_transition");
    let (s, b) = case_move(
        &app,
        &clerk_t,
        &number,
        "suspend",
        json!({"kind": "nap", "reason": "x"}),
    )
    .await;
    assert_error_json(s, &b, 422, "invalid_kind");
    let (s, b) = case_move(
        &app,
        &clerk_t,
        &number,
        "suspend",
        json!({"kind": "expert_review", "reason": "  "}),
    )
    .await;
    assert_error_json(s, &b, 422, "reason_required");
    let (s, _) = case_move(
        &app,
        &applicant,
        &number,
        "suspend",
        json!({"kind": "hearing", "reason": "x"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = case_move(
        &app,
        &outsider.token,
        &number,
        "suspend",
        json!({"kind": "hearing", "reason": "x"}),
    )
    .await;
    assert_eq!(s, 404, "another department's case is not revealed");
    let (s, _) = app
        .get_json_as(&format!("/api/v1/cases/{number}"), &outsider.token)
        .await;
    assert_eq!(s, 404);
    assert_eq!(clock_of(&case_of(&app, &manager_t, &number).await), before);

    // 专家评审 from Friday; while it stands nothing else moves the clock.
    let (s, c) = case_move(
        &app,
        &clerk_t,
        &number,
        "suspend",
        json!({"kind": "expert_review", "reason": "组织专家评审申请材料"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["suspensions"][0]["from"], "2026-12-04");
    assert!(c["suspensions"][0]["to"].is_null());
    let stopped = clock_of(&c);
    for (action, body, code) in [
        (
            "suspend",
            json!({"kind": "hearing", "reason": "x"}),
            "case_suspended",
        ),
        (
            "extend",
            json!({"days": 5, "reason": "x"}),
            "case_suspended",
        ),
        (
            "conclude",
            json!({"outcome": "approved", "note": ""}),
            "case_suspended",
        ),
    ] {
        let (s, b) = case_move(&app, &manager_t, &number, action, body).await;
        assert_error_json(s, &b, 409, code);
    }
    assert_eq!(clock_of(&case_of(&app, &manager_t, &number).await), stopped);

    // The applicant sees the stop and its reason on /track.
    let track = format!("/track?code={code}&phone_last4={last4}");
    let text = text_of(&app.get_html(&track).await.1);
    assert!(
        text.contains("办理时限暂停计算") && text.contains("组织专家评审申请材料"),
        "{text}"
    );

    // Resumed Wednesday 9 December: Monday and Tuesday did not count (the
    // day of acceptance never does), so both dates move on by two.
    app.set_now("2026-12-09T10:00:00+08:00");
    let [clerk_t, manager_t, _] = tokens(&app, people).await;
    let (s, c) = case_move(&app, &clerk_t, &number, "resume", json!({})).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["suspended_days"], 2);
    assert_eq!(c["suspensions"][0]["to"], "2026-12-09");
    assert_eq!(c["promised_due"], "2026-12-17");
    assert_eq!(c["legal_due"], "2026-12-29");
    let text = text_of(&app.get_html(&track).await.1);
    assert!(
        text.contains("12月17日") && !text.contains("办理时限暂停计算"),
        "{text}"
    );

    // An extension needs a manager, a reason, the item's limit; once.
    let (s, b) = case_move(
        &app,
        &clerk_t,
        &number,
        "extend",
        json!({"days": 5, "reason": "需补充调查"}),
    )
    .await;
    assert_error_json(s, &b, 403, "forbidden");
    for days in [0, 11] {
        let (s, b) = case_move(
            &app,
            &manager_t,
            &number,
            "extend",
            json!({"days": days, "reason": "需补充调查"}),
        )
        .await;
        assert_error_json(s, &b, 422, "invalid_extension");
    }
    let (s, b) = case_move(&app, &manager_t, &number, "extend", json!({"days": 5})).await;
    assert_error_json(s, &b, 422, "reason_required");
    let (s, c) = case_move(
        &app,
        &manager_t,
        &number,
        "extend",
        json!({"days": 5, "reason": "需补充调查"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["extended_days"], 5);
    assert_eq!(c["promised_due"], "2026-12-24");
    assert_eq!(c["legal_due"], "2027-01-06", "over 元旦");
    let (s, b) = case_move(
        &app,
        &manager_t,
        &number,
        "extend",
        json!({"days": 2, "reason": "再延"}),
    )
    .await;
    assert_error_json(s, &b, 409, "already_extended");

    // A second stop, shorter: 公示 Thursday to Friday.
    app.set_now("2026-12-10T09:00:00+08:00");
    let clerk_t = app.login(&clerk.phone).await;
    let (s, _) = case_move(
        &app,
        &clerk_t,
        &number,
        "suspend",
        json!({"kind": "public_notice", "reason": "公示一天"}),
    )
    .await;
    assert_eq!(s, 200);
    app.set_now("2026-12-11T09:00:00+08:00");
    let [clerk_t, manager_t, applicant] = tokens(&app, people).await;
    let (_, c) = case_move(&app, &clerk_t, &number, "resume", json!({})).await;
    assert_eq!(c["suspended_days"], 3);
    assert_eq!(c["promised_due"], "2026-12-25");

    // Concluded: a refusal needs its reason; approval names the guide's
    // result and delivery. Then nothing moves it any more.
    let (s, b) = case_move(
        &app,
        &clerk_t,
        &number,
        "conclude",
        json!({"outcome": "maybe"}),
    )
    .await;
    assert_error_json(s, &b, 422, "invalid_outcome");
    let (s, b) = case_move(
        &app,
        &clerk_t,
        &number,
        "conclude",
        json!({"outcome": "refused", "note": ""}),
    )
    .await;
    assert_error_json(s, &b, 422, "reason_required");
    let (s, c) = case_move(
        &app,
        &clerk_t,
        &number,
        "conclude",
        json!({"outcome": "approved", "note": "符合条件"}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["status"], "approved");
    assert_eq!(c["on_time"], true);
    assert_eq!(c["result"], "普通护照");
    for (action, body) in [
        ("suspend", json!({"kind": "hearing", "reason": "x"})),
        ("conclude", json!({"outcome": "refused", "note": "x"})),
        ("resume", json!({})),
        ("extend", json!({"days": 1, "reason": "x"})),
    ] {
        let (s, b) = case_move(&app, &manager_t, &number, action, body).await;
        assert_eq!(s, 409, "{action}: {b}");
    }
    // The history is complete, in order.
    let c = case_of(&app, &applicant, &number).await;
    let kinds: Vec<&str> = c["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "accepted", "suspend", "resume", "extend", "suspend", "resume", "approved"
        ],
        "{c}"
    );
    // Every move and every refusal by staff left an audit row.
    let audited: Vec<(String, String)> = app
        .state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::action.like("case.%"))
                .select((audit_log::action, audit_log::result))
                .load(conn)?)
        })
        .await
        .unwrap();
    let ok = audited.iter().filter(|(_, r)| r == "ok").count();
    assert_eq!(ok, 6, "{audited:?}");
    assert!(
        audited
            .iter()
            .any(|(a, r)| a == "case.extend" && r == "denied"),
        "{audited:?}"
    );
    assert!(
        audited.iter().filter(|(_, r)| r != "ok").count() >= 15,
        "{audited:?}"
    );
}

/// Materials received at the window (收件) on a Friday at 09:00.
async fn received_case(app: &TestApp, clerk: &Staff, window: i64, item: i64, day: &str) -> String {
    app.set_now(&format!("{day}T09:00:00+08:00"));
    let (s, t) = walk_in(app, item).await;
    assert_eq!(s, 201, "{t}");
    let done = serve_next(app, &clerk.token, window, "received").await;
    done["case_number"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_supplement_notice_is_due_in_five_working_days_and_a_late_one_is_flagged_and_deemed_accepted()
 {
    let app = spawn_app_at("2026-12-04T08:00:00+08:00").await;
    let (item, window, clerk) = passport(&app).await;
    let on_time = received_case(&app, &clerk, window, item, "2026-12-04").await;
    let late = received_case(&app, &clerk, window, item, "2026-12-04").await;
    let manager = app.staff(2, Role::DeptAdmin, None, Some("GACRJ")).await;
    let c = case_of(&app, &manager.token, &on_time).await;
    assert_eq!(c["status"], "received");
    assert!(
        c["accepted_at"].is_null() && c["promised_due"].is_null(),
        "{c}"
    );

    // The one-time notice of everything missing, on time (Thursday 10th).
    app.set_now("2026-12-10T10:00:00+08:00");
    let m = app.login(&manager.phone).await;
    let (s, b) = case_move(
        &app,
        &m,
        &on_time,
        "supplement",
        json!({"missing_materials": []}),
    )
    .await;
    assert_error_json(s, &b, 422, "missing_materials_required");
    let (s, c) = case_move(
        &app,
        &m,
        &on_time,
        "supplement",
        json!({"missing_materials": ["户口簿原件", "近期免冠照片"]}),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["status"], "supplement");
    assert_eq!(c["notice"], "户口簿原件、近期免冠照片");
    assert_eq!(c["notice_late"], false);
    let (s, b) = case_move(
        &app,
        &m,
        &on_time,
        "conclude",
        json!({"outcome": "approved"}),
    )
    .await;
    assert_error_json(s, &b, 409, "illegal_transition");

    // Monday 14th: the other case's notice (due Friday 11th) was never
    // given; the administrator's today view counts it for the department.
    app.set_now("2026-12-14T09:00:00+08:00");
    let m = app.login(&manager.phone).await;
    let admin = crate::admin::admin(&app).await;
    let page = crate::helpers::page_of(&admin, &app, "/admin").await;
    let row = page
        .split("id=\"case-alerts\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no case alerts: {}", text_of(&page)));
    let row = text_of(row.split("</table>").next().unwrap());
    assert!(row.contains("出入境") && row.contains("0 0 1"), "{row}");
    // Accepted late: deemed accepted on the day the materials arrived.
    let (s, c) = case_move(&app, &m, &late, "accept", json!({})).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["accepted_at"], "2026-12-04");
    assert_eq!(c["notice_late"], true);
    assert_eq!(c["promised_due"], "2026-12-15");

    // The other applicant brought the materials: received anew, accepted.
    let (_, c) = case_move(&app, &m, &on_time, "resubmit", json!({})).await;
    assert_eq!(c["status"], "received");
    assert_eq!(c["received_at"], "2026-12-14");
    let (_, c) = case_move(&app, &m, &on_time, "accept", json!({})).await;
    assert_eq!(c["accepted_at"], "2026-12-14");
    assert_eq!(c["promised_due"], "2026-12-23");
    assert_eq!(c["notice_late"], false);
}
