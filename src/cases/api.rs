//! Cases in `/api/v1`: one case for its applicant, its department's staff
//! and administrators; its department's moves (suspend, resume, extend,
//! conclude …), each with its audit row in the same transaction.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::CaseJson;
use super::models::{Case, CaseStatus, SuspensionKind};
use super::moves::{self, CaseMove, Mover};
use super::service;
use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::audit::{Entry, audited};
use crate::clock::local;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, BodyErrors, ErrorBody, SignInFirst};
use crate::web::AppState;
use crate::web::throttle::client_ip;

/// The applicant, staff of the case's department, administrators.
pub fn may_read(user: &Account, c: &Case) -> bool {
    match user.role {
        Role::Resident => c.account_id == Some(user.id),
        _ => super::pages::may_see(user, c),
    }
}

fn find_seen(conn: &mut DbConn, user: &Account, number: &str) -> AppResult<Case> {
    let number: String = number.chars().take(40).collect();
    match service::find_by_number(conn, number.trim())? {
        Some(c) if may_read(user, &c) => Ok(c),
        _ => Err(AppError::NotFound),
    }
}

/// 办件进度 / A case: its clock's dates, suspensions and history.
#[utoipa::path(
    tag = "cases",
    params(("number" = String, Path, example = "WUHAI-20261207-0012", description = "办件编号 / the case number")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "办件 / the case", body = CaseJson),
        SignInFirst,
        (status = 403, description = "须先修改一次性密码 / `password_change_required`", body = ErrorBody),
        (status = 404, description = "无此办件 / none the caller may see", body = ErrorBody),
    ),
)]
#[get("/cases/{number}")]
async fn show(
    state: web::Data<AppState>,
    identity: Identity,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = identity
        .require(&[Role::Resident, Role::Clerk, Role::DeptAdmin, Role::Admin])?
        .account
        .clone();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let json = state
        .db
        .run(move |conn| -> AppResult<_> {
            let c = find_seen(conn, &user, &number)?;
            Ok(CaseJson::load(conn, &c, tz, local(now, tz).date())?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

/// What a move takes; each action reads the fields it needs.
#[derive(Debug, Deserialize, Default, ToSchema)]
#[schema(as = CaseActionBody)]
pub struct CaseActionBody {
    /// For `suspend`: `supplement` 补正, `hearing` 听证, `inspection` 检验检测,
    /// `expert_review` 专家评审, `public_notice` 公示, `other`.
    #[schema(value_type = Option<SuspensionKind>)]
    pub kind: Option<String>,
    /// For `suspend`, `extend` and `not_accept`: why.
    #[serde(default)]
    pub reason: String,
    /// For `extend`: working days, at most the item's own limit (10 by
    /// default).
    #[serde(default, deserialize_with = "crate::db::ids::whole_i32_opt")]
    pub days: Option<i32>,
    /// For `conclude`: `approved` (准予) or `refused` (不予许可).
    #[schema(example = "approved")]
    pub outcome: Option<String>,
    /// For `conclude` (the reason of a refusal) and `deliver`.
    #[serde(default)]
    pub note: String,
    /// For `supplement`: everything missing, at once (一次性告知).
    #[serde(default)]
    pub missing_materials: Vec<String>,
    /// For `deliver`: `ready_for_pickup` (at the window) or `mailed`.
    #[schema(value_type = Option<CaseStatus>)]
    pub to: Option<String>,
}

impl CaseActionBody {
    /// The move named `action`, or why this body cannot be it.
    pub fn into_move(self, action: &str) -> Result<CaseMove, AppError> {
        let bad = |code: &'static str, msg: &str| AppError::invalid(code, msg.to_string());
        Ok(match action {
            "accept" => CaseMove::Accept,
            "supplement" => CaseMove::Supplement(self.missing_materials),
            "resubmit" => CaseMove::Resubmit,
            "not_accept" => CaseMove::NotAccept(self.reason),
            "review" => CaseMove::Review,
            "suspend" => {
                let kind = self
                    .kind
                    .as_deref()
                    .and_then(|k| k.parse::<SuspensionKind>().ok())
                    .ok_or_else(|| {
                        bad("invalid_kind", "kind must be one of the suspension kinds")
                    })?;
                CaseMove::Suspend(kind, self.reason)
            }
            "resume" => CaseMove::Resume,
            "extend" => CaseMove::Extend(
                self.days
                    .ok_or_else(|| bad("invalid_extension", "days is required"))?,
                self.reason,
            ),
            "conclude" => match self.outcome.as_deref() {
                Some("approved") => CaseMove::Conclude(true, self.note),
                Some("refused") => CaseMove::Conclude(false, self.note),
                _ => {
                    return Err(bad(
                        "invalid_outcome",
                        "outcome must be approved or refused",
                    ));
                }
            },
            "deliver" => match self
                .to
                .as_deref()
                .and_then(|t| t.parse::<CaseStatus>().ok())
            {
                Some(to @ (CaseStatus::ReadyForPickup | CaseStatus::Mailed)) => {
                    CaseMove::Deliver(to, self.note)
                }
                _ => {
                    return Err(bad(
                        "invalid_delivery",
                        "to must be ready_for_pickup or mailed",
                    ));
                }
            },
            "collect" => CaseMove::Collect,
            _ => return Err(AppError::NotFound),
        })
    }
}

/// Applies a move for a member of staff, with its audit row (a refusal is
/// audited too).
pub fn perform(
    conn: &mut DbConn,
    user: &Account,
    ip: &str,
    c: &Case,
    mv: CaseMove,
    now: chrono::NaiveDateTime,
    tz: chrono_tz::Tz,
) -> AppResult<Case> {
    let entry = Entry::new(
        user.actor(ip),
        format!("case.{}", mv.name()),
        format!("case:{}", c.id),
    );
    let by = Mover {
        id: user.id,
        manager: matches!(user.role, Role::DeptAdmin | Role::Admin),
    };
    audited(conn, &entry, now, |conn| {
        Ok(moves::apply(conn, c.id, mv, by, now, tz)?)
    })
}

/// 办件操作 / A move on a case by its department's staff.
///
/// `accept`, `supplement` {missing_materials}, `resubmit`, `not_accept`
/// {reason}, `review`, `suspend` {kind, reason}, `resume`, `extend` {days,
/// reason} (a department administrator approves it; once), `conclude`
/// {outcome, note}, `deliver` {to, note}, `collect`. Working days while
/// suspended do not count: both due dates move on by them.
#[utoipa::path(
    tag = "cases",
    params(
        ("number" = String, Path, example = "WUHAI-20261207-0012", description = "办件编号 / the case number"),
        ("action" = String, Path, example = "suspend", description = "accept, supplement, resubmit, not_accept, review, suspend, resume, extend, conclude, deliver, collect"),
    ),
    request_body = CaseActionBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "办件 / the case after the move", body = CaseJson),
        BodyErrors,
        SignInFirst,
        (status = 403, description = "非本部门工作人员，或延期须管理员批准 / `forbidden`", body = ErrorBody),
        (status = 404, description = "无此办件或操作 / no such case (of your department) or action", body = ErrorBody),
        (status = 409, description = "`illegal_transition`, `case_suspended`, `already_extended`", body = ErrorBody),
        (status = 422, description = "`invalid_kind`, `reason_required`, `invalid_extension`, `invalid_outcome`, `invalid_delivery`, `missing_materials_required`, `supplement_does_not_stop_clock`", body = ErrorBody),
    ),
)]
#[post("/cases/{number}/{action}")]
async fn act(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    path: web::Path<(String, String)>,
    body: web::Json<CaseActionBody>,
) -> Result<HttpResponse, AppError> {
    let user = identity
        .require(&[Role::Clerk, Role::DeptAdmin, Role::Admin])?
        .account
        .clone();
    let (number, action) = path.into_inner();
    let mv = body.into_inner().into_move(&action)?;
    let (now, tz, ip) = (state.clock.now_utc(), state.tz(), client_ip(&req));
    let json = state
        .db
        .run(move |conn| -> AppResult<_> {
            let c = find_seen(conn, &user, &number)?;
            let c = perform(conn, &user, &ip, &c, mv, now, tz)?;
            Ok(CaseJson::load(conn, &c, tz, local(now, tz).date())?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(show).service(act);
}
