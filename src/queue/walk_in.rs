//! The kiosk's walk-in: choose an item, say whether a priority applies
//! (老年人, 残疾人, 军人…), take a number.

use super::error::QueueError;
use super::events::EventBus;
use super::events::HallEvent;
use super::issue;
use super::kiosk::{kiosk_hall, throttled};
use super::models::PriorityReason;
use crate::catalog::models::{Department, ServiceItem};
use crate::catalog::repo::{self as catalog_repo, ServiceFilter};
use crate::catalog::search;
use crate::db::ids::{DepartmentId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::web::forms::{HtmlForm, private_page, see_other};
use crate::web::{AppState, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "queue/kiosk_walkin.html")]
pub(crate) struct WalkInPage {
    pub(crate) ctx: PageCtx,
    pub(crate) departments: Vec<Department>,
    pub(crate) department: Option<Department>,
    pub(crate) items: Vec<ServiceItem>,
    pub(crate) q: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct WalkInQuery {
    pub(crate) department: Option<String>,
    pub(crate) q: Option<String>,
    pub(crate) service: Option<String>,
}

#[get("/kiosk/walk-in")]
pub(crate) async fn walk_in_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: crate::accounts::Identity,
    query: web::Query<WalkInQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    if let Some(s) = query
        .service
        .as_deref()
        .and_then(|s| s.parse::<ServiceId>().ok())
    {
        return Ok(see_other(&format!("/kiosk/walk-in/{s}")));
    }
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = kiosk_hall(conn, &identity)?;
            let departments: Vec<Department> = catalog_repo::list_departments(conn, Some(hall.id))?
                .into_iter()
                .map(|d| d.department)
                .collect();
            let department = query
                .department
                .as_deref()
                .and_then(|d| d.parse::<DepartmentId>().ok())
                .and_then(|d| departments.iter().find(|x| x.id == d).cloned());
            let q: String = query.q.unwrap_or_default().chars().take(50).collect();
            let items = if department.is_some() || !q.trim().is_empty() {
                let filter = ServiceFilter {
                    hall: Some(hall.id),
                    department: department.as_ref().map(|d| d.id),
                    category: None,
                    query: search::parse(&q),
                };
                catalog_repo::search_services(conn, &filter)?
            } else {
                Vec::new()
            };
            Ok(WalkInPage {
                ctx,
                departments,
                department,
                items,
                q,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "queue/kiosk_confirm.html")]
pub(crate) struct ConfirmPage {
    pub(crate) ctx: PageCtx,
    pub(crate) item: ServiceItem,
    /// Items a window serving this one also serves (同时办理), (id, name).
    pub(crate) companions: Vec<(i32, String)>,
    pub(crate) reasons: Vec<(String, String)>,
    pub(crate) error: String,
}

pub(crate) fn reasons(ctx: &PageCtx) -> Vec<(String, String)> {
    PriorityReason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                ctx.t(&format!("priority-{}", r.as_str())),
            )
        })
        .collect()
}

/// The confirmation page of an item: priorities and the items that can be
/// done at the same window in the same visit.
fn confirm_page(
    conn: &mut crate::db::DbConn,
    ctx: PageCtx,
    device: Option<&crate::accounts::device::Device>,
    id: ServiceId,
    error: String,
) -> AppResult<ConfirmPage> {
    let item = catalog_repo::find_service(conn, id)?.ok_or(AppError::NotFound)?;
    // A paired kiosk offers its own hall's items only.
    crate::accounts::device::check_hall(device, item.hall_id).map_err(|_| AppError::NotFound)?;
    let companions = crate::booking::items::companions(conn, &[id], false)?
        .into_iter()
        .map(|c| (c.id.0, c.name))
        .collect();
    Ok(ConfirmPage {
        reasons: reasons(&ctx),
        ctx,
        item,
        companions,
        error,
    })
}

#[get("/kiosk/walk-in/{id}")]
pub(crate) async fn walk_in_confirm(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: crate::accounts::Identity,
    id: web::Path<ServiceId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let device = identity.device.clone();
    let page = state
        .db
        .run(move |conn| confirm_page(conn, ctx, device.as_ref(), id, String::new()))
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub(crate) struct WalkInForm {
    pub(crate) priority: Option<String>,
    /// More items for the same visit (the field repeats).
    #[serde(default)]
    pub(crate) also: Vec<String>,
}

#[post("/kiosk/walk-in/{id}")]
pub(crate) async fn walk_in(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: crate::accounts::Identity,
    id: web::Path<ServiceId>,
    form: HtmlForm<WalkInForm>,
) -> Result<HttpResponse, AppError> {
    throttled(&state, &req)?;
    let id = id.into_inner();
    let form = form.0;
    let device = identity.device.clone();
    let priority = form
        .priority
        .as_deref()
        .filter(|p| !p.is_empty())
        .and_then(|p| p.parse::<PriorityReason>().ok());
    let mut services = vec![id];
    services.extend(form.also.iter().filter_map(|a| a.parse::<ServiceId>().ok()));
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            // A paired kiosk offers its own hall's items only.
            for s in &services {
                if let Some(item) = crate::catalog::repo::find_service(conn, *s)?
                    && crate::accounts::device::check_hall(device.as_ref(), item.hall_id).is_err()
                {
                    return Err(AppError::NotFound);
                }
            }
            Ok(match issue::walk_in(conn, &services, priority, now, tz) {
                Ok(t) => Ok(t),
                Err(QueueError::NotFound) => return Err(AppError::NotFound),
                Err(QueueError::Db(f)) => return Err(f.into()),
                Err(e) => {
                    let error = ctx.t(e.message_key());
                    Err(confirm_page(conn, ctx, device.as_ref(), id, error)?)
                }
            })
        })
        .await?;
    match result {
        Ok(t) => {
            bus.publish(&state.db, vec![HallEvent::Queue { hall_id: t.hall_id }])
                .await;
            Ok(see_other(&format!("/kiosk/ticket/{}", t.id)))
        }
        Err(page) => private_page(StatusCode::CONFLICT, &page),
    }
}
