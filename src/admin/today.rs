//! `/admin` (also `/admin/today`): today's live view of the hall — the
//! manager's home page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::Scope;
use super::stats;
use crate::accounts::Identity;
use crate::catalog::models::Window;
use crate::db::DbConn;
use crate::db::ids::{ServiceId, WindowId};
use crate::db::schema::{service_items, tickets, windows};
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::queue::estimates::{FlaggedTicket, flagged_today};
use crate::queue::models::{Ticket, TicketStatus};
use crate::web::forms::private_page;
use crate::web::{AppState, PageCtx};

pub struct WindowState {
    pub number: i32,
    pub name: String,
    pub staffed: bool,
    pub paused: bool,
    pub current: String,
}

#[derive(Template)]
#[template(path = "admin/today.html")]
struct TodayPage {
    ctx: PageCtx,
    hall: Hall,
    windows: Vec<WindowState>,
    zones: Vec<(String, String, i64)>,
    longest_wait: i64,
    breaches: Vec<(String, i64, i32)>,
    flagged: Vec<FlaggedTicket>,
    /// Active items no active window serves (they cannot be booked).
    unserved: i64,
    waiting: i64,
    served: i64,
    /// Cases due within two working days, overdue, or with a late 补正
    /// notice, per department.
    cases: Vec<crate::cases::alerts::DepartmentCases>,
    /// Follow-ups of bad ratings past their deadline (escalated here).
    escalated: i64,
}

fn strs(list: &[TicketStatus]) -> Vec<&'static str> {
    list.iter().map(|s| s.as_str()).collect()
}

/// The manager's windows, each with the number it is serving.
fn window_states(
    conn: &mut DbConn,
    scope: &Scope,
    hall: &Hall,
    today: NaiveDate,
) -> QueryResult<Vec<WindowState>> {
    let mut wq = windows::table
        .filter(windows::hall_id.eq(hall.id).and(windows::active.eq(true)))
        .order(windows::number)
        .into_boxed();
    if let Some(d) = scope.department() {
        wq = wq.filter(windows::department_id.eq(d));
    }
    let list: Vec<Window> = wq.select(Window::as_select()).load(conn)?;
    let current: Vec<(Option<WindowId>, String)> = tickets::table
        .filter(tickets::hall_id.eq(hall.id).and(tickets::day.eq(today)))
        .filter(tickets::status.eq_any(strs(&[TicketStatus::Called, TicketStatus::Serving])))
        .select((tickets::window_id, tickets::number))
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|w| WindowState {
            staffed: w.current_clerk_id.is_some(),
            paused: w.paused,
            current: current
                .iter()
                .find(|(id, _)| *id == Some(w.id))
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            number: w.number,
            name: w.name,
        })
        .collect())
}

/// Today's tickets of the manager's items in these statuses.
fn tickets_in(
    conn: &mut DbConn,
    scope: &Scope,
    hall: &Hall,
    today: NaiveDate,
    statuses: &[TicketStatus],
) -> QueryResult<Vec<Ticket>> {
    let mut q = tickets::table
        .inner_join(service_items::table)
        .filter(tickets::hall_id.eq(hall.id).and(tickets::day.eq(today)))
        .filter(tickets::status.eq_any(strs(statuses)))
        .into_boxed();
    if let Some(d) = scope.department() {
        q = q.filter(service_items::department_id.eq(d));
    }
    q.select(Ticket::as_select()).load(conn)
}

/// Active items of the manager's that no active window serves.
fn unserved_items(conn: &mut DbConn, scope: &Scope, hall: &Hall) -> QueryResult<i64> {
    let served = crate::catalog::repo::served_services(conn, Some(hall.id))?;
    let mut q = service_items::table
        .filter(service_items::hall_id.eq(hall.id))
        .filter(service_items::active.eq(true))
        .select(service_items::id)
        .into_boxed();
    if let Some(d) = scope.department() {
        q = q.filter(service_items::department_id.eq(d));
    }
    Ok(q.load::<ServiceId>(conn)?
        .iter()
        .filter(|i| !served.contains(i))
        .count() as i64)
}

fn today_view(
    conn: &mut DbConn,
    scope: &Scope,
    ctx: PageCtx,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> AppResult<TodayPage> {
    let hall = scope.hall_for(conn, None)?;
    let today = crate::clock::local(now, tz).date();
    let queued = tickets_in(conn, scope, &hall, today, TicketStatus::QUEUED)?;
    let board = crate::queue::display::board_state(conn, &hall, now, tz)?;
    let zones = board
        .zones
        .into_iter()
        .map(|z| {
            let n = queued.iter().filter(|t| t.letter == z.letter).count() as i64;
            (z.letter, z.name, n)
        })
        .collect();
    Ok(TodayPage {
        windows: window_states(conn, scope, &hall, today)?,
        longest_wait: queued
            .iter()
            .map(|t| (now - t.issued_at).num_minutes())
            .max()
            .unwrap_or(0),
        waiting: queued.len() as i64,
        served: tickets_in(conn, scope, &hall, today, &[TicketStatus::Completed])?.len() as i64,
        breaches: stats::breaches_today(conn, Some(hall.id), scope.department(), today, now)?,
        unserved: unserved_items(conn, scope, &hall)?,
        flagged: flagged_today(conn, &hall, scope.department(), today, now)?,
        cases: crate::cases::alerts::by_department(conn, Some(hall.id), scope.department(), today)?
            .into_iter()
            .filter(|d| d.any())
            .collect(),
        escalated: crate::ratings::follow_up::escalated_count(conn, hall.id, scope.department())?,
        zones,
        ctx,
        hall,
    })
}

async fn today_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let page = state
        .db
        .run(move |conn| today_view(conn, &scope, ctx, now, tz))
        .await?;
    private_page(StatusCode::OK, &page)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/admin").route(web::get().to(today_page)))
        .service(web::resource("/admin/today").route(web::get().to(today_page)));
}
