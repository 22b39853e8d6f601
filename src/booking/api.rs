//! Booking endpoints of `/api/v1`.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::models::{Booking, BookingStatus};
use super::service::{self, BookRequest, BookingError, Offer};
use super::waitlist::holds::Guard;
use super::{code, items};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::db::DbConn;
use crate::db::ids::{HallId, ServiceId};
use crate::error::{AppError, AppResult, BodyErrors, ErrorBody, SignInFirst};
use crate::web::{AppState, idempotency};

pub fn parse_date(s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            "invalid_date",
            format!("date must be YYYY-MM-DD, got '{s}'"),
        )
    })
}

pub fn parse_time(s: &str) -> Result<NaiveTime, AppError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| AppError::invalid("invalid_time", format!("start must be HH:MM, got '{s}'")))
}

#[derive(Serialize, ToSchema)]
#[schema(as = Slot)]
pub struct SlotJson {
    #[schema(example = "09:00", pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    start: String,
    #[schema(example = "09:30", pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    end: String,
    /// Places left in this slot (with `also`: visits of that many items
    /// that still fit).
    #[schema(minimum = 0)]
    remaining: i32,
}

/// The `also` parameter: more items of the same visit, comma-separated.
fn also_items(first: ServiceId, also: Option<&String>) -> Result<Vec<ServiceId>, AppError> {
    let mut ids = vec![first];
    for part in also.map(String::as_str).unwrap_or_default().split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        ids.push(part.parse().map_err(|_| {
            AppError::invalid("invalid_items", "also lists item ids separated by commas")
        })?);
    }
    Ok(items::checked_ids(&ids)?)
}

/// 可约时段 / An item's slots on one day, with the places left.
///
/// A closed day inside the booking horizon has no slots (an empty list).
/// With `also`, the slots are those of one visit for all the items
/// together (at a window that serves them all).
#[utoipa::path(
    tag = "bookings",
    params(
        ("id" = ServiceId, Path, description = "事项 id / the item"),
        ("date" = String, Query, format = Date, example = "2026-12-07", description = "日期 / the day, YYYY-MM-DD"),
        ("also" = Option<String>, Query, example = "136,141", description = "同时办理 / more items of the same visit, comma-separated ids"),
    ),
    responses(
        (status = 200, description = "时段 / the day's slots", body = [SlotJson]),
        (status = 404, description = "无此事项 / no such item", body = ErrorBody),
        (status = 409, description = "`no_common_window`", body = ErrorBody),
        (status = 422, description = "`invalid_date`, `invalid_items`, `outside_horizon`, `not_bookable_online`, `no_window`", body = ErrorBody),
    ),
)]
#[get("/services/{id}/slots")]
async fn list_slots(
    state: web::Data<AppState>,
    id: web::Path<ServiceId>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let ids = also_items(id.into_inner(), params.get("also"))?;
    let date = parse_date(params.get("date").map(String::as_str).unwrap_or_default())?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let list = state
        .db
        .run(move |conn| -> AppResult<_> {
            let offer = Offer::load_visit(conn, &ids, now, tz)?;
            offer.check_bookable()?;
            match offer.availability(conn, date)? {
                Some(list) => Ok(list),
                None => {
                    // A closed day inside the horizon has no slots; a day
                    // outside it is an error.
                    let days = offer.schedule.bookable_days();
                    let today = offer.schedule.now_local.date();
                    match days.last() {
                        Some(last) if date >= today && date <= *last => Ok(Vec::new()),
                        _ => Err(BookingError::OutsideHorizon.into()),
                    }
                }
            }
        })
        .await?;
    let body: Vec<SlotJson> = list
        .into_iter()
        .map(|(s, remaining)| SlotJson {
            start: s.start.format("%H:%M").to_string(),
            end: s.end.format("%H:%M").to_string(),
            remaining,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// One item of a visit as the booking and ticket objects carry it. The
/// outcome and case are filled in once the clerk has recorded them.
#[derive(Serialize, ToSchema, Clone)]
#[schema(as = VisitItem)]
pub struct VisitItemJson {
    pub service_id: ServiceId,
    #[schema(example = "居民身份证换领")]
    pub name: String,
    /// 办结 `done`, 受理 `accepted`, 补正 `incomplete`, 不予受理 `refused`;
    /// null until recorded.
    #[schema(example = "accepted")]
    pub outcome: Option<String>,
    /// 办件编号 of the case this item opened, if it was accepted.
    pub case: Option<String>,
}

#[derive(Serialize, ToSchema)]
/// A booking as made: where and when, and for which items.
#[schema(as = BookingSummary)]
pub struct BookingJson {
    /// 预约码: what the resident shows or types at the kiosk.
    #[schema(example = "K7M3Q9")]
    pub code: String,
    pub status: BookingStatus,
    /// The first item of the visit.
    pub service_id: ServiceId,
    #[schema(example = "居民身份证换领")]
    pub service_name: String,
    /// Every item of the visit (一窗受理), the first first.
    pub service_ids: Vec<ServiceId>,
    pub items: Vec<VisitItemJson>,
    pub hall_id: HallId,
    #[schema(format = Date, example = "2026-12-07")]
    pub date: String,
    #[schema(example = "09:00")]
    pub start: String,
    #[schema(example = "09:30")]
    pub end: String,
    pub window_number: i32,
    #[schema(example = "综合受理窗口")]
    pub window_name: String,
}

impl BookingJson {
    pub fn load(conn: &mut DbConn, b: Booking) -> Result<BookingJson, AppError> {
        use crate::db::schema::windows;
        use diesel::prelude::*;
        let ids = items::of(conn, b.id)?;
        let names = items::names(conn, &ids)?;
        let (number, window_name): (i32, String) = windows::table
            .find(b.window_id)
            .select((windows::number, windows::name))
            .first(conn)?;
        let name = |s: &ServiceId| names.get(s).cloned().unwrap_or_default();
        Ok(BookingJson {
            code: b.code,
            status: b.status,
            service_id: b.service_id,
            service_name: name(&b.service_id),
            items: ids
                .iter()
                .map(|s| VisitItemJson {
                    service_id: *s,
                    name: name(s),
                    outcome: None,
                    case: None,
                })
                .collect(),
            service_ids: ids,
            hall_id: b.hall_id,
            date: b.day.format("%Y-%m-%d").to_string(),
            start: b.start_time.format("%H:%M").to_string(),
            end: b.end_time.format("%H:%M").to_string(),
            window_number: number,
            window_name,
        })
    }
}

/// One item (`service_id`) or several (`service_ids`, 1–5 of one hall).
#[derive(Deserialize, Serialize, ToSchema)]
#[schema(as = NewBooking)]
pub struct CreateBody {
    /// The item, for a visit of one item.
    pub service_id: Option<ServiceId>,
    /// The items of one visit (1–5 of one hall), in place of `service_id`:
    /// one window serves them all, one code and one ticket number cover
    /// the visit, and it takes one place per item.
    #[schema(max_items = 5, min_items = 1)]
    pub service_ids: Option<Vec<ServiceId>>,
    #[schema(format = Date, example = "2026-12-07")]
    pub date: String,
    /// A slot's `start` as `GET /services/{id}/slots` lists it.
    #[schema(example = "09:00")]
    pub start: String,
}

/// The items of a visit from a body that names one (`service_id`) or
/// several (`service_ids`), not both.
pub fn visit_items(
    one: Option<ServiceId>,
    several: Option<&[ServiceId]>,
) -> Result<Vec<ServiceId>, AppError> {
    let ids = match (one, several) {
        (Some(s), None) => vec![s],
        (None, Some(list)) => list.to_vec(),
        _ => {
            return Err(AppError::invalid(
                "invalid_items",
                "name the item as service_id, or 1 to 5 items as service_ids",
            ));
        }
    };
    Ok(items::checked_ids(&ids)?)
}

/// 预约 / Book a place in a slot, for one item or several in one visit.
///
/// An `Idempotency-Key` header makes a retry safe: the same key from the
/// same account within 24 hours answers the first response again.
#[utoipa::path(
    tag = "bookings",
    request_body = CreateBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "重试安全 / a retried request with the same key books nothing new")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已预约 / booked", body = BookingJson),
        BodyErrors,
        SignInFirst,
        (status = 403, description = "非居民账号或已暂停网上预约 / `forbidden`, `suspended`", body = ErrorBody),
        (status = 404, description = "无此事项 / no such item", body = ErrorBody),
        (status = 409, description = "`slot_full`, `duplicate_booking`, `limit_reached`, `no_common_window`", body = ErrorBody),
        (status = 422, description = "`invalid_date`, `invalid_time`, `invalid_slot`, `invalid_items`, `outside_horizon`, `not_bookable_online`, `no_window`, `invalid_idempotency_key`, `idempotency_key_reused`", body = ErrorBody),
    ),
)]
#[post("/bookings")]
async fn create_booking(
    state: web::Data<AppState>,
    identity: Identity,
    req: HttpRequest,
    body: web::Json<CreateBody>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(&[Role::Resident])?;
    let key = idempotency::Key::of(&req, format!("account:{}", user.account.id), &*body)?;
    let request = BookRequest {
        account: user.account.id,
        services: visit_items(body.service_id, body.service_ids.as_deref())?,
        date: parse_date(&body.date)?,
        start: parse_time(&body.start)?,
    };
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let answer = state
        .db
        .run(move |conn| {
            idempotency::run(conn, key.as_ref(), now, 201, |conn| {
                let booking = service::book(conn, &request, now, tz)?;
                BookingJson::load(conn, booking)
            })
        })
        .await?;
    Ok(answer.respond(actix_web::http::StatusCode::CREATED))
}

#[derive(Serialize, ToSchema)]
struct Cancelled {
    code: String,
    status: BookingStatus,
}

/// 取消预约 / Cancel one's own booking before the cut-off.
#[utoipa::path(
    tag = "bookings",
    params(("code" = String, Path, example = "K7M3Q9", description = "预约码 / the booking code")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "已取消 / cancelled", body = Cancelled),
        SignInFirst,
        (status = 403, description = "非居民账号 / `forbidden`", body = ErrorBody),
        (status = 404, description = "无此预约 / no booking of yours with this code", body = ErrorBody),
        (status = 409, description = "`too_late`, `invalid_state`", body = ErrorBody),
    ),
)]
#[post("/bookings/{code}/cancel")]
async fn cancel_booking(
    state: web::Data<AppState>,
    identity: Identity,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let code = code::normalise(&code).ok_or(AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let guard = Guard::of(&state.settings);
    let b = state
        .db
        .run(move |conn| -> AppResult<_> {
            Ok(service::cancel(conn, account, &code, now, tz, guard)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Cancelled {
        code: b.code,
        status: b.status,
    }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_slots)
        .service(create_booking)
        .service(cancel_booking);
}
