//! `/admin/appeals`: the departments' appeals of ratings (申诉复核), for an
//! administrator to decide. Upheld, a rating stays on record but leaves the
//! published figures; each decision is audited in its own transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::audit::{Entry, audited};
use crate::clock::format_local;
use crate::db::schema::{departments, ratings, service_items};
use crate::error::{AppError, AppResult};
use crate::ratings::appeals::{self, AppealStatus};
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

pub struct AppealRow {
    pub id: i32,
    pub department: String,
    pub item: String,
    pub grade: String,
    pub comment: String,
    pub reason: String,
    pub evidence: String,
    pub filed: String,
    pub pending: bool,
    pub status: String,
    pub decision: String,
}

#[derive(Template)]
#[template(path = "admin/appeals.html")]
struct AppealsPage {
    ctx: PageCtx,
    rows: Vec<AppealRow>,
    error: String,
}

#[derive(Deserialize, Default)]
struct Flash {
    error: Option<String>,
}

#[get("/admin/appeals")]
async fn appeals_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<Flash>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let tz = state.tz();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let mut rows = Vec::new();
            for a in appeals::list(conn)? {
                let (grade, comment, item, department): (i32, String, String, String) =
                    ratings::table
                        .inner_join(service_items::table.inner_join(departments::table))
                        .filter(ratings::id.eq(a.rating_id))
                        .select((
                            ratings::grade,
                            ratings::comment,
                            service_items::name,
                            departments::name,
                        ))
                        .first(conn)?;
                rows.push(AppealRow {
                    id: a.id,
                    department,
                    item,
                    grade: ctx.t(&format!("grade-{grade}")),
                    comment,
                    reason: a.reason,
                    evidence: a.evidence,
                    filed: format_local(a.filed_at, tz),
                    pending: a.status == AppealStatus::Pending,
                    status: ctx.t(&format!("appeal-{}", a.status.as_str())),
                    decision: a.decision_note,
                });
            }
            let error = q
                .error
                .as_ref()
                .map(|_| ctx.t("appeal-error-decide"))
                .unwrap_or_default();
            Ok(AppealsPage { ctx, rows, error })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

#[post("/admin/appeals/{id}")]
async fn decide(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    id: web::Path<i32>,
    form: web::Form<DecideForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let id = id.into_inner();
    let now = state.clock.now_utc();
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "rating.appeal_decide",
        format!("appeal:{id}"),
    );
    let form = form.into_inner();
    let by = scope.account.id;
    let result = state
        .db
        .run(move |conn| {
            audited(conn, &entry, now, |conn| {
                let upheld = match form.decision.as_str() {
                    "upheld" => true,
                    "rejected" => false,
                    _ => return Err(AppError::invalid("invalid_decision", "upheld or rejected")),
                };
                Ok(appeals::decide(conn, id, upheld, &form.note, by, now)?)
            })
        })
        .await;
    match result {
        Ok(_) => Ok(see_other("/admin/appeals")),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(_) => Ok(see_other("/admin/appeals?error=1")),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(appeals_page).service(decide);
}
