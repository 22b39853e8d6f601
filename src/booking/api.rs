//! Booking endpoints of `/api/v1`.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::code;
use super::models::{Booking, BookingStatus};
use super::service::{self, BookRequest, BookingError, Offer};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::db::DbConn;
use crate::db::ids::{HallId, ServiceId};
use crate::error::{AppError, AppResult, BodyErrors, ErrorBody, SignInFirst};
use crate::web::AppState;

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
    /// Places left in this slot.
    #[schema(minimum = 0)]
    remaining: i32,
}

/// 可约时段 / An item's slots on one day, with the places left.
///
/// A closed day inside the booking horizon has no slots (an empty list).
#[utoipa::path(
    tag = "bookings",
    params(
        ("id" = ServiceId, Path, description = "事项 id / the item"),
        ("date" = String, Query, format = Date, example = "2026-12-07", description = "日期 / the day, YYYY-MM-DD"),
    ),
    responses(
        (status = 200, description = "时段 / the day's slots", body = [SlotJson]),
        (status = 404, description = "无此事项 / no such item", body = ErrorBody),
        (status = 422, description = "`invalid_date`, `outside_horizon`, `not_bookable_online`, `no_window`", body = ErrorBody),
    ),
)]
#[get("/services/{id}/slots")]
async fn list_slots(
    state: web::Data<AppState>,
    id: web::Path<ServiceId>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let date = parse_date(params.get("date").map(String::as_str).unwrap_or_default())?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let list = state
        .db
        .run(move |conn| -> AppResult<_> {
            let offer = Offer::load(conn, id, now, tz)?;
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

#[derive(Serialize, ToSchema)]
/// A booking as made: where and when.
#[schema(as = BookingSummary)]
pub struct BookingJson {
    /// 预约码: what the resident shows or types at the kiosk.
    #[schema(example = "K7M3Q9")]
    pub code: String,
    pub status: BookingStatus,
    pub service_id: ServiceId,
    #[schema(example = "居民身份证换领")]
    pub service_name: String,
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
        use crate::db::schema::{service_items, windows};
        use diesel::prelude::*;
        let service_name: String = service_items::table
            .find(b.service_id)
            .select(service_items::name)
            .first(conn)?;
        let (number, window_name): (i32, String) = windows::table
            .find(b.window_id)
            .select((windows::number, windows::name))
            .first(conn)?;
        Ok(BookingJson {
            code: b.code,
            status: b.status,
            service_id: b.service_id,
            service_name,
            hall_id: b.hall_id,
            date: b.day.format("%Y-%m-%d").to_string(),
            start: b.start_time.format("%H:%M").to_string(),
            end: b.end_time.format("%H:%M").to_string(),
            window_number: number,
            window_name,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[schema(as = NewBooking)]
struct CreateBody {
    service_id: ServiceId,
    #[schema(format = Date, example = "2026-12-07")]
    date: String,
    /// A slot's `start` as `GET /services/{id}/slots` lists it.
    #[schema(example = "09:00")]
    start: String,
}

/// 预约 / Book a place in a slot.
#[utoipa::path(
    tag = "bookings",
    request_body = CreateBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已预约 / booked", body = BookingJson),
        BodyErrors,
        SignInFirst,
        (status = 403, description = "非居民账号或已暂停网上预约 / `forbidden`, `suspended`", body = ErrorBody),
        (status = 404, description = "无此事项 / no such item", body = ErrorBody),
        (status = 409, description = "`slot_full`, `duplicate_booking`, `limit_reached`, `too_late`", body = ErrorBody),
        (status = 422, description = "`invalid_date`, `invalid_time`, `invalid_slot`, `outside_horizon`, `not_bookable_online`, `no_window`", body = ErrorBody),
    ),
)]
#[post("/bookings")]
async fn create_booking(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<CreateBody>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(&[Role::Resident])?;
    let req = BookRequest {
        account: user.account.id,
        service: body.service_id,
        date: parse_date(&body.date)?,
        start: parse_time(&body.start)?,
    };
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let json = state
        .db
        .run(move |conn| {
            let booking = service::book(conn, &req, now, tz)?;
            BookingJson::load(conn, booking)
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
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
    let b = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(service::cancel(conn, account, &code, now, tz)?) })
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
