//! 候补 on the resident's pages: join from the booking page of a full day,
//! accept an offer or leave the list from 我的预约.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use super::holds::Guard;
use super::service::{self, JoinRequest};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::booking::api::{parse_date, parse_time};
use crate::booking::error::BookingError;
use crate::booking::pages::{book_page, booking_error_message, status_of};
use crate::db::ids::{ServiceId, WaitlistEntryId};
use crate::error::AppError;
use crate::web::forms::{private_page, see_other};
use crate::web::{AppState, PageCtx};

const RESIDENT: &[Role] = &[Role::Resident];

#[derive(Deserialize)]
struct JoinForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    date: String,
    /// Empty: any slot of the day.
    #[serde(default)]
    start: String,
}

#[post("/waitlist")]
async fn join(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let service: ServiceId = form.service_id.parse().map_err(|_| AppError::NotFound)?;
    let date = parse_date(&form.date).ok();
    let start = match form.start.trim() {
        "" => Ok(None),
        s => parse_time(s).map(Some),
    };
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let result = match (date, start) {
                (Some(date), Ok(start)) => service::join(
                    conn,
                    &JoinRequest {
                        account,
                        service,
                        date,
                        start,
                    },
                    now,
                    tz,
                ),
                _ => Err(BookingError::InvalidSlot),
            };
            match result {
                Ok(_) => Ok(Ok(())),
                Err(BookingError::ServiceNotFound) => Err(AppError::NotFound),
                Err(BookingError::Db(f)) => Err(f.into()),
                Err(e) => {
                    let message = booking_error_message(&ctx, &e);
                    let page = book_page(conn, ctx, &st, &[service], date, message, None)?;
                    Ok(Err((page, e)))
                }
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(see_other("/bookings?waiting=1#waitlist")),
        Err((page, e)) => private_page(status_of(&e), &page),
    }
}

/// After an accept or a leave: 我的预约 says what happened.
fn back(result: Result<String, BookingError>) -> Result<HttpResponse, AppError> {
    match result {
        Ok(location) => Ok(see_other(&location)),
        Err(BookingError::NotFound) => Err(AppError::NotFound),
        Err(BookingError::Db(f)) => Err(f.into()),
        Err(e) => Ok(see_other(&format!(
            "/bookings?waitlist_error={}#waitlist",
            e.code()
        ))),
    }
}

#[post("/waitlist/{id}/accept")]
async fn accept(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<WaitlistEntryId>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let guard = Guard::of(&state.settings);
    let result = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok(service::accept(conn, account, id, now, tz, guard)
                .map(|b| format!("/bookings/{}?new=1", b.code)))
        })
        .await?;
    back(result)
}

#[post("/waitlist/{id}/cancel")]
async fn leave(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<WaitlistEntryId>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let result = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            Ok(service::leave(conn, account, id, now, tz)
                .map(|_| "/bookings?left=1#waitlist".to_string()))
        })
        .await?;
    back(result)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(join).service(accept).service(leave);
}
