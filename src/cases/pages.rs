//! Department staff's case list and case page (`/cases`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::models::{Case, CaseStatus};
use super::service;
use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::audit::{Entry, audited};
use crate::catalog::pages::views::date_label;
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::CaseId;
use crate::error::{AppError, AppResult};
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

const STAFF: &[Role] = &[Role::Clerk, Role::DeptAdmin, Role::Admin];

/// Staff see their own department's cases; administrators see all.
pub fn may_see(user: &Account, case: &Case) -> bool {
    user.role == Role::Admin
        || (user.role.is_staff() && user.department_id == Some(case.department_id))
}

pub struct CaseRow {
    pub id: CaseId,
    pub number: String,
    pub item: String,
    pub status: String,
    pub due: String,
    pub overdue: bool,
    pub due_soon: bool,
    pub closed: bool,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct CasesPage {
    ctx: PageCtx,
    rows: Vec<CaseRow>,
    overdue: usize,
    due_soon: usize,
}

fn rows(
    conn: &mut DbConn,
    list: Vec<Case>,
    ctx: &PageCtx,
    today: chrono::NaiveDate,
) -> Result<Vec<CaseRow>, AppError> {
    list.into_iter()
        .map(|c| {
            let item = catalog_repo::find_service(conn, c.service_id)?
                .map(|s| s.name)
                .unwrap_or_default();
            Ok(CaseRow {
                id: c.id,
                status: ctx.t(&format!("case-{}", c.status.as_str())),
                due: date_label(ctx.lang, c.promised_due),
                overdue: c.overdue(today),
                due_soon: c.due_soon(today),
                closed: c.status.is_closed(),
                number: c.case_number,
                item,
            })
        })
        .collect()
}

#[get("/cases")]
async fn cases_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(STAFF)?.account.clone();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let today = local(now, tz).date();
            let list = match (user.role, user.department_id) {
                (Role::Admin, _) => {
                    use crate::db::schema::cases;
                    use diesel::prelude::*;
                    cases::table
                        .order(cases::promised_due)
                        .limit(500)
                        .select(Case::as_select())
                        .load(conn)?
                }
                (_, Some(d)) => service::for_department(conn, d)?,
                (_, None) => Vec::new(),
            };
            let rows = rows(conn, list, &ctx, today)?;
            let overdue = rows.iter().filter(|r| r.overdue).count();
            let due_soon = rows.iter().filter(|r| r.due_soon).count();
            Ok(CasesPage {
                ctx,
                rows,
                overdue,
                due_soon,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

pub struct CaseView {
    pub number: String,
    pub item: String,
    pub status: String,
    pub explain: String,
    pub accepted: String,
    pub promised_due: String,
    pub legal_due: String,
    pub overdue: bool,
    pub timeline: Vec<(String, String, String)>,
}

impl CaseView {
    pub fn load(
        conn: &mut DbConn,
        c: &Case,
        lang: crate::i18n::Lang,
        tz: chrono_tz::Tz,
        today: chrono::NaiveDate,
    ) -> Result<CaseView, AppError> {
        let item = catalog_repo::find_service(conn, c.service_id)?
            .map(|s| s.name)
            .unwrap_or_default();
        let timeline = service::events_of(conn, c.id)?
            .into_iter()
            .map(|e| {
                (
                    lang.t(&format!("case-{}", e.status)),
                    crate::clock::format_local(e.at, tz),
                    e.note,
                )
            })
            .collect();
        Ok(CaseView {
            number: c.case_number.clone(),
            item,
            status: lang.t(&format!("case-{}", c.status.as_str())),
            explain: lang.t(&format!("case-{}-explain", c.status.as_str())),
            accepted: date_label(lang, c.accepted_on),
            promised_due: date_label(lang, c.promised_due),
            legal_due: c.legal_due.map(|d| date_label(lang, d)).unwrap_or_default(),
            overdue: c.overdue(today),
            timeline,
        })
    }
}

#[derive(Template)]
#[template(path = "cases/detail.html")]
struct CasePage {
    ctx: PageCtx,
    id: CaseId,
    view: CaseView,
    next: Vec<(String, String)>,
    error: String,
}

#[derive(Deserialize, Default)]
struct ErrorQuery {
    error: Option<String>,
}

#[get("/cases/{id}")]
async fn case_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<CaseId>,
    q: web::Query<ErrorQuery>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(STAFF)?.account.clone();
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let page = state
        .db
        .run(move |conn| {
            let c = service::find(conn, id).map_err(|_| AppError::NotFound)?;
            if !may_see(&user, &c) {
                return Err(AppError::NotFound);
            }
            let view = CaseView::load(conn, &c, ctx.lang, tz, local(now, tz).date())?;
            let next = c
                .status
                .next()
                .iter()
                .map(|s| {
                    (
                        s.as_str().to_string(),
                        ctx.t(&format!("case-{}", s.as_str())),
                    )
                })
                .collect();
            let error = if q.error.is_some() {
                ctx.t("case-error-move")
            } else {
                String::new()
            };
            Ok(CasePage {
                ctx,
                id,
                view,
                next,
                error,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct AdvanceForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
}

#[post("/cases/{id}/advance")]
async fn advance_case(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    id: web::Path<CaseId>,
    form: web::Form<AdvanceForm>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(STAFF)?.account.clone();
    let id = id.into_inner();
    let to = form.to.parse::<CaseStatus>().ok();
    let note = form.note.clone();
    let now = state.clock.now_utc();
    let entry = Entry::new(
        user.actor(&client_ip(&req)),
        "case.advance",
        format!("case:{id}"),
    );
    let result = state
        .db
        .run(move |conn| {
            audited(conn, &entry, now, |conn| {
                let c = service::find(conn, id).map_err(|_| AppError::NotFound)?;
                if !may_see(&user, &c) {
                    return Err(AppError::NotFound);
                }
                let to =
                    to.ok_or_else(|| AppError::invalid("invalid_status", "unknown case status"))?;
                Ok(service::advance(conn, id, to, &note, user.id, now)?)
            })
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/cases/{id}"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(_) => Ok(see_other(&format!("/cases/{id}?error=1"))),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(cases_page)
        .service(case_page)
        .service(advance_case);
}
