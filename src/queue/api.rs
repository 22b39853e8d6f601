//! Kiosk, ticket, window and calling-board endpoints of `/api/v1`.

use super::events::EventBus;
use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use diesel::prelude::*;
use serde::Deserialize;

use super::calls::ActionInput;
use super::desk;
use super::issue;
use super::json::{TicketJson, latest_calls};
use super::models::{PriorityReason, Ticket};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::booking::code;
use crate::db::ids::{HallId, ServiceId, TicketId, WindowId};
use crate::db::schema::{bookings, tickets};
use crate::error::{AppError, AppResult};
use crate::web::AppState;
use crate::web::throttle::{Bucket, client_ip};

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
            let (t, new) = issue::check_in(conn, &code, &last4, now, tz)?;
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
            let t = issue::walk_in(conn, service, priority, now, tz)?;
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
    id: web::Path<TicketId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
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
    window: web::Path<WindowId>,
) -> Result<HttpResponse, AppError> {
    let clerk = identity.require(&[Role::Clerk])?.account.clone();
    let (now, tz, ip) = (state.clock.now_utc(), state.tz(), client_ip(&req));
    let window = window.into_inner();
    let (json, events) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let (t, events) = desk::call(conn, &clerk, &ip, Some(window), now, tz)?;
            let json = t
                .map(|t| TicketJson::load(conn, t, now, tz, true))
                .transpose()?;
            Ok((json, events))
        })
        .await?;
    bus.publish(&state.db, events).await;
    Ok(match json {
        Some(j) => HttpResponse::Ok().json(j),
        None => HttpResponse::NoContent().finish(),
    })
}

#[post("/tickets/{id}/{action}")]
async fn ticket_action(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
    path: web::Path<(TicketId, String)>,
    body: Option<web::Json<ActionInput>>,
) -> Result<HttpResponse, AppError> {
    let clerk = identity.require(&[Role::Clerk])?.account.clone();
    let (id, name) = path.into_inner();
    let action = body
        .map(|b| b.into_inner())
        .unwrap_or_default()
        .into_action(&name)?;
    let (now, tz, ip) = (state.clock.now_utc(), state.tz(), client_ip(&req));
    let (json, events) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let done = desk::perform(conn, &clerk, &ip, id, action, now, tz)?;
            let json = TicketJson::load(conn, done.decided.ticket, now, tz, true)?;
            Ok((json, done.decided.events))
        })
        .await?;
    bus.publish(&state.db, events).await;
    Ok(HttpResponse::Ok().json(json))
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
