//! Resident pages: choose a slot, my bookings, one booking (QR code, .ics,
//! print), cancel, reschedule; and public tracking.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::api::{parse_date, parse_time};
use super::models::BookingStatus;
use super::service::{self, BookRequest, BookingError, Offer};
use super::views::*;
use super::{code, repo};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::catalog::pages::views::date_label;
use crate::db::DbConn;
use crate::db::ids::ServiceId;
use crate::error::AppError;
use crate::web::forms::{private_page, see_other};
use crate::web::{AppState, PageCtx};

const RESIDENT: &[Role] = &[Role::Resident];

#[derive(Deserialize, Default)]
struct DateQuery {
    date: Option<String>,
}

/// The slot picker for an item (new booking or rescheduling).
fn book_page(
    conn: &mut DbConn,
    ctx: PageCtx,
    state: &AppState,
    service: ServiceId,
    date: Option<NaiveDate>,
    error: String,
    resched: Option<BookingView>,
) -> Result<BookPage, AppError> {
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let offer = Offer::load(conn, service, now, tz)?;
    let days = offer.schedule.bookable_days();
    let chosen = date
        .filter(|d| days.contains(d))
        .or_else(|| days.first().copied());
    let slots = match chosen {
        Some(d) => offer.availability(conn, d)?.unwrap_or_default(),
        None => Vec::new(),
    };
    let action = match &resched {
        Some(b) => format!("/bookings/{}/reschedule", b.code),
        None => "/bookings".to_string(),
    };
    Ok(BookPage {
        bookable: offer.check_bookable().is_ok(),
        rules: rules_text(ctx.lang, &offer.schedule.hall),
        days: days
            .iter()
            .map(|d| DayOption {
                value: d.to_string(),
                label: date_label(ctx.lang, *d),
                selected: Some(*d) == chosen,
            })
            .collect(),
        date: chosen.map(|d| d.to_string()).unwrap_or_default(),
        slots: slots
            .into_iter()
            .map(|(s, remaining)| SlotOption {
                value: hhmm(s.start),
                label: format!("{}–{}", hhmm(s.start), hhmm(s.end)),
                remaining,
            })
            .collect(),
        hall_name: offer.schedule.hall.name.clone(),
        item: offer.item,
        error,
        action,
        rescheduling: resched,
        ctx,
    })
}

#[get("/services/{id}/book")]
async fn book_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<ServiceId>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    identity.require(RESIDENT)?;
    let id = id.into_inner();
    let date = q.date.as_deref().and_then(|d| parse_date(d).ok());
    let st = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let offer = Offer::load(conn, id, st.clock.now_utc(), st.tz())?;
            let error = match offer.check_bookable() {
                Ok(()) => String::new(),
                Err(e) => ctx.t(e.message_key()),
            };
            book_page(conn, ctx, &st, id, date, error, None)
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct BookForm {
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
}

#[post("/bookings")]
async fn create_booking(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<BookForm>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let service: ServiceId = form.service_id.parse().map_err(|_| AppError::NotFound)?;
    let date = parse_date(&form.date).ok();
    let start = parse_time(&form.start).ok();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let result = match (date, start) {
                (Some(date), Some(start)) => service::book(
                    conn,
                    &BookRequest {
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
                Ok(b) => Ok(Ok(b.code)),
                Err(BookingError::ServiceNotFound) => Err(AppError::NotFound),
                Err(BookingError::Db(f)) => Err(f.into()),
                Err(e) => {
                    let message = booking_error_message(&ctx, &e);
                    Ok(Err((
                        book_page(conn, ctx, &st, service, date, message, None)?,
                        e,
                    )))
                }
            }
        })
        .await?;
    match outcome {
        Ok(code) => Ok(see_other(&format!("/bookings/{code}?new=1"))),
        Err((page, e)) => private_page(status_of(&e), &page),
    }
}

pub fn booking_error_message(ctx: &PageCtx, e: &BookingError) -> String {
    match e {
        BookingError::Suspended(until) => {
            ctx.tv("book-error-suspended", &date_label(ctx.lang, *until))
        }
        BookingError::LimitReached(n) | BookingError::TooLate(n) => {
            ctx.tn(e.message_key(), i64::from(*n))
        }
        other => ctx.t(other.message_key()),
    }
}

fn status_of(e: &BookingError) -> StatusCode {
    match e {
        BookingError::Suspended(_) => StatusCode::FORBIDDEN,
        BookingError::OutsideHorizon
        | BookingError::InvalidSlot
        | BookingError::NotBookable
        | BookingError::NoWindow => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    }
}

#[get("/bookings/{code}/reschedule")]
async fn reschedule_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let date = q.date.as_deref().and_then(|d| parse_date(d).ok());
    let st = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let c = code::normalise(&code).ok_or(AppError::NotFound)?;
            let b = repo::find_owned(conn, &c, account)?.ok_or(AppError::NotFound)?;
            let view = BookingView::load(conn, &b, ctx.lang)?;
            let error = if b.status == BookingStatus::Booked {
                String::new()
            } else {
                ctx.t("book-error-state")
            };
            book_page(conn, ctx, &st, b.service_id, date, error, Some(view))
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[post("/bookings/{code}/reschedule")]
async fn reschedule_booking(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
    form: web::Form<BookForm>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let date = parse_date(&form.date).ok();
    let start = parse_time(&form.start).ok();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let c = code::normalise(&code).ok_or(AppError::NotFound)?;
            let result = match (date, start) {
                (Some(d), Some(s)) => service::reschedule(conn, account, &c, d, s, now, tz),
                _ => Err(BookingError::InvalidSlot),
            };
            match result {
                Ok(b) => Ok(Ok(b.code)),
                Err(BookingError::NotFound) => Err(AppError::NotFound),
                Err(BookingError::Db(f)) => Err(f.into()),
                Err(e) => {
                    let b = repo::find_owned(conn, &c, account)?.ok_or(AppError::NotFound)?;
                    let view = BookingView::load(conn, &b, ctx.lang)?;
                    let message = booking_error_message(&ctx, &e);
                    Ok(Err((
                        book_page(conn, ctx, &st, b.service_id, date, message, Some(view))?,
                        e,
                    )))
                }
            }
        })
        .await?;
    match outcome {
        Ok(code) => Ok(see_other(&format!("/bookings/{code}?moved=1"))),
        Err((page, e)) => private_page(status_of(&e), &page),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(book_form)
        .service(create_booking)
        .service(reschedule_form)
        .service(reschedule_booking);
}
