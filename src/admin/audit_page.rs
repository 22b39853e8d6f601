//! The audit trail page for administrators: filter by action, result,
//! account and period; times shown in hall time.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::audit::AuditEntry;
use crate::clock::format_local as local_time;
use crate::db::ids::AccountId;
use crate::db::schema::audit_log;
use crate::error::{AppError, AppResult};
use crate::web::forms::private_page;
use crate::web::{AppState, PageCtx};

#[derive(Deserialize, Default, Clone)]
pub struct AuditFilter {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub target: String,
    pub result: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: PageCtx,
    f: AuditFilter,
    rows: Vec<AuditRow>,
    limited: bool,
}

const LIMIT: i64 = 300;

#[get("/admin/audit")]
async fn audit_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    f: web::Query<AuditFilter>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let f = f.into_inner();
    let tz = state.tz();
    let filter = f.clone();
    let entries =
        state
            .db
            .run(move |conn| -> AppResult<_> {
                let mut q = audit_log::table.order(audit_log::id.desc()).into_boxed();
                let action = crate::text::clean_line(&filter.action, 50);
                let action = action.as_str();
                if !action.is_empty() {
                    q = q.filter(
                        audit_log::action
                            .like(format!("{}%", action.replace(['%', '_', '\\'], ""))),
                    );
                }
                if ["ok", "denied", "failed"].contains(&filter.result.as_str()) {
                    q = q.filter(audit_log::result.eq(filter.result.clone()));
                }
                if let Ok(a) = filter.actor.trim().parse::<AccountId>() {
                    q = q.filter(audit_log::actor_id.eq(a));
                }
                // Days are hall days; stored instants are UTC (8 hours' margin is
                // resolved by filtering on the converted time below).
                let from = NaiveDate::parse_from_str(filter.from.trim(), "%Y-%m-%d").ok();
                let to = NaiveDate::parse_from_str(filter.to.trim(), "%Y-%m-%d").ok();
                if let Some(d) = from {
                    q = q
                        .filter(audit_log::at.ge(d.and_hms_opt(0, 0, 0).unwrap_or_default()
                            - chrono::Duration::hours(14)));
                }
                if let Some(d) = to {
                    q = q
                        .filter(audit_log::at.lt(d.and_hms_opt(0, 0, 0).unwrap_or_default()
                            + chrono::Duration::hours(38)));
                }
                let rows: Vec<AuditEntry> = q
                    .limit(LIMIT + 1)
                    .select(AuditEntry::as_select())
                    .load(conn)?;
                Ok(rows
                    .into_iter()
                    .filter(|e| {
                        let day = crate::clock::to_local(e.at, tz).date_naive();
                        from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
    let limited = entries.len() as i64 > LIMIT;
    let rows = entries
        .into_iter()
        .take(LIMIT as usize)
        .map(|e| AuditRow {
            at: local_time(e.at, tz),
            actor: match e.actor_id {
                Some(a) => format!(
                    "#{a} {}",
                    ctx.t(&format!(
                        "role-{}",
                        if e.actor_role.is_empty() {
                            "resident"
                        } else {
                            &e.actor_role
                        }
                    ))
                ),
                None => ctx.t("audit-anonymous"),
            },
            ip: e.ip,
            action: e.action,
            target: e.target,
            result: ctx.t(&format!("audit-result-{}", e.result)),
            detail: e.detail,
        })
        .collect();
    private_page(
        StatusCode::OK,
        &AuditPage {
            ctx,
            f,
            rows,
            limited,
        },
    )
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(audit_page);
}
