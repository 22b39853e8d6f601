//! The hall's self-service kiosk (`/kiosk`, no sign-in): check in with a
//! booking code, take a walk-in ticket, and rate a finished visit.

use super::events::EventBus;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::error::QueueError;
use super::events::HallEvent;
use super::issue;
use super::json::TicketJson;
use super::walk_in::{walk_in, walk_in_confirm, walk_in_form};
use crate::accounts::Identity;
use crate::booking::code;
use crate::catalog::repo::{self as catalog_repo};
use crate::db::DbConn;
use crate::db::ids::TicketId;
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::{Bucket, caller_key};
use crate::web::{AppState, PageCtx};

/// The kiosk's hall: a paired kiosk's own, else the default hall.
pub fn kiosk_hall(conn: &mut DbConn, identity: &Identity) -> Result<Hall, AppError> {
    let paired = identity
        .device
        .as_ref()
        .filter(|d| d.kind == crate::accounts::device::DeviceKind::Kiosk);
    match paired {
        Some(d) => hall_repo::find_hall(conn, d.hall_id)?,
        None => hall_repo::default_hall(conn)?,
    }
    .ok_or(AppError::NotFound)
}

pub fn throttled(state: &AppState, req: &HttpRequest) -> Result<(), AppError> {
    if state.throttle.allow(Bucket::Kiosk, &caller_key(req)) {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

#[derive(Template)]
#[template(path = "queue/kiosk_home.html")]
struct KioskHome {
    ctx: PageCtx,
    hall: Hall,
}

#[get("/kiosk")]
async fn kiosk_home(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let hall = state
        .db
        .run(move |conn| kiosk_hall(conn, &identity))
        .await?;
    private_page(StatusCode::OK, &KioskHome { ctx, hall })
}

#[derive(Template)]
#[template(path = "queue/kiosk_checkin.html")]
struct CheckinPage {
    ctx: PageCtx,
    code: String,
    error: String,
    walk_in_service: Option<i32>,
}

#[get("/kiosk/checkin")]
async fn checkin_form(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    private_page(
        StatusCode::OK,
        &CheckinPage {
            ctx,
            code: String::new(),
            error: String::new(),
            walk_in_service: None,
        },
    )
}

#[derive(Deserialize)]
struct CheckinForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    phone_last4: String,
}

#[post("/kiosk/checkin")]
async fn checkin(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<CheckinForm>,
) -> Result<HttpResponse, AppError> {
    throttled(&state, &req)?;
    let device = identity.device.clone();
    let typed: String = form.code.chars().take(20).collect();
    let (Some(code), Ok(last4)) = (
        code::normalise(&form.code),
        crate::accounts::validate::phone_last4(&form.phone_last4),
    ) else {
        let error = ctx.t("kiosk-checkin-bad-input");
        return private_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &CheckinPage {
                ctx,
                code: typed,
                error,
                walk_in_service: None,
            },
        );
    };
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let lookup = code.clone();
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            // A paired kiosk checks in its own hall's bookings only.
            if let Some(b) = crate::booking::repo::find_by_code(conn, &code)?
                && crate::accounts::device::check_hall(device.as_ref(), b.hall_id).is_err()
            {
                return Ok(Err(None));
            }
            Ok(issue::check_in(conn, &code, &last4, now, tz).map_err(Some))
        })
        .await?;
    match result {
        Ok((ticket, new)) => {
            if new {
                bus.publish(
                    &state.db,
                    vec![HallEvent::Queue {
                        hall_id: ticket.hall_id,
                    }],
                )
                .await;
            }
            Ok(see_other(&format!("/kiosk/ticket/{}", ticket.id)))
        }
        Err(None) => {
            let error = ctx.t("kiosk-checkin-other-hall");
            private_page(
                StatusCode::CONFLICT,
                &CheckinPage {
                    ctx,
                    code: typed,
                    error,
                    walk_in_service: None,
                },
            )
        }
        Err(Some(QueueError::Db(f))) => Err(f.into()),
        Err(Some(e)) => {
            // A late arrival is offered a walk-in ticket for the same item.
            let walk_in_service = if e == QueueError::TooLate {
                state
                    .db
                    .run(move |conn| -> AppResult<_> {
                        Ok(crate::booking::repo::find_by_code(conn, &lookup)?
                            .map(|b| b.service_id.0))
                    })
                    .await?
            } else {
                None
            };
            let error = match &e {
                QueueError::TooEarly(m) => ctx.tn("queue-error-too-early", *m),
                other => ctx.t(other.message_key()),
            };
            let status = if e == QueueError::NotFound {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::CONFLICT
            };
            private_page(
                status,
                &CheckinPage {
                    ctx,
                    code: typed,
                    error,
                    walk_in_service,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "queue/ticket.html")]
struct TicketPage {
    ctx: PageCtx,
    t: TicketJson,
    status_line: String,
    wait_line: String,
    windows: Vec<i32>,
    priority: String,
    zone: String,
}

#[get("/kiosk/ticket/{id}")]
async fn ticket_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    id: web::Path<TicketId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (t, windows, zone) = state
        .db
        .run(move |conn| -> AppResult<_> {
            use crate::db::schema::{tickets, zones};
            use diesel::prelude::*;
            let ticket = tickets::table
                .find(id)
                .select(super::models::Ticket::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            let windows: Vec<i32> = catalog_repo::windows_serving(conn, ticket.service_id)?
                .into_iter()
                .map(|w| w.window.number)
                .collect();
            let zone: String = zones::table
                .filter(
                    zones::hall_id
                        .eq(ticket.hall_id)
                        .and(zones::letter.eq(&ticket.letter)),
                )
                .select(zones::name)
                .first(conn)
                .optional()?
                .unwrap_or_default();
            // A public page: never the booking code.
            Ok((
                TicketJson::load(conn, ticket, now, tz, false)?,
                windows,
                zone,
            ))
        })
        .await?;
    let priority = t
        .priority_reason
        .as_deref()
        .map(|r| ctx.t(&format!("priority-{r}")))
        .unwrap_or_default();
    let status_line = match (t.window_number, t.position) {
        (Some(w), _)
            if !t.status.is_queued()
                && matches!(
                    t.status,
                    super::models::TicketStatus::Called | super::models::TicketStatus::Serving
                ) =>
        {
            ctx.tn("ticket-go-to-window", w)
        }
        (_, Some(p)) => ctx.tn("ticket-ahead", p),
        _ => ctx.t("ticket-finished"),
    };
    let wait_line = match (t.position, t.estimated_wait_minutes) {
        (_, Some(w)) => ctx.tn("ticket-wait", w),
        (Some(_), None) => ctx.t("ticket-no-open-window"),
        (None, None) => String::new(),
    };
    private_page(
        StatusCode::OK,
        &TicketPage {
            ctx,
            t,
            status_line,
            wait_line,
            windows,
            priority,
            zone,
        },
    )
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(kiosk_home)
        .service(checkin_form)
        .service(checkin)
        .service(walk_in_form)
        .service(walk_in_confirm)
        .service(walk_in)
        .service(ticket_page);
}
