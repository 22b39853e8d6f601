//! Kiosk, ticket, window and calling-board endpoints of `/api/v1`.

use super::events::EventBus;
use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use super::calls::ActionInput;
use super::desk;
use super::issue;
use super::json::{CallJson, TicketJson, latest_calls};
use super::models::{PriorityReason, Ticket};
use crate::accounts::Identity;
use crate::accounts::device::{DeviceKind, acting_as, check_hall};
use crate::accounts::models::Role;
use crate::booking::code;
use crate::db::ids::{HallId, ServiceId, TicketId, WindowId};
use crate::db::schema::{bookings, tickets};
use crate::error::{AppError, AppResult, BodyErrors, ErrorBody, SignInFirst};
use crate::web::throttle::{Bucket, caller_key, client_ip};
use crate::web::{AppState, idempotency};

fn kiosk_allowed(state: &AppState, req: &HttpRequest) -> Result<(), AppError> {
    if state.throttle.allow(Bucket::Kiosk, &caller_key(req)) {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

#[derive(Deserialize, ToSchema)]
#[schema(as = CheckIn)]
struct CheckinBody {
    /// 预约码
    #[schema(example = "K7M3Q9")]
    code: String,
    #[schema(example = "0001")]
    phone_last4: String,
}

/// 签到取号 / Check a booking in at the hall: its one ticket for the visit.
///
/// Checking in again answers the same ticket (201 both times).
#[utoipa::path(
    tag = "queue",
    request_body = CheckinBody,
    security((), ("device" = [])),
    responses(
        (status = 201, description = "取号成功 / the visit's ticket", body = TicketJson),
        (status = 401, description = "设备令牌无效或已吊销 / `invalid_device_token`", body = ErrorBody),
        (status = 403, description = "非本大厅或非此类设备 / `other_hall`, `wrong_device`", body = ErrorBody),
        BodyErrors,
        (status = 404, description = "无匹配预约 / no booking with this code and phone", body = ErrorBody),
        (status = 409, description = "`too_early`, `too_late`, `invalid_state`, `hall_closed`", body = ErrorBody),
        (status = 422, description = "`invalid_phone_last4`", body = ErrorBody),
        (status = 429, description = "请求过多 / too many kiosk requests", body = ErrorBody),
    ),
)]
#[post("/checkin")]
async fn checkin(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
    body: web::Json<CheckinBody>,
) -> Result<HttpResponse, AppError> {
    kiosk_allowed(&state, &req)?;
    let device = acting_as(&identity, DeviceKind::Kiosk)?.cloned();
    let code = code::normalise(&body.code).ok_or(AppError::NotFound)?;
    let last4 = crate::accounts::validate::phone_last4(&body.phone_last4)
        .map_err(|_| AppError::invalid("invalid_phone_last4", "phone_last4 must be 4 digits"))?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (json, hall, new) = state
        .db
        .run(move |conn| -> AppResult<_> {
            if let Some(b) = crate::booking::repo::find_by_code(conn, &code)? {
                check_hall(device.as_ref(), b.hall_id)?;
            }
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

#[derive(Deserialize, serde::Serialize, ToSchema)]
#[schema(as = WalkIn)]
struct WalkInBody {
    /// The item, for a visit of one item.
    service_id: Option<ServiceId>,
    /// The items of one visit (1–5 of one hall), in place of `service_id`:
    /// one number for all of them, called by a window that serves them all.
    #[schema(max_items = 5, min_items = 1)]
    service_ids: Option<Vec<ServiceId>>,
    /// elderly, disabled, pregnant or military (优先窗口); empty for none.
    #[schema(value_type = Option<PriorityReason>)]
    priority_reason: Option<String>,
}

/// 现场取号 / A walk-in ticket for one item or several in one visit.
///
/// An `Idempotency-Key` header makes a retry safe (a kiosk that lost the
/// answer prints the same number, not a second one).
#[utoipa::path(
    tag = "queue",
    request_body = WalkInBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "重试安全 / a retried request with the same key issues nothing new")),
    security((), ("device" = [])),
    responses(
        (status = 201, description = "取号成功 / the ticket", body = TicketJson),
        (status = 401, description = "设备令牌无效或已吊销 / `invalid_device_token`", body = ErrorBody),
        (status = 403, description = "非本大厅或非此类设备 / `other_hall`, `wrong_device`", body = ErrorBody),
        BodyErrors,
        (status = 404, description = "无此事项 / no such item", body = ErrorBody),
        (status = 409, description = "`quota_reached`, `hall_closed`, `service_not_staffed`, `no_window`, `no_common_window`", body = ErrorBody),
        (status = 422, description = "`invalid_priority_reason`, `invalid_items`, `invalid_idempotency_key`, `idempotency_key_reused`", body = ErrorBody),
        (status = 429, description = "请求过多 / too many kiosk requests", body = ErrorBody),
    ),
)]
#[post("/tickets")]
async fn walk_in(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
    body: web::Json<WalkInBody>,
) -> Result<HttpResponse, AppError> {
    kiosk_allowed(&state, &req)?;
    let device = acting_as(&identity, DeviceKind::Kiosk)?.cloned();
    let priority = match body.priority_reason.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(r.parse::<PriorityReason>().map_err(|_| {
            AppError::invalid(
                "invalid_priority_reason",
                "priority_reason must be elderly, disabled, pregnant or military",
            )
        })?),
        None => None,
    };
    let services = crate::booking::api::visit_items(body.service_id, body.service_ids.as_deref())?;
    let caller = match &device {
        Some(d) => format!("device:{}", d.id),
        None => format!("address:{}", client_ip(&req)),
    };
    let key = idempotency::Key::of(&req, caller, &*body)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (answer, hall) = state
        .db
        .run(move |conn| -> AppResult<_> {
            for s in &services {
                if let Some(item) = crate::catalog::repo::find_service(conn, *s)? {
                    check_hall(device.as_ref(), item.hall_id)?;
                }
            }
            let mut hall = None;
            let answer = idempotency::run(conn, key.as_ref(), now, 201, |conn| {
                let t = issue::walk_in(conn, &services, priority, now, tz)?;
                hall = Some(t.hall_id);
                TicketJson::load(conn, t, now, tz, false)
            })?;
            Ok((answer, hall))
        })
        .await?;
    if let Some(hall_id) = hall {
        bus.publish(&state.db, vec![super::events::HallEvent::Queue { hall_id }])
            .await;
    }
    Ok(answer.respond(actix_web::http::StatusCode::CREATED))
}

/// 排队状态 / A ticket: where it stands and how many are ahead.
///
/// The booking code is shown to staff of the hall and the booking's owner.
#[utoipa::path(
    tag = "queue",
    operation_id = "show_ticket",
    params(("id" = TicketId, Path, description = "票 id / the ticket")),
    responses(
        (status = 200, description = "票 / the ticket", body = TicketJson),
        (status = 404, description = "无此票 / no such ticket", body = ErrorBody),
    ),
)]
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

/// 叫号 / Call the next ticket to the clerk's window.
#[utoipa::path(
    tag = "queue",
    params(("id" = WindowId, Path, description = "窗口 id / the clerk's window")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "已叫号 / the called ticket", body = TicketJson),
        (status = 204, description = "无人等候 / nobody waits for this window"),
        SignInFirst,
        (status = 403, description = "非本窗口人员 / `forbidden`, `not_your_window`, `not_your_ticket`", body = ErrorBody),
        (status = 404, description = "无此窗口 / no such window", body = ErrorBody),
        (status = 409, description = "`window_paused`, `window_busy`, `too_many_calls`, `window_not_staffed`", body = ErrorBody),
    ),
)]
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

/// 窗口操作 / What the clerk does with a called ticket.
///
/// `recall` (重呼), `start` (开始办理), `no-show` (过号), `complete` (办结,
/// with an `outcome`), `transfer` (转窗口 by `window_number` or to another
/// item's queue by `service_id`).
#[utoipa::path(
    tag = "queue",
    params(
        ("id" = TicketId, Path, description = "票 id / the ticket"),
        ("action" = inline(TicketAction), Path, description = "操作 / the action"),
    ),
    request_body(content = Option<ActionInput>, description = "`complete` and `transfer` need one; the others none"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "已完成 / the ticket after the action", body = TicketJson),
        BodyErrors,
        SignInFirst,
        (status = 403, description = "非本窗口人员 / `forbidden`, `not_your_window`, `not_your_ticket`", body = ErrorBody),
        (status = 404, description = "无此票或操作 / no such ticket or action", body = ErrorBody),
        (status = 409, description = "`illegal_transition` and other refusals of the queue", body = ErrorBody),
        (status = 422, description = "`invalid_outcome`, `invalid_transfer`", body = ErrorBody),
    ),
)]
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

/// 叫号屏 / The latest calls of a hall today, newest first.
#[utoipa::path(
    tag = "queue",
    params(("hall_id" = Option<HallId>, Query, description = "大厅, default the seeded one / the hall")),
    security((), ("device" = [])),
    responses(
        (status = 200, description = "最近叫号 / the latest 20 calls", body = [CallJson]),
        (status = 401, description = "设备令牌无效或已吊销 / `invalid_device_token`", body = ErrorBody),
        (status = 403, description = "非本大厅或非此类设备 / `other_hall`, `wrong_device`", body = ErrorBody),
        (status = 404, description = "无此大厅 / no such hall", body = ErrorBody),
        (status = 422, description = "`invalid_parameter`", body = ErrorBody),
    ),
)]
#[get("/display")]
async fn display(
    state: web::Data<AppState>,
    identity: Identity,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let board = acting_as(&identity, DeviceKind::Board)?.cloned();
    let hall = params
        .get("hall_id")
        .map(|h| h.parse::<HallId>())
        .transpose()
        .map_err(|_| AppError::invalid("invalid_parameter", "hall_id must be a number"))?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let calls = state
        .db
        .run(move |conn| -> AppResult<_> {
            // A board shows its own hall.
            let hall = match hall.or(board.as_ref().map(|b| b.hall_id)) {
                Some(h) if board.as_ref().is_some_and(|b| b.hall_id != h) => {
                    return Err(AppError::forbidden(
                        "other_hall",
                        "this device belongs to another hall",
                    ));
                }
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

/// The actions of `POST /tickets/{id}/{action}` (for the document).
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
#[allow(dead_code)]
enum TicketAction {
    Recall,
    Start,
    NoShow,
    Complete,
    Transfer,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(checkin)
        .service(walk_in)
        .service(show)
        .service(call_next)
        .service(ticket_action)
        .service(display);
}
