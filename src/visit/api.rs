//! The resident's bookings in `/api/v1`: each with its ticket and case, and
//! public tracking by code and phone digits.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::accounts::validate;
use crate::booking::api::BookingJson;
use crate::booking::models::{Booking, BookingStatus};
use crate::booking::{code, repo, track};
use crate::cases::json::CaseJson;
use crate::db::DbConn;
use crate::db::ids::ServiceId;
use crate::error::{AppError, ErrorBody, SignInFirst};
use crate::queue::json::TicketJson;
use crate::web::AppState;
use crate::web::throttle::{Bucket, caller_key};

/// A booking as the contract's booking object: with its ticket and case,
/// `null` until the visit got that far.
#[derive(Serialize, ToSchema)]
#[schema(as = Booking)]
pub struct VisitJson {
    #[serde(flatten)]
    pub booking: BookingJson,
    pub ticket: Option<TicketJson>,
    pub case: Option<CaseJson>,
}

impl VisitJson {
    /// For the booking's owner or staff (the ticket carries the code).
    pub fn load(
        conn: &mut DbConn,
        b: Booking,
        now: NaiveDateTime,
        tz: Tz,
    ) -> Result<VisitJson, AppError> {
        let (ticket, case) = visit_of(conn, b.id, now, tz)?;
        let mut booking = BookingJson::load(conn, b)?;
        // What the window recorded for each item, once it has.
        if let Some(t) = &ticket {
            booking.items = t.items.clone();
        }
        Ok(VisitJson {
            booking,
            ticket,
            case,
        })
    }
}

/// The ticket and case of a booking, if the visit got that far.
fn visit_of(
    conn: &mut DbConn,
    booking: crate::db::ids::BookingId,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(Option<TicketJson>, Option<CaseJson>), AppError> {
    let Some(t) = crate::queue::issue::for_booking(conn, booking)? else {
        return Ok((None, None));
    };
    let today = crate::clock::local(now, tz).date();
    let case = match crate::cases::service::for_ticket(conn, t.id)? {
        Some(c) => Some(CaseJson::load(conn, &c, tz, today)?),
        None => None,
    };
    Ok((Some(TicketJson::load(conn, t, now, tz, true)?), case))
}

/// 我的预约 / The signed-in resident's bookings, newest first.
#[utoipa::path(
    tag = "bookings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "预约 / bookings with their tickets and cases", body = [VisitJson]),
        SignInFirst,
        (status = 403, description = "非居民账号 / `forbidden`", body = ErrorBody),
    ),
)]
#[get("/bookings")]
async fn list_bookings(
    state: web::Data<AppState>,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let list = state
        .db
        .run(move |conn| {
            repo::list_for_account(conn, account)?
                .into_iter()
                .map(|b| VisitJson::load(conn, b, now, tz))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// 预约详情 / One booking: the owner's, or any of the hall's for its staff.
#[utoipa::path(
    tag = "bookings",
    params(("code" = String, Path, example = "K7M3Q9", description = "预约码 / the booking code")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "预约 / the booking", body = VisitJson),
        SignInFirst,
        (status = 403, description = "须先修改一次性密码 / `password_change_required`", body = ErrorBody),
        (status = 404, description = "无此预约 / none the caller may see", body = ErrorBody),
    ),
)]
#[get("/bookings/{code}")]
async fn show_booking(
    state: web::Data<AppState>,
    identity: Identity,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = identity
        .require(&[Role::Resident, Role::Clerk, Role::DeptAdmin, Role::Admin])?
        .account
        .clone();
    let code = code::normalise(&code).ok_or(AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let json = state
        .db
        .run(move |conn| {
            let b = repo::find_by_code(conn, &code)?.ok_or(AppError::NotFound)?;
            let allowed = match user.role {
                Role::Resident => b.account_id == user.id,
                Role::Admin => true,
                Role::Clerk | Role::DeptAdmin => user.hall_id == Some(b.hall_id),
            };
            if !allowed {
                return Err(AppError::NotFound);
            }
            VisitJson::load(conn, b, now, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

#[derive(Serialize, ToSchema)]
#[schema(as = Tracking)]
struct TrackJson {
    code: String,
    status: BookingStatus,
    /// The applicant's name, masked.
    #[schema(example = "张*兰")]
    name: String,
    /// The visit's items by name ("居民身份证换领、户口项目变更").
    service: String,
    service_id: ServiceId,
    /// Every item of the visit.
    service_ids: Vec<ServiceId>,
    date: String,
    start: String,
    window_number: i32,
    /// The ticket without the booking code (the caller typed it, but this
    /// answer may be seen by others at the kiosk).
    ticket: Option<TicketJson>,
    position: Option<i64>,
    case: Option<CaseJson>,
}

/// 进度查询 / Track a booking, its ticket and case by code and phone digits.
#[utoipa::path(
    tag = "bookings",
    params(
        ("code" = String, Query, example = "K7M3Q9", description = "预约码 / the booking code"),
        ("phone_last4" = String, Query, pattern = "^[0-9]{4}$", example = "0001", description = "手机号后四位 / the phone's last 4 digits"),
    ),
    responses(
        (status = 200, description = "进度 / where the visit stands", body = TrackJson),
        (status = 404, description = "无匹配 / no booking with this code and phone", body = ErrorBody),
        (status = 422, description = "`invalid_phone_last4`", body = ErrorBody),
        (status = 429, description = "查询过多 / too many lookups", body = ErrorBody),
    ),
)]
#[get("/track")]
async fn track_booking(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    if !state.throttle.allow(Bucket::Lookup, &caller_key(&req)) {
        return Err(AppError::TooManyRequests);
    }
    let code = params
        .get("code")
        .and_then(|c| code::normalise(c))
        .ok_or(AppError::NotFound)?;
    let last4 = validate::phone_last4(
        params
            .get("phone_last4")
            .map(String::as_str)
            .unwrap_or_default(),
    )
    .map_err(|_| AppError::invalid("invalid_phone_last4", "phone_last4 must be 4 digits"))?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (t, ticket, case, ids, names) = state
        .db
        .run(move |conn| {
            let Some(t) = track::find(conn, &code, &last4)? else {
                return Err(AppError::NotFound);
            };
            let ids = crate::booking::items::of(conn, t.booking.id)?;
            let named = crate::booking::items::names(conn, &ids)?;
            let names: Vec<String> = ids.iter().filter_map(|i| named.get(i).cloned()).collect();
            let (ticket, case) = match crate::queue::issue::for_booking(conn, t.booking.id)? {
                Some(tk) => {
                    let today = crate::clock::local(now, tz).date();
                    let case = match crate::cases::service::for_ticket(conn, tk.id)? {
                        Some(c) => Some(CaseJson::load(conn, &c, tz, today)?),
                        None => None,
                    };
                    (Some(TicketJson::load(conn, tk, now, tz, false)?), case)
                }
                None => (None, None),
            };
            Ok((t, ticket, case, ids, names.join("、")))
        })
        .await?;
    Ok(HttpResponse::Ok().json(TrackJson {
        code: t.booking.code,
        status: t.booking.status,
        name: t.masked_name,
        service: names,
        service_id: t.service.id,
        service_ids: ids,
        date: t.booking.day.format("%Y-%m-%d").to_string(),
        start: t.booking.start_time.format("%H:%M").to_string(),
        window_number: t.window.number,
        position: ticket.as_ref().and_then(|t| t.position),
        ticket,
        case,
    }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_bookings)
        .service(show_booking)
        .service(track_booking);
}
