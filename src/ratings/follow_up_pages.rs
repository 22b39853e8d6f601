//! The department's follow-ups of bad ratings (`/follow-ups`): who rated
//! (the phone masked until a member of staff reveals it to call back —
//! audited), the ticket, window, clerk and item, the steps 回访 → 整改 → 反馈
//! with their deadline, the escalation when it passes, and the
//! department's appeal of a rating (申诉复核).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::appeals::{self, AppealStatus};
use super::follow_up::{self, FollowUp, Step};
use super::service::{Rating, RatingError};
use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::audit::{Entry, audited};
use crate::catalog::pages::views::date_label;
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, FollowUpId, RatingId};
use crate::db::schema::{accounts, bookings, service_items, tickets, windows};
use crate::error::{AppError, AppResult};
use crate::pii::{mask_name, mask_phone};
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

const MANAGERS: &[Role] = &[Role::DeptAdmin, Role::Admin];

pub struct FollowUpRow {
    pub id: FollowUpId,
    pub rating: RatingId,
    pub grade: String,
    pub comment: String,
    pub reasons: String,
    pub item: String,
    pub ticket: String,
    pub window: String,
    pub clerk: String,
    /// Masked, or in full once revealed (this answer only).
    pub contact: String,
    pub has_phone: bool,
    pub rated: String,
    pub due: String,
    pub overdue: bool,
    pub escalated: bool,
    pub done: bool,
    pub steps: Vec<(String, String)>,
    pub next_step: Option<(String, String)>,
    /// The appeal's status in words, if one was filed.
    pub appeal: String,
    pub excluded: bool,
}

#[derive(Template)]
#[template(path = "ratings/follow_ups.html")]
struct FollowUpsPage {
    ctx: PageCtx,
    rows: Vec<FollowUpRow>,
    overdue: usize,
    error: String,
    notice: String,
}

fn departments_of(conn: &mut DbConn, user: &Account) -> QueryResult<Vec<DepartmentId>> {
    Ok(match user.role {
        Role::Admin => crate::catalog::repo::list_departments(conn, None)?
            .into_iter()
            .map(|d| d.department.id)
            .collect(),
        _ => user.department_id.into_iter().collect(),
    })
}

/// The rater's phone (a booked visit's account), if known.
fn phone_of(conn: &mut DbConn, r: &Rating) -> QueryResult<Option<String>> {
    tickets::table
        .inner_join(bookings::table.inner_join(accounts::table))
        .filter(tickets::id.eq(r.ticket_id))
        .select(accounts::phone)
        .first(conn)
        .optional()
}

/// Where the rated service happened: item, ticket, window and the clerk
/// (masked).
fn place(
    conn: &mut DbConn,
    ctx: &PageCtx,
    r: &Rating,
) -> AppResult<(String, String, String, String)> {
    let item: String = service_items::table
        .find(r.service_id)
        .select(service_items::name)
        .first(conn)?;
    let ticket: String = tickets::table
        .find(r.ticket_id)
        .select(tickets::number)
        .first(conn)?;
    let window = match r.window_id {
        Some(w) => ctx.tn(
            "service-window-number",
            windows::table
                .find(w)
                .select(windows::number)
                .first::<i32>(conn)?,
        ),
        None => String::new(),
    };
    let clerk = match r.clerk_id {
        Some(c) => mask_name(
            &accounts::table
                .find(c)
                .select(accounts::name)
                .first::<String>(conn)?,
        ),
        None => String::new(),
    };
    Ok((item, ticket, window, clerk))
}

fn row(
    conn: &mut DbConn,
    ctx: &PageCtx,
    f: FollowUp,
    r: Rating,
    tz: chrono_tz::Tz,
    today: chrono::NaiveDate,
    revealed: Option<FollowUpId>,
) -> AppResult<FollowUpRow> {
    let (item, ticket, window, clerk) = place(conn, ctx, &r)?;
    let phone = phone_of(conn, &r)?;
    let steps = [
        (Step::Callback, &f.callback_note, f.callback_at),
        (Step::Fix, &f.fix_note, f.fix_at),
        (Step::Report, &f.report_note, f.report_at),
    ]
    .into_iter()
    .filter(|(_, _, at)| at.is_some())
    .map(|(s, note, _)| (ctx.t(&format!("followup-{}", s.as_str())), note.clone()))
    .collect();
    let appeal_state = appeals::for_rating(conn, r.id)?
        .map(|a| ctx.t(&format!("appeal-{}", a.status.as_str())))
        .unwrap_or_default();
    Ok(FollowUpRow {
        id: f.id,
        rating: r.id,
        grade: ctx.t(&format!("grade-{}", r.grade)),
        comment: r.comment.clone(),
        reasons: r
            .reasons()
            .iter()
            .map(|x| ctx.t(&format!("rating-reason-{}", x.as_str())))
            .collect::<Vec<_>>()
            .join("、"),
        item,
        ticket,
        window,
        clerk,
        has_phone: phone.is_some(),
        contact: match phone {
            Some(p) if revealed == Some(f.id) => p,
            Some(p) => mask_phone(&p),
            None => ctx.t("followups-no-contact"),
        },
        rated: crate::clock::format_local(r.created_at, tz),
        due: date_label(ctx.lang, f.due_on),
        overdue: f.overdue(today),
        escalated: f.escalated_at.is_some() && !f.done(),
        done: f.done(),
        next_step: f.next_step().map(|s| {
            (
                s.as_str().to_string(),
                ctx.t(&format!("followup-{}", s.as_str())),
            )
        }),
        steps,
        appeal: appeal_state,
        excluded: r.excluded,
    })
}

fn page(
    conn: &mut DbConn,
    user: &Account,
    ctx: PageCtx,
    now: chrono::NaiveDateTime,
    tz: chrono_tz::Tz,
    revealed: Option<FollowUpId>,
) -> AppResult<FollowUpsPage> {
    let departments = departments_of(conn, user)?;
    let today = local(now, tz).date();
    let rows: Vec<FollowUpRow> = follow_up::for_departments(conn, &departments)?
        .into_iter()
        .map(|(f, r)| row(conn, &ctx, f, r, tz, today, revealed))
        .collect::<Result<_, _>>()?;
    Ok(FollowUpsPage {
        overdue: rows.iter().filter(|r| r.overdue).count(),
        rows,
        error: String::new(),
        notice: String::new(),
        ctx,
    })
}

#[derive(Deserialize, Default)]
struct Flash {
    error: Option<String>,
    appealed: Option<String>,
}

#[get("/follow-ups")]
async fn follow_ups(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<Flash>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(MANAGERS)?.account.clone();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let mut page = state
        .db
        .run(move |conn| page(conn, &user, ctx, now, tz, None))
        .await?;
    if let Some(key) = q.error.as_deref() {
        page.error = page.ctx.t(if key == "appeal" {
            "appeal-error"
        } else {
            "followup-error"
        });
    }
    if q.appealed.is_some() {
        page.notice = page.ctx.t("appeal-filed");
    }
    private_page(StatusCode::OK, &page)
}

/// The department's follow-up, or 404.
fn owned(conn: &mut DbConn, user: &Account, id: FollowUpId) -> AppResult<FollowUp> {
    let f = follow_up::find(conn, id)?.ok_or(AppError::NotFound)?;
    if user.role != Role::Admin && user.department_id != Some(f.department_id) {
        return Err(AppError::NotFound);
    }
    Ok(f)
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
                owned(conn, &user, id)?;
                let step = step.ok_or_else(|| AppError::invalid("invalid_step", "unknown step"))?;
                follow_up::record_step(conn, id, step, &note, now).map_err(|e| match e {
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

/// Shows one rater's full phone to call back; the audit row says who saw
/// it, written before the page is answered.
#[post("/follow-ups/{id}/reveal")]
async fn reveal(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<FollowUpId>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(MANAGERS)?.account.clone();
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let entry = Entry::new(
        user.actor(&client_ip(&req)),
        "follow_up.reveal_phone",
        format!("follow_up:{id}"),
    );
    let page = state
        .db
        .run(move |conn| {
            audited(conn, &entry, now, |conn| owned(conn, &user, id))?;
            page(conn, &user, ctx, now, tz, Some(id))
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct AppealForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    evidence: String,
}

/// 申诉: the department asks an administrator to review one of its ratings.
#[post("/ratings/{id}/appeal")]
async fn appeal(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    id: web::Path<RatingId>,
    form: web::Form<AppealForm>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(MANAGERS)?.account.clone();
    let id = id.into_inner();
    let now = state.clock.now_utc();
    let entry = Entry::new(
        user.actor(&client_ip(&req)),
        "rating.appeal",
        format!("rating:{id}"),
    );
    let form = form.into_inner();
    let result = state
        .db
        .run(move |conn| {
            audited(conn, &entry, now, |conn| {
                let owner: DepartmentId = crate::db::schema::ratings::table
                    .find(id)
                    .select(crate::db::schema::ratings::department_id)
                    .first(conn)
                    .optional()?
                    .ok_or(AppError::NotFound)?;
                if user.role != Role::Admin && user.department_id != Some(owner) {
                    return Err(AppError::NotFound);
                }
                Ok(appeals::file(
                    conn,
                    id,
                    owner,
                    &form.reason,
                    &form.evidence,
                    user.id,
                    now,
                )?)
            })
        })
        .await;
    match result {
        Ok(a) if a.status == AppealStatus::Pending => Ok(see_other("/follow-ups?appealed=1")),
        Ok(_) => Ok(see_other("/follow-ups")),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(_) => Ok(see_other("/follow-ups?error=appeal")),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(follow_ups)
        .service(record)
        .service(reveal)
        .service(appeal);
}
