//! Rating a visit or a decided case (from the booking page or /track) and
//! the kiosk's evaluator screen.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::service::{self, Channel, Given, RatingError, Target};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::booking::{code, repo as booking_repo, track};
use crate::clock::local;
use crate::db::ids::TicketId;
use crate::error::{AppError, AppResult};
use crate::queue::issue::for_booking;
use crate::web::forms::{HtmlForm, private_page, see_other};
use crate::web::throttle::{Bucket, caller_key};
use crate::web::{AppState, PageCtx};

/// A rating form: the grade, a comment, the reasons (checkboxes) and, for
/// a decided case of the visit, its number.
#[derive(Deserialize)]
struct RateForm {
    #[serde(default)]
    grade: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reasons: Vec<String>,
    #[serde(default)]
    case: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    phone_last4: String,
}

impl RateForm {
    fn given(&self) -> Result<Given, RatingError> {
        Given::check(
            self.grade.parse().unwrap_or(0),
            &self.comment,
            &self.reasons,
        )
    }
}

/// The visit, or the case of it the form names (which must be the visit's).
fn target_of(conn: &mut crate::db::DbConn, ticket: TicketId, case: &str) -> AppResult<Target> {
    if case.trim().is_empty() {
        return Ok(Target::Visit(ticket));
    }
    let c = crate::cases::service::find_by_number(conn, case.trim())?
        .filter(|c| c.ticket_id == ticket)
        .ok_or(AppError::NotFound)?;
    Ok(Target::Case(c.id))
}

fn rating_error(e: RatingError) -> Result<String, AppError> {
    match e {
        RatingError::NotFound => Err(AppError::NotFound),
        RatingError::Db(f) => Err(f.into()),
        other => Ok(other.message_key().to_string()),
    }
}

#[post("/bookings/{code}/rate")]
async fn rate_booking(
    state: web::Data<AppState>,
    identity: Identity,
    booking: web::Path<String>,
    form: HtmlForm<RateForm>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let c = code::normalise(&booking).ok_or(AppError::NotFound)?;
    let form = form.0;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let cc = c.clone();
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            let b = booking_repo::find_owned(conn, &cc, account)?.ok_or(AppError::NotFound)?;
            let t = for_booking(conn, b.id)?.ok_or(AppError::NotFound)?;
            let target = target_of(conn, t.id, &form.case)?;
            Ok(form
                .given()
                .and_then(|g| service::rate(conn, target, &g, Channel::Web, now, tz)))
        })
        .await?;
    Ok(match result {
        Ok(_) => see_other(&format!("/bookings/{c}?rated=1")),
        Err(e) => see_other(&format!(
            "/bookings/{c}?rating_error={}",
            crate::web::forms::query_value(&rating_error(e)?)
        )),
    })
}

#[post("/track/rate")]
async fn rate_tracked(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: HtmlForm<RateForm>,
) -> Result<HttpResponse, AppError> {
    if !state.throttle.allow(Bucket::Lookup, &caller_key(&req)) {
        return Err(AppError::TooManyRequests);
    }
    let form = form.0;
    let c = code::normalise(&form.code).ok_or(AppError::NotFound)?;
    let last4 = crate::accounts::validate::phone_last4(&form.phone_last4)
        .map_err(|_| AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (cc, l4) = (c.clone(), last4.clone());
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            let tracked = track::find(conn, &cc, &l4)?.ok_or(AppError::NotFound)?;
            let t = for_booking(conn, tracked.booking.id)?.ok_or(AppError::NotFound)?;
            let target = target_of(conn, t.id, &form.case)?;
            Ok(form
                .given()
                .and_then(|g| service::rate(conn, target, &g, Channel::Track, now, tz)))
        })
        .await?;
    let back = format!("/track?code={c}&phone_last4={last4}");
    Ok(match result {
        Ok(_) => see_other(&format!("{back}&rated=1")),
        Err(e) => see_other(&format!(
            "{back}&rating_error={}",
            crate::web::forms::query_value(&rating_error(e)?)
        )),
    })
}

// ----- the kiosk's evaluator screen -----

#[derive(Template)]
#[template(path = "queue/kiosk_rate.html")]
struct RatePage {
    ctx: PageCtx,
    number: String,
    error: String,
    done: bool,
}

#[get("/kiosk/rate")]
async fn rate_form(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    private_page(
        StatusCode::OK,
        &RatePage {
            ctx,
            number: String::new(),
            error: String::new(),
            done: false,
        },
    )
}

#[derive(Deserialize)]
struct KioskRateForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reasons: Vec<String>,
}

/// The evaluator screen: today's ticket number, finished within the last
/// two hours, rated once.
#[post("/kiosk/rate")]
async fn rate(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: HtmlForm<KioskRateForm>,
) -> Result<HttpResponse, AppError> {
    crate::queue::kiosk::throttled(&state, &req)?;
    let form = form.0;
    let number = crate::text::clean_line(&form.number, 10).to_ascii_uppercase();
    let given = Given::check(
        form.grade.parse().unwrap_or(0),
        &form.comment,
        &form.reasons,
    );
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let n = number.clone();
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            use crate::db::schema::tickets;
            use diesel::prelude::*;
            let hall = crate::queue::kiosk::kiosk_hall(conn, &identity)?;
            let today = local(now, tz).date();
            let ticket: Option<(TicketId, Option<chrono::NaiveDateTime>)> = tickets::table
                .filter(
                    tickets::hall_id
                        .eq(hall.id)
                        .and(tickets::day.eq(today))
                        .and(tickets::number.eq(&n)),
                )
                .select((tickets::id, tickets::finished_at))
                .first(conn)
                .optional()?;
            Ok(match ticket {
                Some((id, Some(done))) if now - done <= chrono::Duration::hours(2) => given
                    .and_then(|g| {
                        service::rate(conn, Target::Visit(id), &g, Channel::Kiosk, now, tz)
                    })
                    .map(|_| ()),
                Some((_, Some(_))) => Err(RatingError::Invalid("too_late")),
                Some((_, None)) => Err(RatingError::NotFinished),
                None => Err(RatingError::NotFound),
            })
        })
        .await?;
    match result {
        Ok(()) => private_page(
            StatusCode::OK,
            &RatePage {
                ctx,
                number,
                error: String::new(),
                done: true,
            },
        ),
        Err(RatingError::Db(f)) => Err(f.into()),
        Err(e) => {
            let error = ctx.t(e.message_key());
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RatePage {
                    ctx,
                    number,
                    error,
                    done: false,
                },
            )
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(rate_booking)
        .service(rate_tracked)
        .service(rate_form)
        .service(rate);
}
