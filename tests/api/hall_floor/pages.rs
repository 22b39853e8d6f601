//! The kiosk and clerk pages, the calling board, the audit of staff actions.

use super::*;
use crate::helpers::{post_form_with, spawn_app_at};
use crate::pages::text_of;
use onestop::accounts::models::Role;

#[tokio::test]
async fn the_kiosk_and_the_clerk_pages_work_end_to_end() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (s, html) = app.get_html("/kiosk").await;
    assert_eq!(s, 200);
    assert!(text_of(&html).contains("现场取号"));
    let (_, html) = app.get_html("/kiosk/walk-in?q=%E7%A4%BE%E4%BF%9D").await;
    assert!(html.contains("/kiosk/walk-in/"));
    let r = app
        .post_form(
            &format!("/kiosk/walk-in/{item}"),
            &format!("/kiosk/walk-in/{item}"),
            &[("priority", "pregnant")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let ticket_url = r.headers()["location"].to_str().unwrap().to_string();
    let (s, html) = app.get_html(&ticket_url).await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(
        text.contains("您的排队号") && text.contains("孕妇") && text.contains("前面还有 0 人"),
        "{text}"
    );

    // The clerk takes the window and calls through the page.
    let client = app.browser_session(&clerk.phone).await;
    post_form_with(
        &client,
        &app,
        "/clerk",
        "/clerk/take",
        &[("window_id", &window.to_string())],
    )
    .await;
    let r = post_form_with(&client, &app, "/clerk", "/clerk/call-next", &[]).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/clerk?done=called")
    );
    let page = client
        .get(app.url("/clerk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ticket_id: String = {
        let start = page.find("/clerk/tickets/").unwrap() + 15;
        page[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect()
    };
    assert!(text_of(&page).contains("孕妇"));
    post_form_with(
        &client,
        &app,
        "/clerk",
        &format!("/clerk/tickets/{ticket_id}/start"),
        &[],
    )
    .await;
    // 补正: the missing materials, printed once.
    let page = client
        .get(app.url("/clerk"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let material: String = {
        let marker = r#"name="missing_materials" value=""#;
        let start = page.find(marker).unwrap() + marker.len();
        page[start..].chars().take_while(|c| *c != '"').collect()
    };
    let r = post_form_with(
        &client,
        &app,
        "/clerk",
        &format!("/clerk/tickets/{ticket_id}/complete"),
        &[("outcome", "incomplete"), ("missing_materials", &material)],
    )
    .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains(&format!("notice={ticket_id}")),
        "{location}"
    );
    let notice = client
        .get(app.url(&format!("/clerk/notice/{ticket_id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let text = text_of(&notice);
    assert!(
        text.contains("一次性补正告知书") && text.contains(&material),
        "{text}"
    );

    // The ticket page now says it is finished; the kiosk evaluator rates it.
    let (_, html) = app.get_html(&ticket_url).await;
    assert!(text_of(&html).contains("本次排队已结束"));
    let number: String = html
        .split("id=\"ticket-number\">")
        .nth(1)
        .unwrap()
        .chars()
        .take(4)
        .collect();
    let r = app
        .post_form(
            "/kiosk/rate",
            "/kiosk/rate",
            &[("number", &number), ("grade", "5")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(text_of(&r.text().await.unwrap()).contains("感谢您的评价"));

    // Clerk pages need a clerk.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(
        anon.get(app.url("/clerk"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn staff_actions_are_audited_and_audit_rows_cannot_be_changed() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (item, window, clerk) = setup(&app, 1).await;
    walk_in(&app, item).await;
    call_next(&app, &clerk.token, window).await;
    let other = app.staff(2, Role::Clerk, None, Some("GAHZ")).await;
    call_next(&app, &other.token, window).await;
    let (rows, update, delete) = app
        .state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::audit_log;
            let rows: Vec<(String, String)> = audit_log::table
                .order(audit_log::id)
                .select((audit_log::action, audit_log::result))
                .load(conn)?;
            let update = diesel::update(audit_log::table)
                .set(audit_log::result.eq("ok"))
                .execute(conn);
            let delete = diesel::delete(audit_log::table).execute(conn);
            Ok((rows, update.is_err(), delete.is_err()))
        })
        .await
        .unwrap();
    assert!(
        rows.contains(&("ticket.call_next".to_string(), "ok".to_string())),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("ticket.call_next".to_string(), "denied".to_string())),
        "{rows:?}"
    );
    assert!(update && delete, "the audit trail is append-only");
}

#[tokio::test]
async fn the_calling_board_shows_the_latest_calls() {
    let app = spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let (item, window, clerk) = setup(&app, 1).await;
    let (_, t) = walk_in(&app, item).await;
    call_next(&app, &clerk.token, window).await;
    let (s, calls) = app.get_json("/api/v1/display").await;
    assert_eq!(s, 200);
    assert_eq!(calls[0]["number"], t["number"]);
    assert!(calls[0]["window_number"].as_i64().is_some());
    let (s, html) = app.get_html("/display").await;
    assert_eq!(s, 200);
    assert!(html.contains("display.js") && html.contains("data-hall="));
    let (_, state) = app.get_json("/display/state").await;
    assert_eq!(state["calls"][0]["number"], t["number"]);
    assert!(state["zones"].as_array().unwrap().len() >= 7);
}
