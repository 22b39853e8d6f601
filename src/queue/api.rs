//! Kiosk, ticket, window and calling-board endpoints of `/api/v1`.

use super::events::EventBus;
use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::models::{Outcome, PriorityReason, Ticket, TicketStatus};
use super::service::{self, Action};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::audit::audit_action;
use crate::booking::code;
use crate::db::DbConn;
use crate::db::ids::{HallId, ServiceId, TicketId, WindowId};
use crate::db::schema::{bookings, cases, service_items, tickets, windows};
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::throttle::{Bucket, client_ip};

#[derive(Serialize)]
pub struct TicketJson {
    pub id: TicketId,
    pub number: String,
    pub hall_id: HallId,
    pub service_id: ServiceId,
    pub service_name: String,
    pub status: TicketStatus,
    pub priority_reason: Option<String>,
    pub window_number: Option<i32>,
    /// Given to staff and to the booking's owner only.
    pub booking_code: Option<String>,
    /// The number of the case the visit opened (the contract's `case`).
    pub case: Option<String>,
    pub case_number: Option<String>,
    pub position: Option<i64>,
    pub estimated_wait_minutes: Option<i64>,
    pub issued_at: String,
}

impl TicketJson {
    /// `show_code`: whether the viewer may see the booking code (staff,
    /// the booking's owner, or the kiosk user who just typed it).
    pub fn load(
        conn: &mut DbConn,
        t: Ticket,
        now: NaiveDateTime,
        tz: chrono_tz::Tz,
        show_code: bool,
    ) -> Result<TicketJson, AppError> {
        let service_name: String = service_items::table
            .find(t.service_id)
            .select(service_items::name)
            .first(conn)?;
        let window_number = match t.window_id {
            Some(w) => Some(windows::table.find(w).select(windows::number).first(conn)?),
            None => None,
        };
        let booking_code = match t.booking_id {
            Some(b) if show_code => {
                Some(bookings::table.find(b).select(bookings::code).first(conn)?)
            }
            _ => None,
        };
        let case_number = cases::table
            .filter(cases::ticket_id.eq(t.id))
            .select(cases::case_number)
            .first(conn)
            .optional()?;
        let (position, wait) = if t.status.is_queued() {
            let place = service::place_of(conn, &t, now)?;
            (Some(place.ahead), place.wait)
        } else {
            (None, None)
        };
        Ok(TicketJson {
            id: t.id,
            number: t.number,
            hall_id: t.hall_id,
            service_id: t.service_id,
            service_name,
            status: t.status,
            priority_reason: t.priority_reason,
            window_number,
            booking_code,
            case: case_number.clone(),
            case_number,
            position,
            estimated_wait_minutes: wait,
            issued_at: crate::clock::rfc3339(t.issued_at, tz),
        })
    }
}

fn kiosk_allowed(state: &AppState, req: &HttpRequest) -> Result<(), AppError> {
    if state.throttle.allow(Bucket::Kiosk, &client_ip(req)) {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

#[derive(Deserialize)]
struct CheckinBody {
    code: String,
    phone_last4: String,
}

#[post("/checkin")]
async fn checkin(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    body: web::Json<CheckinBody>,
) -> Result<HttpResponse, AppError> {
    kiosk_allowed(&state, &req)?;
    let code = code::normalise(&body.code).ok_or(AppError::NotFound)?;
    let last4 = crate::accounts::validate::phone_last4(&body.phone_last4)
        .map_err(|_| AppError::invalid("invalid_phone_last4", "phone_last4 must be 4 digits"))?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (json, hall, new) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let (t, new) = service::check_in(conn, &code, &last4, now, tz)?;
            let hall = t.hall_id;
            Ok((TicketJson::load(conn, t, now, tz, true)?, hall, new))
        })
        .await?;
    if new {
        bus.publish(
            &state.db,
            vec![super::events::HallEvent::Queue { hall_id: hall }],
        )
        .await;
    }
    Ok(HttpResponse::Created().json(json))
}

#[derive(Deserialize)]
struct WalkInBody {
    service_id: i32,
    priority_reason: Option<String>,
}

#[post("/tickets")]
async fn walk_in(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    body: web::Json<WalkInBody>,
) -> Result<HttpResponse, AppError> {
    kiosk_allowed(&state, &req)?;
    let priority = match body.priority_reason.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(r.parse::<PriorityReason>().map_err(|_| {
            AppError::invalid(
                "invalid_priority_reason",
                "priority_reason must be elderly, disabled, pregnant or military",
            )
        })?),
        None => None,
    };
    let service = ServiceId(body.service_id);
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let json = state
        .db
        .run(move |conn| {
            let t = service::walk_in(conn, service, priority, now, tz)?;
            TicketJson::load(conn, t, now, tz, false)
        })
        .await?;
    bus.publish(
        &state.db,
        vec![super::events::HallEvent::Queue {
            hall_id: json.hall_id,
        }],
    )
    .await;
    Ok(HttpResponse::Created().json(json))
}

#[get("/tickets/{id}")]
async fn show(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id: TicketId = id.parse().map_err(|_| AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let viewer = identity.user.map(|u| u.account);
    let json = state
        .db
        .run(move |conn| {
            let t = tickets::table
                .find(id)
                .select(Ticket::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            let show_code = match &viewer {
                Some(a) if a.role == Role::Admin => true,
                Some(a) if a.role.is_staff() => a.hall_id == Some(t.hall_id),
                Some(a) => match t.booking_id {
                    Some(b) => {
                        bookings::table
                            .find(b)
                            .select(bookings::account_id)
                            .first::<crate::db::ids::AccountId>(conn)?
                            == a.id
                    }
                    None => false,
                },
                None => false,
            };
            TicketJson::load(conn, t, now, tz, show_code)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

#[post("/windows/{id}/call-next")]
async fn call_next(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let clerk = identity.require(&[Role::Clerk])?.account.clone();
    let window: WindowId = id.parse().map_err(|_| AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let clerk_id = clerk.id;
    let assigned = clerk.window_id;
    let result = state
        .db
        .run(move |conn| {
            // A clerk's own assigned window is taken on first use.
            if assigned == Some(window)
                && service::window_of_clerk(conn, clerk_id)?.map(|w| w.id) != Some(window)
            {
                service::take_window(conn, window, clerk_id, now)?;
            }
            let (t, events) = service::call_next(conn, window, clerk_id, now, tz)?;
            let json = t
                .map(|t| TicketJson::load(conn, t, now, tz, true))
                .transpose()?;
            Ok((json, events))
        })
        .await;
    audit_action(
        &state,
        clerk.actor(&client_ip(&req)),
        "ticket.call_next",
        format!("window:{window}"),
        &result,
    )
    .await;
    let (json, events) = result?;
    bus.publish(&state.db, events).await;
    Ok(match json {
        Some(j) => HttpResponse::Ok().json(j),
        None => HttpResponse::NoContent().finish(),
    })
}

#[derive(Deserialize, Default)]
pub struct ActionBody {
    pub outcome: Option<String>,
    #[serde(default)]
    pub missing_materials: Vec<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub phone_last4: String,
    pub window_number: Option<i32>,
    pub service_id: Option<i32>,
}

pub fn parse_action(name: &str, body: &ActionBody) -> Result<Action, AppError> {
    Ok(match name {
        "recall" => Action::Recall,
        "start" => Action::Start,
        "no-show" => Action::NoShow,
        "complete" => Action::Complete {
            outcome: body
                .outcome
                .as_deref()
                .and_then(|o| o.parse::<Outcome>().ok())
                .ok_or_else(|| {
                    AppError::invalid(
                        "invalid_outcome",
                        "outcome must be done, accepted, incomplete or refused",
                    )
                })?,
            missing: body
                .missing_materials
                .iter()
                .map(|m| crate::text::clean_line(m, 100))
                .filter(|m| !m.is_empty())
                .take(50)
                .collect(),
            reason: body.reason.clone(),
            phone_last4: body.phone_last4.clone(),
        },
        "transfer" => match (body.window_number, body.service_id) {
            (Some(n), None) => Action::TransferToWindow(n),
            (None, Some(s)) => Action::TransferToService(ServiceId(s)),
            _ => {
                return Err(AppError::invalid(
                    "invalid_transfer",
                    "give window_number or service_id",
                ));
            }
        },
        _ => return Err(AppError::NotFound),
    })
}

#[post("/tickets/{id}/{action}")]
async fn ticket_action(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
    path: web::Path<(String, String)>,
    body: Option<web::Json<ActionBody>>,
) -> Result<HttpResponse, AppError> {
    let clerk = identity.require(&[Role::Clerk])?.account.clone();
    let (id, name) = path.into_inner();
    let id: TicketId = id.parse().map_err(|_| AppError::NotFound)?;
    let body = body.map(|b| b.into_inner()).unwrap_or_default();
    let action = parse_action(&name, &body)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let clerk_id = clerk.id;
    let result = state
        .db
        .run(move |conn| {
            let acted = service::act(conn, id, clerk_id, action, now, tz)?;
            Ok((
                TicketJson::load(conn, acted.ticket, now, tz, true)?,
                acted.events,
            ))
        })
        .await;
    audit_action(
        &state,
        clerk.actor(&client_ip(&req)),
        &format!("ticket.{name}"),
        format!("ticket:{id}"),
        &result,
    )
    .await;
    let (json, events) = result?;
    bus.publish(&state.db, events).await;
    Ok(HttpResponse::Ok().json(json))
}

#[derive(Serialize)]
pub struct CallJson {
    pub number: String,
    pub window_number: i32,
    pub called_at: String,
}

/// The latest calls of a hall today, newest first.
pub fn latest_calls(
    conn: &mut DbConn,
    hall: HallId,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
    limit: i64,
) -> QueryResult<Vec<CallJson>> {
    let today = service::local(now, tz).date();
    let rows: Vec<(String, i32, Option<NaiveDateTime>)> = tickets::table
        .inner_join(windows::table.on(tickets::window_id.eq(windows::id.nullable())))
        .filter(tickets::hall_id.eq(hall))
        .filter(tickets::day.eq(today))
        .filter(tickets::called_at.is_not_null())
        .order(tickets::called_at.desc())
        .limit(limit)
        .select((tickets::number, windows::number, tickets::called_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(number, window_number, at)| CallJson {
            number,
            window_number,
            called_at: at.map(|a| crate::clock::rfc3339(a, tz)).unwrap_or_default(),
        })
        .collect())
}

#[get("/display")]
async fn display(
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let hall = params
        .get("hall_id")
        .map(|h| h.parse::<HallId>())
        .transpose()
        .map_err(|_| AppError::invalid("invalid_parameter", "hall_id must be a number"))?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let calls = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = match hall {
                Some(h) => {
                    crate::hall::repo::find_hall(conn, h)?
                        .ok_or(AppError::NotFound)?
                        .id
                }
                None => {
                    crate::hall::repo::default_hall(conn)?
                        .ok_or(AppError::NotFound)?
                        .id
                }
            };
            Ok(latest_calls(conn, hall, now, tz, 20)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(calls))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(checkin)
        .service(walk_in)
        .service(show)
        .service(call_next)
        .service(ticket_action)
        .service(display);
}
