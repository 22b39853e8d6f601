//! The clerk's workstation (`/clerk`): take the window, call the next
//! ticket, recall, start, complete with an outcome, mark a no-show,
//! transfer, pause and resume. Every action is a POST with a CSRF token and
//! leaves an audit row; the page comes back (POST-redirect-GET) with what
//! happened.

use super::events::EventBus;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::models::{Outcome, Ticket, TicketStatus};
use super::service::{self, Action, QueueError, local};
use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::audit::audit_action;
use crate::catalog::models::{Material, Window};
use crate::catalog::repo as catalog_repo;
use crate::db::DbConn;
use crate::db::ids::{ServiceId, TicketId, WindowId};
use crate::db::schema::{accounts, bookings, service_items, tickets, window_services, windows};
use crate::error::{AppError, AppResult};
use crate::pii::mask_name;
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::urlencode;
use crate::web::{AppState, PageCtx};

pub struct QueueRow {
    pub number: String,
    pub item: String,
    pub waited: i64,
    pub priority: bool,
    pub appointment: bool,
    pub transferred: bool,
}

pub struct Current {
    pub t: Ticket,
    pub item: String,
    pub applicant: String,
    pub booking_code: String,
    pub priority: String,
    pub materials: Vec<Material>,
}

pub struct Counts {
    pub called: i64,
    pub completed: i64,
    pub no_show: i64,
    pub avg_minutes: i64,
}

#[derive(Template)]
#[template(path = "queue/clerk.html")]
struct ClerkPage {
    ctx: PageCtx,
    window: Option<Window>,
    choices: Vec<Window>,
    current: Option<Current>,
    queue: Vec<QueueRow>,
    counts: Counts,
    transfer_windows: Vec<service::TransferTarget>,
    transfer_items: Vec<(i32, String)>,
    message: String,
    error: String,
    notice_ticket: Option<i32>,
    case_number: String,
}

fn clerk_of(identity: &Identity) -> Result<Account, AppError> {
    Ok(identity.require(&[Role::Clerk])?.account.clone())
}

fn counts(conn: &mut DbConn, window: WindowId, today: chrono::NaiveDate) -> QueryResult<Counts> {
    let rows: Vec<(
        String,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    )> = tickets::table
        .filter(tickets::window_id.eq(window).and(tickets::day.eq(today)))
        .select((tickets::status, tickets::started_at, tickets::finished_at))
        .load(conn)?;
    let completed: Vec<i64> = rows
        .iter()
        .filter(|(s, _, _)| s == TicketStatus::Completed.as_str())
        .filter_map(|(_, s, f)| {
            Some((f.as_ref()?.signed_duration_since(*s.as_ref()?)).num_minutes())
        })
        .collect();
    Ok(Counts {
        called: rows.len() as i64,
        completed: completed.len() as i64,
        no_show: rows
            .iter()
            .filter(|(s, _, _)| s == TicketStatus::NoShow.as_str())
            .count() as i64,
        avg_minutes: if completed.is_empty() {
            0
        } else {
            completed.iter().sum::<i64>() / completed.len() as i64
        },
    })
}

#[derive(Deserialize, Default)]
struct Flash {
    done: Option<String>,
    error: Option<String>,
    notice: Option<i32>,
    case: Option<String>,
}

#[get("/clerk")]
async fn workstation(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let flash = flash.into_inner();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let window = service::window_of_clerk(conn, clerk.id)?;
            let today = local(now, tz).date();
            let mut choices: Vec<Window> = Vec::new();
            if window.is_none() {
                let mut q = windows::table.filter(windows::active.eq(true)).into_boxed();
                q = match (clerk.window_id, clerk.department_id) {
                    (Some(w), _) => q.filter(windows::id.eq(w)),
                    (None, Some(d)) => q.filter(windows::department_id.eq(d)),
                    (None, None) => q.filter(windows::id.eq(-1)),
                };
                choices = q
                    .order(windows::number)
                    .select(Window::as_select())
                    .load(conn)?;
            }
            let (current, queue, counts_today, transfer_windows, transfer_items) = match &window {
                Some(w) => {
                    let current = match service::current_ticket(conn, w.id)? {
                        Some(t) => Some(describe(conn, t, ctx.lang)?),
                        None => None,
                    };
                    let queue = service::queue_for_window(conn, w, now, tz)?
                        .into_iter()
                        .map(|t| -> QueryResult<QueueRow> {
                            Ok(QueueRow {
                                item: service_items::table
                                    .find(t.service_id)
                                    .select(service_items::name)
                                    .first(conn)?,
                                waited: (now - t.queue_since).num_minutes(),
                                priority: t.priority_reason.is_some(),
                                appointment: t.appointment_at.is_some(),
                                transferred: t.status == TicketStatus::Transferred,
                                number: t.number,
                            })
                        })
                        .collect::<QueryResult<Vec<_>>>()?;
                    // Only windows that can serve the item, with who is
                    // there and how long their queue is; only items some
                    // staffed window serves.
                    let tw = match service::current_ticket(conn, w.id)? {
                        Some(t) => service::transfer_targets(conn, &t, w.id, now, tz)?,
                        None => Vec::new(),
                    };
                    let ti = service_items::table
                        .filter(
                            service_items::hall_id
                                .eq(w.hall_id)
                                .and(service_items::active.eq(true)),
                        )
                        .filter(diesel::dsl::exists(
                            window_services::table
                                .inner_join(windows::table)
                                .filter(window_services::service_id.eq(service_items::id))
                                .filter(windows::active.eq(true))
                                .filter(windows::current_clerk_id.is_not_null()),
                        ))
                        .order(service_items::code)
                        .select((service_items::id, service_items::name))
                        .load::<(ServiceId, String)>(conn)?
                        .into_iter()
                        .map(|(id, name)| (id.0, name))
                        .collect();
                    (current, queue, counts(conn, w.id, today)?, tw, ti)
                }
                None => (
                    None,
                    Vec::new(),
                    Counts {
                        called: 0,
                        completed: 0,
                        no_show: 0,
                        avg_minutes: 0,
                    },
                    Vec::new(),
                    Vec::new(),
                ),
            };
            Ok(ClerkPage {
                message: flash
                    .done
                    .as_deref()
                    .map(|d| ctx.t(&format!("clerk-done-{d}")))
                    .unwrap_or_default(),
                error: flash
                    .error
                    .as_deref()
                    .map(|e| {
                        let key = format!("queue-error-{}", e.replace('_', "-"));
                        if ctx.lang.has(&key) {
                            ctx.t(&key)
                        } else {
                            ctx.t("queue-error-other")
                        }
                    })
                    .unwrap_or_default(),
                notice_ticket: flash.notice,
                case_number: flash.case.unwrap_or_default(),
                ctx,
                window,
                choices,
                current,
                queue,
                counts: counts_today,
                transfer_windows,
                transfer_items,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

fn describe(conn: &mut DbConn, t: Ticket, lang: crate::i18n::Lang) -> QueryResult<Current> {
    let item: String = service_items::table
        .find(t.service_id)
        .select(service_items::name)
        .first(conn)?;
    let (applicant, booking_code) = match t.booking_id {
        Some(b) => {
            let (code, account): (String, crate::db::ids::AccountId) = bookings::table
                .find(b)
                .select((bookings::code, bookings::account_id))
                .first(conn)?;
            let name: String = accounts::table
                .find(account)
                .select(accounts::name)
                .first(conn)?;
            (mask_name(&name), crate::booking::code::display(&code))
        }
        None => (String::new(), String::new()),
    };
    Ok(Current {
        materials: catalog_repo::materials_of(conn, t.service_id)?,
        priority: t
            .priority_reason
            .as_deref()
            .map(|r| lang.t(&format!("priority-{r}")))
            .unwrap_or_default(),
        item,
        applicant,
        booking_code,
        t,
    })
}

/// After an action: back to the workstation with what happened.
fn back(result: &Result<String, AppError>) -> HttpResponse {
    match result {
        Ok(query) => see_other(&format!("/clerk?{query}")),
        Err(e) => see_other(&format!("/clerk?error={}", urlencode::encode(e.code()))),
    }
}

#[derive(Deserialize)]
struct TakeForm {
    window_id: i32,
}

#[post("/clerk/take")]
async fn take(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    form: web::Form<TakeForm>,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let window = WindowId(form.window_id);
    let (id, assigned, dept) = (clerk.id, clerk.window_id, clerk.department_id);
    let now = state.clock.now_utc();
    let result = state
        .db
        .run(move |conn| {
            let w: Window = windows::table
                .find(window)
                .select(Window::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            // Their assigned window, or (when none is assigned) one of their department's.
            let allowed = match assigned {
                Some(a) => a == w.id,
                None => dept == Some(w.department_id),
            };
            if !allowed {
                return Err(QueueError::NotYourWindow.into());
            }
            service::take_window(conn, w.id, id, now)?;
            Ok("done=taken".to_string())
        })
        .await;
    audit_action(
        &state,
        clerk.actor(&client_ip(&req)),
        "window.take",
        format!("window:{window}"),
        &result,
    )
    .await;
    Ok(back(&result))
}

async fn window_action(
    state: &AppState,
    req: &HttpRequest,
    clerk: &Account,
    name: &'static str,
) -> HttpResponse {
    let id = clerk.id;
    let now = state.clock.now_utc();
    let result = state
        .db
        .run(move |conn| {
            let w = service::window_of_clerk(conn, id)?.ok_or(QueueError::NotYourWindow)?;
            match name {
                "leave" => service::leave_window(conn, w.id, id, now)?,
                "pause" => service::set_paused(conn, w.id, id, true)?,
                _ => service::set_paused(conn, w.id, id, false)?,
            }
            Ok(format!("done={name}"))
        })
        .await;
    audit_action(
        state,
        clerk.actor(&client_ip(req)),
        &format!("window.{name}"),
        String::new(),
        &result,
    )
    .await;
    back(&result)
}

#[post("/clerk/leave")]
async fn leave(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    Ok(window_action(&state, &req, &clerk, "leave").await)
}

#[post("/clerk/pause")]
async fn pause(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    Ok(window_action(&state, &req, &clerk, "pause").await)
}

#[post("/clerk/resume")]
async fn resume(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    Ok(window_action(&state, &req, &clerk, "resume").await)
}

#[post("/clerk/call-next")]
async fn call_next(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let id = clerk.id;
    let result = state
        .db
        .run(move |conn| {
            let w = service::window_of_clerk(conn, id)?.ok_or(QueueError::NotYourWindow)?;
            Ok(service::call_next(conn, w.id, id, now, tz)?)
        })
        .await;
    let mapped = result.map(|(t, events)| (t.map(|t| t.number), events));
    audit_action(
        &state,
        clerk.actor(&client_ip(&req)),
        "ticket.call_next",
        String::new(),
        &mapped,
    )
    .await;
    let outcome = match mapped {
        Ok((Some(number), events)) => {
            bus.publish(&state.db, events).await;
            Ok(format!("done=called&n={}", urlencode::encode(&number)))
        }
        Ok((None, _)) => Ok("done=empty".to_string()),
        Err(e) => Err(e),
    };
    Ok(back(&outcome))
}

/// Form fields, possibly repeated (the missing materials are checkboxes).
type Fields = web::Form<Vec<(String, String)>>;

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn action_from(name: &str, fields: &[(String, String)]) -> Result<Action, AppError> {
    let body = super::api::ActionBody {
        outcome: field(fields, "outcome").map(str::to_string),
        missing_materials: fields
            .iter()
            .filter(|(k, _)| k == "missing")
            .map(|(_, v)| v.clone())
            .collect(),
        reason: field(fields, "reason").unwrap_or_default().to_string(),
        phone_last4: field(fields, "phone_last4").unwrap_or_default().to_string(),
        window_number: field(fields, "window_number")
            .filter(|v| !v.is_empty())
            .and_then(|v| v.parse().ok()),
        service_id: field(fields, "service_id")
            .filter(|v| !v.is_empty())
            .and_then(|v| v.parse().ok()),
    };
    super::api::parse_action(name, &body)
}

#[post("/clerk/tickets/{id}/{action}")]
async fn ticket_action(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
    path: web::Path<(String, String)>,
    fields: Fields,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let (id, name) = path.into_inner();
    let id: TicketId = id.parse().map_err(|_| AppError::NotFound)?;
    let action = match action_from(&name, &fields) {
        Ok(a) => a,
        Err(e) => return Ok(back(&Err(e))),
    };
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let clerk_id = clerk.id;
    let outcome = match &action {
        Action::Complete { outcome, .. } => Some(*outcome),
        _ => None,
    };
    let is_incomplete = outcome == Some(Outcome::Incomplete);
    let result = state
        .db
        .run(move |conn| Ok(service::act(conn, id, clerk_id, action, now, tz)?))
        .await;
    let mapped = result.map(|acted| (acted.events, acted.case_number));
    audit_action(
        &state,
        clerk.actor(&client_ip(&req)),
        &format!("ticket.{name}"),
        format!("ticket:{id}"),
        &mapped,
    )
    .await;
    let outcome = match mapped {
        Ok((events, case)) => {
            bus.publish(&state.db, events).await;
            // The message names what was recorded: 办结, 受理, 补正 or 不予受理.
            let mut q = match outcome {
                Some(o) => format!("done=complete_{}", o.as_str()),
                None => format!("done={}", name.replace('-', "_")),
            };
            if is_incomplete {
                q.push_str(&format!("&notice={id}"));
            }
            if let Some(c) = case {
                q.push_str(&format!("&case={}", urlencode::encode(&c)));
            }
            Ok(q)
        }
        Err(e) => Err(e),
    };
    Ok(back(&outcome))
}

#[derive(Template)]
#[template(path = "queue/notice.html")]
struct NoticePage {
    ctx: PageCtx,
    number: String,
    item: String,
    department: String,
    phone: String,
    missing: Vec<String>,
    date: String,
    window_number: i32,
}

/// The printable 一次性补正告知书: every missing material, once.
#[get("/clerk/notice/{id}")]
async fn notice(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let id: TicketId = id.parse().map_err(|_| AppError::NotFound)?;
    let tz = state.tz();
    let page = state
        .db
        .run(move |conn| {
            let t = service::find(conn, id)
                .optional()?
                .ok_or(AppError::NotFound)?;
            if t.outcome.as_deref() != Some(Outcome::Incomplete.as_str())
                || clerk.hall_id != Some(t.hall_id)
            {
                return Err(AppError::NotFound);
            }
            let item = catalog_repo::find_service(conn, t.service_id)?.ok_or(AppError::NotFound)?;
            let department = catalog_repo::find_department(conn, item.department_id)?
                .ok_or(AppError::NotFound)?;
            let window_number: i32 = match t.window_id {
                Some(w) => windows::table.find(w).select(windows::number).first(conn)?,
                None => 0,
            };
            Ok(NoticePage {
                number: t.number.clone(),
                item: item.name,
                department: department.name,
                phone: department.phone,
                missing: t
                    .outcome_note
                    .split('；')
                    .map(str::to_string)
                    .filter(|s| !s.is_empty())
                    .collect(),
                date: t
                    .finished_at
                    .map(|f| crate::clock::to_local(f, tz).format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                window_number,
                ctx,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(workstation)
        .service(take)
        .service(leave)
        .service(pause)
        .service(resume)
        .service(call_next)
        .service(ticket_action)
        .service(notice);
}
