//! Department staff's case list and case page (`/cases`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::models::{Case, CaseStatus, SuspensionKind};
use super::moves::CaseMove;
use super::service;
use super::view::CaseView;
use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::catalog::pages::views::date_label;
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::CaseId;
use crate::error::{AppError, AppResult};
use crate::web::forms::{HtmlForm, private_page, see_other};
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
    /// "剩余 3 个工作日", "超期 2 个工作日", "暂停中" …
    pub left: String,
    pub overdue: bool,
    pub due_soon: bool,
    pub notice_overdue: bool,
    pub suspended: bool,
    pub closed: bool,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct CasesPage {
    ctx: PageCtx,
    rows: Vec<CaseRow>,
    overdue: usize,
    due_soon: usize,
    notice_overdue: usize,
}

fn row(
    conn: &mut DbConn,
    c: Case,
    left: Option<i64>,
    ctx: &PageCtx,
    today: chrono::NaiveDate,
) -> Result<CaseRow, AppError> {
    let item = catalog_repo::find_service(conn, c.service_id)?
        .map(|s| s.name)
        .unwrap_or_default();
    let (due, label) = if c.status.is_before_acceptance() {
        (c.notice_due, "cases-notice-left")
    } else {
        (c.promised_due, "cases-left")
    };
    let suspended = c.suspended_since.is_some();
    Ok(CaseRow {
        id: c.id,
        status: ctx.t(&format!("case-{}", c.status.as_str())),
        due: due.map(|d| date_label(ctx.lang, d)).unwrap_or_default(),
        left: match left {
            _ if suspended => ctx.t("case-suspended"),
            Some(n) if n < 0 => ctx.tn("cases-over", -n),
            Some(n) => ctx.tn(label, n),
            None => String::new(),
        },
        overdue: c.overdue(today),
        due_soon: left.is_some_and(|n| (0..=2).contains(&n)) && !c.status.is_decided(),
        notice_overdue: c.notice_overdue(today),
        suspended,
        closed: c.status.is_closed(),
        number: c.case_number,
        item,
    })
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
            let department = match (user.role, user.department_id) {
                (Role::Admin, _) => None,
                (_, Some(d)) => Some(d),
                (_, None) => return Err(AppError::NotFound),
            };
            let rows = service::for_department(conn, department, today)?
                .into_iter()
                .map(|(c, left)| row(conn, c, left, &ctx, today))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(CasesPage {
                overdue: rows.iter().filter(|r| r.overdue).count(),
                due_soon: rows.iter().filter(|r| r.due_soon).count(),
                notice_overdue: rows.iter().filter(|r| r.notice_overdue).count(),
                rows,
                ctx,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "cases/detail.html")]
struct CasePage {
    ctx: PageCtx,
    id: CaseId,
    view: CaseView,
    status: CaseStatus,
    /// The status steps offered (`review`, `deliver` …) as (to, label).
    next: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    materials: Vec<String>,
    max_extension: i32,
    can_extend: bool,
    clock_runs: bool,
    suspended: bool,
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
            let item = catalog_repo::find_service(conn, c.service_id)?;
            let view = CaseView::load(conn, &c, ctx.lang, tz, local(now, tz).date())?;
            // Steps the one-form flow offers; the decision and the clock
            // have their own forms.
            let next = c
                .status
                .next()
                .iter()
                .filter(|s| {
                    matches!(
                        s,
                        CaseStatus::Reviewing
                            | CaseStatus::ReadyForPickup
                            | CaseStatus::Mailed
                            | CaseStatus::Collected
                            | CaseStatus::Received
                    )
                })
                .map(|s| {
                    (
                        s.as_str().to_string(),
                        ctx.t(&format!("case-{}", s.as_str())),
                    )
                })
                .collect();
            let error = q
                .error
                .as_deref()
                .map(|code| ctx.t(error_key(code)))
                .unwrap_or_default();
            Ok(CasePage {
                next,
                kinds: SuspensionKind::ALL
                    .iter()
                    .map(|k| {
                        (
                            k.as_str().to_string(),
                            ctx.t(&format!("suspension-{}", k.as_str())),
                        )
                    })
                    .collect(),
                materials: catalog_repo::materials_of(conn, c.service_id)?
                    .into_iter()
                    .map(|m| m.name)
                    .collect(),
                max_extension: item.map(|i| i.max_extension_days).unwrap_or(0),
                can_extend: matches!(user.role, Role::DeptAdmin | Role::Admin)
                    && c.extended_days == 0,
                clock_runs: c.status.clock_runs(),
                suspended: c.suspended_since.is_some(),
                status: c.status,
                ctx,
                id,
                view,
                error,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

/// The message of a refused move, by its error code.
fn error_key(code: &str) -> &'static str {
    match code {
        "case_suspended" => "case-error-suspended",
        "already_extended" => "case-error-extended",
        "forbidden" => "case-error-manager",
        "reason_required" => "case-error-reason",
        "invalid_extension" => "case-error-extension",
        "missing_materials_required" => "queue-error-missing-materials-required",
        "supplement_does_not_stop_clock" => "case-error-supplement",
        _ => "case-error-move",
    }
}

/// The case page's forms: one action each, the fields it needs.
#[derive(Deserialize, Default)]
struct CaseForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    missing_materials: Vec<String>,
}

impl CaseForm {
    /// The move a form asks for; `advance` names the next status.
    fn into_move(self, action: &str) -> Result<CaseMove, AppError> {
        let action = match (action, self.to.as_str()) {
            ("advance", "reviewing") => "review",
            ("advance", "received") => "resubmit",
            ("advance", "ready_for_pickup" | "mailed") => "deliver",
            ("advance", "collected") => "collect",
            ("advance", "approved") => "conclude_approved",
            ("advance", "refused") => "conclude_refused",
            (a, _) => a,
        };
        let body = super::api::CaseActionBody {
            kind: Some(self.kind),
            reason: self.reason,
            days: crate::text::ascii_width(self.days.trim()).parse().ok(),
            outcome: Some(match action {
                "conclude_approved" => "approved".to_string(),
                "conclude_refused" => "refused".to_string(),
                _ => self.outcome,
            }),
            note: self.note,
            missing_materials: self.missing_materials,
            to: Some(self.to),
        };
        let action = action
            .strip_prefix("conclude_")
            .map_or(action, |_| "conclude");
        body.into_move(action)
    }
}

#[post("/cases/{id}/{action}")]
async fn case_action(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    path: web::Path<(CaseId, String)>,
    form: HtmlForm<CaseForm>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(STAFF)?.account.clone();
    let (id, action) = path.into_inner();
    let (now, tz, ip) = (state.clock.now_utc(), state.tz(), client_ip(&req));
    let mv = form.0.into_move(&action);
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            let c = service::find(conn, id).map_err(|_| AppError::NotFound)?;
            if !may_see(&user, &c) {
                return Err(AppError::NotFound);
            }
            Ok(mv.and_then(|mv| super::api::perform(conn, &user, &ip, &c, mv, now, tz)))
        })
        .await?;
    match result {
        Ok(_) => Ok(see_other(&format!("/cases/{id}"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => Ok(see_other(&format!("/cases/{id}?error={}", e.code()))),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(cases_page)
        .service(case_page)
        .service(case_action);
}
