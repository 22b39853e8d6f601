//! 候补 in `/api/v1`: join the waiting list of a full day, see one's
//! entries and offers, accept an offer, leave.

use actix_web::{HttpResponse, get, post, web};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::holds::Guard;
use super::models::{Entry, EntryStatus};
use super::service::{self, EntryView, JoinRequest};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::booking::api::{BookingJson, parse_date, parse_time};
use crate::db::DbConn;
use crate::db::ids::{ServiceId, WaitlistEntryId};
use crate::error::{AppError, AppResult, BodyErrors, ErrorBody, SignInFirst};
use crate::web::AppState;

#[derive(Deserialize, ToSchema)]
#[schema(as = NewWaitlistEntry)]
struct JoinBody {
    service_id: ServiceId,
    #[schema(format = Date, example = "2026-12-07")]
    date: String,
    /// One slot (`HH:MM`), or absent for any slot of the day.
    #[schema(example = "09:00")]
    start: Option<String>,
}

/// The place offered to a waiting resident and held for them.
#[derive(Serialize, ToSchema)]
#[schema(as = WaitlistOffer)]
struct OfferJson {
    #[schema(format = Date, example = "2026-12-07")]
    date: String,
    #[schema(example = "09:00")]
    start: String,
    window_number: i32,
    /// Until when the place is held (RFC 3339).
    #[schema(format = DateTime, example = "2026-12-03T11:00:00+08:00")]
    offer_expires_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = WaitlistEntry)]
struct EntryJson {
    id: WaitlistEntryId,
    service_id: ServiceId,
    #[schema(format = Date, example = "2026-12-07")]
    date: String,
    /// The slot waited for, or null for any slot of the day.
    #[schema(example = "09:00")]
    start: Option<String>,
    status: EntryStatus,
    /// 1 = next in line among those waiting for this item and day; 0 when
    /// no longer waiting.
    position: i64,
    offer: Option<OfferJson>,
}

impl EntryJson {
    /// An entry with no offer standing (just joined, or left).
    fn plain(conn: &mut DbConn, entry: Entry, position: i64, tz: Tz) -> AppResult<EntryJson> {
        let view = EntryView {
            entry,
            hold: None,
            position,
        };
        Self::of(conn, view, tz)
    }

    fn of(conn: &mut DbConn, v: EntryView, tz: Tz) -> AppResult<EntryJson> {
        use crate::db::schema::windows;
        use diesel::prelude::*;
        let offer = match v.hold {
            Some(h) => Some(OfferJson {
                date: h.day.format("%Y-%m-%d").to_string(),
                start: h.start_time.format("%H:%M").to_string(),
                window_number: windows::table
                    .find(h.window_id)
                    .select(windows::number)
                    .first(conn)?,
                offer_expires_at: crate::clock::rfc3339(h.until, tz),
            }),
            None => None,
        };
        let e = v.entry;
        Ok(EntryJson {
            id: e.id,
            service_id: e.service_id,
            date: e.day.format("%Y-%m-%d").to_string(),
            start: e.start_time.map(|t| t.format("%H:%M").to_string()),
            status: e.status,
            position: v.position,
            offer,
        })
    }
}

/// 加入候补 / Join the waiting list of a full day (or slot).
///
/// When a place frees (a cancellation, a move, a capacity raise) it is
/// offered to the longest-waiting entry and held for them; an SMS of kind
/// `waitlist_offer` says until when.
#[utoipa::path(
    tag = "waitlist",
    request_body = JoinBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已候补 / waiting", body = EntryJson),
        BodyErrors,
        SignInFirst,
        (status = 403, description = "非居民账号或已暂停网上预约 / `forbidden`, `suspended`", body = ErrorBody),
        (status = 404, description = "无此事项 / no such item", body = ErrorBody),
        (status = 409, description = "`places_available`, `already_waiting`, `duplicate_booking`, `limit_reached`", body = ErrorBody),
        (status = 422, description = "`invalid_date`, `invalid_time`, `invalid_slot`, `outside_horizon`, `not_bookable_online`, `no_window`", body = ErrorBody),
    ),
)]
#[post("/waitlist")]
async fn join(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<JoinBody>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let req = JoinRequest {
        account,
        service: body.service_id,
        date: parse_date(&body.date)?,
        start: body.start.as_deref().map(parse_time).transpose()?,
    };
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let json = state
        .db
        .run(move |conn| -> AppResult<_> {
            let (entry, position) = service::join(conn, &req, now, tz)?;
            EntryJson::plain(conn, entry, position, tz)
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
}

/// 我的候补 / The signed-in resident's waiting-list entries and offers.
#[utoipa::path(
    tag = "waitlist",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "候补 / entries, live ones first", body = [EntryJson]),
        SignInFirst,
        (status = 403, description = "非居民账号 / `forbidden`", body = ErrorBody),
    ),
)]
#[get("/waitlist")]
async fn list(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let tz = state.tz();
    let list = state
        .db
        .run(move |conn| -> AppResult<_> {
            service::list_for_account(conn, account)?
                .into_iter()
                .map(|v| EntryJson::of(conn, v, tz))
                .collect::<AppResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// 接受候补名额 / Accept the place offered: it becomes a booking.
#[utoipa::path(
    tag = "waitlist",
    params(("id" = WaitlistEntryId, Path, description = "候补 id / the entry")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已预约 / the booking", body = BookingJson),
        SignInFirst,
        (status = 403, description = "非居民账号或已暂停网上预约 / `forbidden`, `suspended`", body = ErrorBody),
        (status = 404, description = "无此候补 / no entry of yours", body = ErrorBody),
        (status = 409, description = "`offer_expired`, `invalid_state`, `duplicate_booking`, `limit_reached`", body = ErrorBody),
    ),
)]
#[post("/waitlist/{id}/accept")]
async fn accept(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<WaitlistEntryId>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let guard = Guard::of(&state.settings);
    let json = state
        .db
        .run(move |conn| {
            let booking = service::accept(conn, account, id, now, tz, guard)?;
            BookingJson::load(conn, booking)
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
}

/// 取消候补 / Leave the waiting list (an offer declined passes on at once).
#[utoipa::path(
    tag = "waitlist",
    params(("id" = WaitlistEntryId, Path, description = "候补 id / the entry")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "已取消 / the entry, cancelled", body = EntryJson),
        SignInFirst,
        (status = 403, description = "非居民账号 / `forbidden`", body = ErrorBody),
        (status = 404, description = "无此候补 / no entry of yours", body = ErrorBody),
        (status = 409, description = "`invalid_state`", body = ErrorBody),
    ),
)]
#[post("/waitlist/{id}/cancel")]
async fn leave(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<WaitlistEntryId>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let json = state
        .db
        .run(move |conn| -> AppResult<_> {
            let entry = service::leave(conn, account, id, now, tz)?;
            EntryJson::plain(conn, entry, 0, tz)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(join)
        .service(list)
        .service(accept)
        .service(leave);
}
