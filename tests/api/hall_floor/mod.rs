//! The hall floor: walk-ins, check-in, calls, cases and ratings — one file
//! per feature.

use crate::helpers::TestApp;
use onestop::accounts::models::Role;
use serde_json::{Value, json};

mod calls;
pub(crate) mod case_clocks;
mod cases;
mod checkin;
mod pages;
mod rating_loop;
mod ratings;
mod walk_in;

pub(crate) async fn walk_in(app: &TestApp, item: i64) -> (u16, Value) {
    app.post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await
}

pub(crate) async fn act(
    app: &TestApp,
    token: &str,
    ticket: i64,
    action: &str,
    body: Value,
) -> (u16, Value) {
    app.post_json(
        &format!("/api/v1/tickets/{ticket}/{action}"),
        Some(token),
        &body,
    )
    .await
}

pub(crate) async fn call_next(app: &TestApp, token: &str, window_id: i64) -> (u16, Value) {
    app.post_json(
        &format!("/api/v1/windows/{window_id}/call-next"),
        Some(token),
        &json!({}),
    )
    .await
}

/// An item, a window that serves it, and a clerk at that window.
/// A clerk sits down at a window through the workstation page.
pub async fn take_window(app: &TestApp, clerk: &crate::helpers::Staff, window: i64) {
    let client = app.browser_session(&clerk.phone).await;
    let r = crate::helpers::post_form_with(
        &client,
        app,
        "/clerk",
        "/clerk/take",
        &[("window_id", &window.to_string())],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("done=taken"),
        "{:?}",
        r.headers()["location"]
    );
}

pub(crate) async fn setup(app: &TestApp, n: u32) -> (i64, i64, crate::helpers::Staff) {
    let item = app.item_with_windows(2).await;
    let number = app.window_for(item).await;
    let clerk = app.staff(n, Role::Clerk, Some(number as i32), None).await;
    (item, app.window_id(number).await, clerk)
}

/// The clerk calls the next number at the window, starts and completes it
/// with `outcome`: the completed ticket.
pub(crate) async fn serve_next(app: &TestApp, token: &str, window_id: i64, outcome: &str) -> Value {
    let (_, t) = call_next(app, token, window_id).await;
    let id = t["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("nobody called: {t}"));
    act(app, token, id, "start", json!({})).await;
    let (s, done) = act(app, token, id, "complete", json!({"outcome": outcome})).await;
    assert_eq!(s, 200, "{done}");
    done
}
