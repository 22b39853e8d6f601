//! A case's clock in a real browser: the department's manager suspends an
//! accepted passport case for 专家评审; the applicant sees the stop, its
//! reason and the new date on 我的预约; the manager resumes and concludes
//! it; the applicant rates the finished case (一事一评). The page the
//! applicant last sees is kept as a screenshot (target/screenshots).

use fantoccini::Locator;
use serde_json::json;

use crate::driver::browser;
use crate::journeys::{appear, click, fill, sign_in, wait_for_path};
use onestop::accounts::models::Role;

async fn switch_to(c: &fantoccini::Client, app: &crate::helpers::TestApp, phone: &str, path: &str) {
    c.goto(&app.url("/logout")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    sign_in(c, app, phone).await;
    for _ in 0..100 {
        if c.current_url().await.is_ok_and(|u| u.path() != "/login") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    c.goto(&app.url(path)).await.unwrap();
}

async fn promised_due(c: &fantoccini::Client) -> String {
    appear(c, Locator::Css(".case .promised-due"))
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn suspend_the_applicant_sees_the_new_date_resume_conclude_and_rate_the_case() {
    let Some(b) = browser().await else { return };
    let app = crate::helpers::spawn_app_at("2026-12-04T08:00:00+08:00").await; // a Friday
    let c = &b.client;
    let (_, items) = app.get_json("/api/v1/services?q=GACRJ-001").await;
    let item = items[0]["id"].as_i64().unwrap();
    let number = app.window_for(item).await;
    let clerk = app.staff(1, Role::Clerk, Some(number as i32), None).await;
    let manager = app.staff(2, Role::DeptAdmin, None, Some("GACRJ")).await;
    let window = app.window_id(number).await;
    let r = app.register_resident(1).await;
    let (_, booking) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-07", "start": "09:00"}),
        )
        .await;
    let code = booking["code"].as_str().unwrap().to_string();
    // Monday 7 December: checked in, called and accepted at the window.
    app.set_now("2026-12-07T08:50:00+08:00");
    let clerk_token = app.login(&clerk.phone).await;
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code, "phone_last4": &r.phone[7..]}),
    )
    .await;
    let (_, t) = app
        .post_json(
            &format!("/api/v1/windows/{window}/call-next"),
            Some(&clerk_token),
            &json!({}),
        )
        .await;
    let ticket = t["id"].as_i64().unwrap();
    for (action, body) in [
        ("start", json!({})),
        ("complete", json!({"outcome": "accepted"})),
    ] {
        let (s, b) = app
            .post_json(
                &format!("/api/v1/tickets/{ticket}/{action}"),
                Some(&clerk_token),
                &body,
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    let booking_page = format!("/bookings/{code}");

    // The applicant's first look: due Wednesday 16 December.
    switch_to(c, &app, &r.phone, &booking_page).await;
    let due = promised_due(c).await;
    assert!(due.starts_with("12月16日"), "{due}");

    // Tuesday 8th: the manager stops the clock for 专家评审.
    app.set_now("2026-12-08T10:00:00+08:00");
    switch_to(c, &app, &manager.phone, "/cases").await;
    click(c, Locator::Css("a[href^='/cases/']")).await;
    appear(c, Locator::Id("suspend-kind"))
        .await
        .select_by_value("expert_review")
        .await
        .unwrap();
    fill(c, "suspend-reason", "组织专家对申请材料进行评审").await;
    click(c, Locator::Id("case-suspend")).await;
    appear(c, Locator::Id("case-resume")).await;
    let case_page = c.current_url().await.unwrap().path().to_string();

    // Thursday 10th: the applicant sees the stop, its reason, the new date.
    app.set_now("2026-12-10T09:00:00+08:00");
    switch_to(c, &app, &r.phone, &booking_page).await;
    let stop = appear(c, Locator::Css(".case-suspended"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        stop.contains("专家评审") && stop.contains("组织专家对申请材料进行评审"),
        "{stop}"
    );
    // Tuesday to Thursday do not count: as if resumed on Friday.
    let due = promised_due(c).await;
    assert!(due.starts_with("12月21日"), "{due}");

    // Friday 11th: resumed, then concluded (approved).
    app.set_now("2026-12-11T09:30:00+08:00");
    switch_to(c, &app, &manager.phone, &case_page).await;
    click(c, Locator::Id("case-resume")).await;
    appear(c, Locator::Id("case-conclude")).await;
    fill(c, "conclude-note", "材料齐全，符合签发条件").await;
    click(c, Locator::Id("case-conclude")).await;
    for _ in 0..100 {
        let page = c.source().await.unwrap_or_default();
        if page.contains("材料齐全，符合签发条件") && !page.contains("id=\"case-conclude\"")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // The applicant: the case concluded, three days stopped (Tue–Thu), the
    // date moved from the 16th to Monday 21st; rates the case.
    switch_to(c, &app, &r.phone, &booking_page).await;
    let due = promised_due(c).await;
    assert!(due.starts_with("12月21日"), "{due}");
    let case_text = appear(c, Locator::Css(".case")).await.text().await.unwrap();
    assert!(
        case_text.contains("普通护照")
            && case_text.contains("材料齐全，符合签发条件")
            && case_text.contains("恢复计时"),
        "{case_text}"
    );
    let rate = appear(c, Locator::Css("section.rate-case")).await;
    rate.find(Locator::Css("input[name=grade][value='5']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    rate.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for _ in 0..100 {
        if c.find(Locator::Css("section.rate-case")).await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (_, cases) = app
        .get_json_as(
            &format!("/api/v1/bookings/{code}"),
            &app.login(&r.phone).await,
        )
        .await;
    let case_number = cases["case"]["number"]
        .as_str()
        .unwrap_or_else(|| panic!("{cases}"))
        .to_string();
    let rated: i64 = app
        .state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::{cases, ratings};
            Ok(ratings::table
                .inner_join(cases::table.on(ratings::case_id.eq(cases::id.nullable())))
                .filter(cases::case_number.eq(case_number))
                .filter(ratings::grade.eq(5))
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(rated, 1, "the case's own rating");
    c.set_window_size(1280, 2200).await.unwrap();
    let shot = appear(c, Locator::Css("section.case"))
        .await
        .screenshot()
        .await
        .unwrap();
    std::fs::create_dir_all("target/screenshots").unwrap();
    std::fs::write("target/screenshots/case-history.png", shot).unwrap();
    wait_for_path(c, &booking_page).await;
    c.clone().close().await.unwrap();
}
