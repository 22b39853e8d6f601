//! The resident's pages of a visit: my bookings (with the waiting list),
//! one booking (QR code, what came of it, the case, the rating form), its
//! print view and calendar file, and cancelling (which asks first).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use super::views::*;
use super::waiting::{suspension_line, waitlist_error_key, waitlist_rows};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::booking::models::BookingStatus;
use crate::booking::pages::booking_error_message;
use crate::booking::service::{self, BookingError, Schedule};
use crate::booking::{code, ics, repo};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::notify::views::MessageView;
use crate::notify::{MessageKind, outbox};
use crate::web::forms::{private_page, see_other};
use crate::web::{AppState, PageCtx};

const RESIDENT: &[Role] = &[Role::Resident];

#[derive(Deserialize, Default)]
struct ListQuery {
    waiting: Option<String>,
    left: Option<String>,
    waitlist_error: Option<String>,
}

#[get("/bookings")]
async fn bookings_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let q = q.into_inner();
    let notice = if q.waiting.is_some() {
        ctx.t("waitlist-joined")
    } else if q.left.is_some() {
        ctx.t("waitlist-left")
    } else {
        String::new()
    };
    let error = q
        .waitlist_error
        .as_deref()
        .map(|code| ctx.t(waitlist_error_key(code)))
        .unwrap_or_default();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let waitlist = waitlist_rows(conn, account, ctx.lang, tz)?;
            let suspended = suspension_line(conn, &ctx, account, now, tz)?;
            let mut upcoming = Vec::new();
            let mut past = Vec::new();
            for b in repo::list_for_account(conn, account)? {
                let view = booking_view(conn, &b, ctx.lang)?;
                if b.status.is_active() {
                    upcoming.push(view)
                } else {
                    past.push(view)
                }
            }
            upcoming.reverse();
            let messages = outbox::for_account(conn, account)?
                .iter()
                .map(|m| MessageView::of(m, ctx.lang, tz, now))
                .collect();
            Ok(BookingsPage {
                ctx,
                upcoming,
                past,
                messages,
                waitlist,
                suspended,
                notice,
                error,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize, Default)]
struct DetailQuery {
    new: Option<String>,
    cancelled: Option<String>,
    moved: Option<String>,
    rated: Option<String>,
    rating_error: Option<String>,
}

fn detail_page(
    conn: &mut DbConn,
    state: &AppState,
    ctx: PageCtx,
    account: crate::db::ids::AccountId,
    code: &str,
    print: bool,
) -> Result<BookingPage, AppError> {
    let code = code::normalise(code).ok_or(AppError::NotFound)?;
    let b = repo::find_owned(conn, &code, account)?.ok_or(AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let hall = crate::hall::repo::find_hall(conn, b.hall_id)?.ok_or(AppError::NotFound)?;
    let schedule = Schedule::load(conn, hall, now, tz)?;
    let deadline = schedule.cancel_deadline(b.day, b.start_time);
    let ids = crate::booking::items::of(conn, b.id)?;
    let events = repo::events_of(conn, b.id)?;
    let phone = crate::accounts::repo::find_account(conn, account)?
        .map(|a| crate::pii::mask_phone(&a.phone))
        .unwrap_or_default();
    let sms = outbox::latest_for_booking(conn, b.id, MessageKind::Confirmation)?
        .map(|m| confirmation_line(&m, ctx.lang, &phone))
        .unwrap_or_default();
    Ok(BookingPage {
        sms,
        how_checkin: checkin_text(ctx.lang, &schedule.hall),
        qr_svg: qr_svg(&b.code),
        materials: crate::booking::items::combined_materials(conn, &ids)?,
        timeline: timeline(&events, ctx.lang, tz),
        can_change: b.status == BookingStatus::Booked && schedule.now_local < deadline,
        deadline: deadline.format("%Y-%m-%d %H:%M").to_string(),
        b: booking_view(conn, &b, ctx.lang)?,
        visit: Visit::load(conn, &b, ctx.lang, tz, now)?,
        grades: grades(ctx.lang),
        reasons: reasons(ctx.lang),
        rate_action: format!("/bookings/{}/rate", b.code),
        rate_hidden: Vec::new(),
        notice: String::new(),
        error: String::new(),
        print,
        ctx,
    })
}

#[get("/bookings/{code}")]
async fn booking_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
    q: web::Query<DetailQuery>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let st = state.clone();
    let mut page = state
        .db
        .run(move |conn| detail_page(conn, &st, ctx, account, &code, false))
        .await?;
    page.notice = if q.new.is_some() {
        page.ctx.t("booking-created")
    } else if q.cancelled.is_some() {
        page.ctx.t("booking-cancelled")
    } else if q.moved.is_some() {
        page.ctx.t("booking-moved")
    } else if q.rated.is_some() {
        page.ctx.t("rating-thanks")
    } else {
        String::new()
    };
    if let Some(key) = q
        .rating_error
        .as_deref()
        .filter(|k| k.starts_with("rating-error-"))
    {
        page.error = page.ctx.t(key);
    }
    private_page(StatusCode::OK, &page)
}

#[get("/bookings/{code}/print")]
async fn print_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let st = state.clone();
    let page = state
        .db
        .run(move |conn| detail_page(conn, &st, ctx, account, &code, true))
        .await?;
    private_page(StatusCode::OK, &page)
}

#[get("/bookings/{code}/ics")]
async fn calendar_file(
    state: web::Data<AppState>,
    identity: Identity,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let code = code::normalise(&code).ok_or(AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let body = state
        .db
        .run(move |conn| -> AppResult<_> {
            let b = repo::find_owned(conn, &code, account)?.ok_or(AppError::NotFound)?;
            let view = booking_view(conn, &b, crate::i18n::Lang::Zh)?;
            let ids = crate::booking::items::of(conn, b.id)?;
            let materials: Vec<String> = crate::booking::items::combined_materials(conn, &ids)?
                .into_iter()
                .map(|m| m.name)
                .collect();
            let description = format!(
                "预约码 {}。请带齐材料：{}",
                view.code_display,
                materials.join("；")
            );
            let location = format!(
                "{} {}号窗口（{}）",
                view.hall, view.window_number, view.place
            );
            Ok(ics::calendar(
                &ics::Event {
                    uid: &b.code,
                    day: b.day,
                    start: b.start_time,
                    end: b.end_time,
                    summary: &view.service,
                    location: &location,
                    description: &description,
                    stamp: now,
                },
                tz,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"booking.ics\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Cancelling asks first: one tap on a phone should not undo a booking.
#[get("/bookings/{code}/cancel")]
async fn cancel_confirm(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let st = state.clone();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let page = detail_page(conn, &st, ctx, account, &code, false)?;
            Ok(if page.can_change {
                Ok(CancelPage {
                    b: page.b,
                    ctx: page.ctx,
                })
            } else {
                Err(page.b.code)
            })
        })
        .await?;
    match page {
        Ok(p) => private_page(StatusCode::OK, &p),
        // No longer cancellable: the booking page says why.
        Err(code) => Ok(see_other(&format!("/bookings/{code}"))),
    }
}

#[post("/bookings/{code}/cancel")]
async fn cancel_booking(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let guard = crate::booking::waitlist::holds::Guard::of(&state.settings);
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let c = code::normalise(&code).ok_or(AppError::NotFound)?;
            match service::cancel(conn, account, &c, now, tz, guard) {
                Ok(b) => Ok(Ok(b.code)),
                Err(BookingError::NotFound) => Err(AppError::NotFound),
                Err(BookingError::Db(f)) => Err(f.into()),
                Err(e) => {
                    let message = booking_error_message(&ctx, &e);
                    let mut page = detail_page(conn, &st, ctx, account, &c, false)?;
                    page.error = message;
                    Ok(Err(page))
                }
            }
        })
        .await?;
    match outcome {
        Ok(code) => Ok(see_other(&format!("/bookings/{code}?cancelled=1"))),
        Err(page) => private_page(StatusCode::CONFLICT, &page),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(bookings_page)
        .service(print_page)
        .service(calendar_file)
        .service(cancel_confirm)
        .service(cancel_booking)
        .service(booking_page)
        .service(super::tracking::track_page);
}
