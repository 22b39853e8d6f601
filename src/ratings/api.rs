//! 好差评 in `/api/v1`: the owner rates a finished visit or a decided case;
//! anyone reads the published figures.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::service::{self, Channel, Given, Target};
use super::summary::{self, DepartmentFigures};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::booking::api::parse_date;
use crate::booking::{code, repo as booking_repo};
use crate::db::ids::{HallId, RatingId};
use crate::error::{AppError, AppResult, BodyErrors, ErrorBody, SignInFirst};
use crate::web::AppState;

#[derive(Deserialize, ToSchema)]
#[schema(as = NewRating)]
struct RatingBody {
    /// 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
    #[serde(deserialize_with = "crate::db::ids::whole_i32")]
    #[schema(minimum = 1, maximum = 5)]
    grade: i32,
    /// Required for grades 1 and 2.
    #[serde(default)]
    comment: Option<String>,
    /// Optional tick-box reasons of a bad grade: `attitude` 态度, `efficiency`
    /// 效率, `unclear_materials` 材料要求不清, `repeated_trips` 多次跑腿, `other`.
    #[serde(default)]
    reasons: Vec<String>,
    /// A case of the visit, once decided (一事一评); absent: the visit
    /// itself (一次一评).
    #[serde(default)]
    case: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = RatingGiven)]
struct RatingJson {
    id: RatingId,
    grade: i32,
    /// The case rated, if any.
    case: Option<String>,
    /// A bad rating opened a follow-up (回访、整改、反馈).
    follow_up: bool,
}

/// 评价 / Rate one's own finished visit, or a case of it once decided.
#[utoipa::path(
    tag = "ratings",
    params(("code" = String, Path, example = "K7M3Q9", description = "预约码 / the booking code")),
    request_body = RatingBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已评价 / rated", body = RatingJson),
        BodyErrors,
        SignInFirst,
        (status = 403, description = "非居民账号 / `forbidden`", body = ErrorBody),
        (status = 404, description = "无此预约或办件 / no booking (or case) of yours", body = ErrorBody),
        (status = 409, description = "`already_rated`, `not_finished`", body = ErrorBody),
        (status = 422, description = "`invalid_grade`, `comment_required`, `invalid_reason`, `invalid_comment`", body = ErrorBody),
    ),
)]
#[post("/bookings/{code}/rating")]
async fn rate(
    state: web::Data<AppState>,
    identity: Identity,
    booking: web::Path<String>,
    body: web::Json<RatingBody>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(&[Role::Resident])?.account.id;
    let c = code::normalise(&booking).ok_or(AppError::NotFound)?;
    let body = body.into_inner();
    let given = Given::check(
        body.grade,
        body.comment.as_deref().unwrap_or_default(),
        &body.reasons,
    )?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let json = state
        .db
        .run(move |conn| -> AppResult<_> {
            let b = booking_repo::find_owned(conn, &c, account)?.ok_or(AppError::NotFound)?;
            let t = crate::queue::issue::for_booking(conn, b.id)?.ok_or(AppError::NotFound)?;
            let target = match body
                .case
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                Some(number) => {
                    let case = crate::cases::service::find_by_number(conn, number)?
                        .filter(|c| c.ticket_id == t.id)
                        .ok_or(AppError::NotFound)?;
                    Target::Case(case.id)
                }
                None => {
                    // The visit must be over before it is rated (409, not 404).
                    Target::Visit(t.id)
                }
            };
            let r = service::rate(conn, target, &given, Channel::Api, now, tz)?;
            Ok(RatingJson {
                id: r.id,
                grade: r.grade,
                case: body.case.filter(|c| !c.trim().is_empty()),
                follow_up: service::is_bad(r.grade),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(json))
}

/// 好差评公示 / The published figures per department for a period.
///
/// Anyone may read them. A rating excluded after an upheld appeal is not
/// counted (it stays on record); ratings a hall rule gave for visits not
/// rated in time are counted and shown apart.
#[utoipa::path(
    tag = "ratings",
    params(
        ("hall_id" = Option<HallId>, Query, description = "大厅 / one hall (all when absent)"),
        ("from" = Option<String>, Query, format = Date, example = "2026-11-01", description = "起 / first day (default: 30 days ago)"),
        ("to" = Option<String>, Query, format = Date, example = "2026-11-30", description = "止 / last day (default: today)"),
    ),
    responses(
        (status = 200, description = "各部门好差评 / per department", body = [DepartmentFigures]),
        (status = 422, description = "`invalid_date`, `invalid_parameter`", body = ErrorBody),
    ),
)]
#[get("/ratings/summary")]
async fn summary_json(
    state: web::Data<AppState>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let tz = state.tz();
    let today = state.clock.today_in(tz);
    let day = |k: &str, default| match params.get(k) {
        Some(v) => parse_date(v),
        None => Ok(default),
    };
    let from = day("from", today - chrono::Duration::days(30))?;
    let to = day("to", today)?;
    if to < from || (to - from).num_days() > 800 {
        return Err(AppError::invalid(
            "invalid_parameter",
            "from must come before to, at most 800 days apart",
        ));
    }
    let hall = match params.get("hall_id") {
        Some(h) => Some(
            h.trim()
                .parse::<HallId>()
                .ok()
                .filter(|h| h.0 >= 1)
                .ok_or_else(|| {
                    AppError::invalid("invalid_parameter", "hall_id must be a hall's id")
                })?,
        ),
        None => None,
    };
    let list = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(summary::figures(conn, hall, from, to, tz)?) })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=300",
        ))
        .json(list))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(rate).service(summary_json);
}
