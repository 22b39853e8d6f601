//! Rating a visit (from the booking page or /track) and the department's
//! follow-ups of bad ratings (`/follow-ups`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::service::{self, Channel, RatingError, Step};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::audit::{Entry, audited};
use crate::booking::{code, repo as booking_repo, track};
use crate::catalog::pages::views::date_label;
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::ids::{DepartmentId, FollowUpId, TicketId};
use crate::error::{AppError, AppResult};
use crate::queue::issue::for_booking;
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::{Bucket, caller_key, client_ip};
use crate::web::{AppState, PageCtx};

#[derive(Deserialize)]
struct RateForm {
    #[serde(default)]
    grade: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    phone_last4: String,
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
    form: web::Form<RateForm>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let c = code::normalise(&booking).ok_or(AppError::NotFound)?;
    let grade: i32 = form.grade.parse().unwrap_or(0);
    let comment = form.comment.clone();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let cc = c.clone();
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            let b = booking_repo::find_owned(conn, &cc, account)?.ok_or(AppError::NotFound)?;
            let t = for_booking(conn, b.id)?.ok_or(AppError::NotFound)?;
            Ok(service::rate(
                conn,
                t.id,
                grade,
                &comment,
                Channel::Web,
                now,
                tz,
            ))
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
    form: web::Form<RateForm>,
) -> Result<HttpResponse, AppError> {
    if !state.throttle.allow(Bucket::Lookup, &caller_key(&req)) {
        return Err(AppError::TooManyRequests);
    }
    let c = code::normalise(&form.code).ok_or(AppError::NotFound)?;
    let last4 = crate::accounts::validate::phone_last4(&form.phone_last4)
        .map_err(|_| AppError::NotFound)?;
    let grade: i32 = form.grade.parse().unwrap_or(0);
    let comment = form.comment.clone();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (cc, l4) = (c.clone(), last4.clone());
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            let tracked = track::find(conn, &cc, &l4)?.ok_or(AppError::NotFound)?;
            let t = for_booking(conn, tracked.booking.id)?.ok_or(AppError::NotFound)?;
            Ok(service::rate(
                conn,
                t.id,
                grade,
                &comment,
                Channel::Track,
                now,
                tz,
            ))
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

pub struct FollowUpRow {
    pub id: FollowUpId,
    pub grade: String,
    pub comment: String,
    pub item: String,
    pub rated: String,
    pub due: String,
    pub overdue: bool,
    pub done: bool,
    pub steps: Vec<(String, String)>,
    pub next_step: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "ratings/follow_ups.html")]
struct FollowUpsPage {
    ctx: PageCtx,
    rows: Vec<FollowUpRow>,
    overdue: usize,
    error: String,
}

const MANAGERS: &[Role] = &[Role::DeptAdmin, Role::Admin];

#[derive(Deserialize, Default)]
struct ErrorQuery {
    error: Option<String>,
}

#[get("/follow-ups")]
async fn follow_ups(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<ErrorQuery>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(MANAGERS)?.account.clone();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let departments: Vec<DepartmentId> = match user.role {
                Role::Admin => catalog_repo::list_departments(conn, None)?
                    .into_iter()
                    .map(|d| d.department.id)
                    .collect(),
                _ => user.department_id.into_iter().collect(),
            };
            let today = local(now, tz).date();
            let rows: Vec<FollowUpRow> = service::follow_ups_for(conn, &departments)?
                .into_iter()
                .map(|(f, r)| -> Result<FollowUpRow, AppError> {
                    let item = catalog_repo::find_service(conn, r.service_id)?
                        .map(|s| s.name)
                        .unwrap_or_default();
                    let steps = [
                        (Step::Callback, &f.callback_note, f.callback_at),
                        (Step::Fix, &f.fix_note, f.fix_at),
                        (Step::Report, &f.report_note, f.report_at),
                    ]
                    .into_iter()
                    .filter(|(_, _, at)| at.is_some())
                    .map(|(s, note, _)| (ctx.t(&format!("followup-{}", s.as_str())), note.clone()))
                    .collect();
                    Ok(FollowUpRow {
                        id: f.id,
                        grade: ctx.t(&format!("grade-{}", r.grade)),
                        comment: r.comment.clone(),
                        item,
                        rated: crate::clock::format_local(r.created_at, tz),
                        due: date_label(ctx.lang, f.due_on),
                        overdue: f.overdue(today),
                        done: f.done(),
                        steps,
                        next_step: f.next_step().map(|s| {
                            (
                                s.as_str().to_string(),
                                ctx.t(&format!("followup-{}", s.as_str())),
                            )
                        }),
                    })
                })
                .collect::<Result<_, _>>()?;
            let overdue = rows.iter().filter(|r| r.overdue).count();
            let error = if q.error.is_some() {
                ctx.t("followup-error")
            } else {
                String::new()
            };
            Ok(FollowUpsPage {
                ctx,
                rows,
                overdue,
                error,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    note: String,
}

#[post("/follow-ups/{id}")]
async fn record(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    id: web::Path<FollowUpId>,
    form: web::Form<StepForm>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(MANAGERS)?.account.clone();
    let id = id.into_inner();
    let step = form.step.parse::<Step>().ok();
    let note = form.note.clone();
    let now = state.clock.now_utc();
    let entry = Entry::new(
        user.actor(&client_ip(&req)),
        "follow_up.record",
        format!("follow_up:{id}"),
    );
    let result = state
        .db
        .run(move |conn| {
            audited(conn, &entry, now, |conn| {
                let f = service::find_follow_up(conn, id)?.ok_or(AppError::NotFound)?;
                if user.role != Role::Admin && user.department_id != Some(f.department_id) {
                    return Err(AppError::NotFound);
                }
                let step = step.ok_or_else(|| AppError::invalid("invalid_step", "unknown step"))?;
                service::record_step(conn, id, step, &note, now).map_err(|e| match e {
                    RatingError::NotFound => AppError::NotFound,
                    RatingError::Db(f) => f.into(),
                    other => AppError::invalid("invalid_step", other.to_string()),
                })
            })
        })
        .await;
    match result {
        Ok(_) => Ok(see_other("/follow-ups")),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(_) => Ok(see_other("/follow-ups?error=1")),
    }
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
}

/// The evaluator screen: today's ticket number, finished within the last
/// two hours, rated once.
#[post("/kiosk/rate")]
async fn rate(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<KioskRateForm>,
) -> Result<HttpResponse, AppError> {
    crate::queue::kiosk::throttled(&state, &req)?;
    let number = crate::text::clean_line(&form.number, 10).to_ascii_uppercase();
    let grade: i32 = form.grade.parse().unwrap_or(0);
    let comment = form.comment.clone();
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
                Some((id, Some(done))) if now - done <= chrono::Duration::hours(2) => {
                    service::rate(conn, id, grade, &comment, Channel::Kiosk, now, tz).map(|_| ())
                }
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
        .service(follow_ups)
        .service(record)
        .service(rate_form)
        .service(rate);
}
