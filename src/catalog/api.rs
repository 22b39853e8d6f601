//! The catalogue part of the JSON API (`/api/v1`): halls, departments,
//! windows and service items. Lists are returned whole.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::*;
use super::models::Category;
use super::models::ServiceItem;
use super::repo::{self, ServiceFilter};
use super::search;
use super::snapshot::{Body, Catalogue, HallCatalogue};
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId, ServiceId};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::hall::repo as hall_repo;
use crate::web::AppState;
use crate::web::cache::{cacheable_json, tagged_bytes};

type Params = web::Query<HashMap<String, String>>;

/// An optional parameter: absent is `None`; present, it must be a valid
/// value (an empty one too: the API is for programs, which can leave it
/// out), else a 422 naming the parameter.
fn param<T: FromStr>(params: &Params, name: &'static str) -> Result<Option<T>, AppError> {
    match params.get(name).map(|s| s.trim()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            AppError::invalid(
                "invalid_parameter",
                format!("{name} must be a valid value, got '{v}'"),
            )
        }),
    }
}

fn known_hall(conn: &mut DbConn, hall: Option<HallId>) -> Result<Option<HallId>, AppError> {
    if let Some(h) = hall {
        hall_repo::find_hall(conn, h)?
            .ok_or_else(|| AppError::invalid("unknown_hall", format!("no hall with id {h}")))?;
    }
    Ok(hall)
}

/// Runs a list query filtered by the optional, checked `hall_id` parameter.
async fn per_hall<T: Send + 'static>(
    state: &AppState,
    params: &Params,
    list: fn(&mut DbConn, Option<HallId>) -> diesel::QueryResult<T>,
) -> Result<T, AppError> {
    let hall = param::<HallId>(params, "hall_id")?;
    state
        .db
        .run(move |conn| {
            let hall = known_hall(conn, hall)?;
            Ok(list(conn, hall)?)
        })
        .await
}

/// 大厅 / The halls of all four levels.
#[utoipa::path(
    tag = "catalogue",
    responses(
        (status = 200, description = "全部大厅 / every hall", body = [HallJson],
         headers(("ETag" = String, description = "the body's tag"))),
        (status = 304, description = "未变 / not modified since the `ETag` given in `If-None-Match`"),
    ),
)]
#[get("/halls")]
async fn list_halls(
    req: HttpRequest,
    state: web::Data<AppState>,
    catalogue: web::Data<Catalogue>,
) -> Result<HttpResponse, AppError> {
    let catalogue = catalogue.get_ref().clone();
    let list = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(catalogue.halls(conn)?) })
        .await?;
    let body: Vec<HallJson> = list
        .iter()
        .map(|h| HallJson {
            id: h.id,
            code: h.code.clone(),
            name: h.name.clone(),
            level: h.level,
            parent_id: h.parent_id,
            address: h.address.clone(),
            phone: h.phone.clone(),
        })
        .collect();
    cacheable_json(&req, &body)
}

/// 部门 / Departments, with how many windows and items each has.
#[utoipa::path(
    tag = "catalogue",
    params(("hall_id" = Option<HallId>, Query, description = "只列此大厅的 / only this hall's")),
    responses(
        (status = 200, description = "部门 / departments", body = [DepartmentJson]),
        (status = 304, description = "未变 / not modified since the `ETag` given in `If-None-Match`"),
        (status = 422, description = "参数无效 / a parameter is not valid (`invalid_parameter`, `unknown_hall`, `unknown_department`)", body = ErrorBody),
    ),
)]
#[get("/departments")]
async fn list_departments(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
) -> Result<HttpResponse, AppError> {
    let list = per_hall(&state, &params, repo::list_departments).await?;
    let body: Vec<DepartmentJson> = list
        .into_iter()
        .map(|s| DepartmentJson {
            id: s.department.id,
            hall_id: s.department.hall_id,
            code: s.department.code,
            name: s.department.name,
            short_name: s.department.short_name,
            phone: s.department.phone,
            window_count: s.window_count,
            service_count: s.service_count,
        })
        .collect();
    cacheable_json(&req, &body)
}

/// 窗口 / Windows, with the items each serves.
#[utoipa::path(
    tag = "catalogue",
    params(("hall_id" = Option<HallId>, Query, description = "只列此大厅的 / only this hall's")),
    responses(
        (status = 200, description = "窗口 / windows", body = [WindowJson]),
        (status = 304, description = "未变 / not modified since the `ETag` given in `If-None-Match`"),
        (status = 422, description = "参数无效 / a parameter is not valid (`invalid_parameter`, `unknown_hall`, `unknown_department`)", body = ErrorBody),
    ),
)]
#[get("/windows")]
async fn list_windows(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
) -> Result<HttpResponse, AppError> {
    let list = per_hall(&state, &params, repo::list_windows).await?;
    let body: Vec<WindowJson> = list
        .into_iter()
        .map(|(w, z, service_ids)| WindowJson {
            id: w.id,
            hall_id: w.hall_id,
            number: w.number,
            name: w.name,
            department_id: w.department_id,
            zone: z.letter,
            floor: z.floor,
            service_ids,
        })
        .collect();
    cacheable_json(&req, &body)
}

/// 事项 / Service items, filtered and, with `q`, ranked by relevance.
#[utoipa::path(
    tag = "catalogue",
    params(
        ("hall_id" = Option<HallId>, Query, description = "只列此大厅的 / only this hall's"),
        ("department_id" = Option<DepartmentId>, Query, description = "只列此部门的 / only this department's"),
        ("category" = Option<Category>, Query, description = "事项类别 / kind of item"),
        ("q" = Option<String>, Query, max_length = 100, example = "换身份证",
         description = "搜索 / words as a resident types them: 汉字, pinyin or initials; best match first"),
    ),
    responses(
        (status = 200, description = "事项 / items", body = [ServiceJson]),
        (status = 304, description = "未变 / not modified since the `ETag` given in `If-None-Match`"),
        (status = 422, description = "参数无效 / a parameter is not valid (`invalid_parameter`, `unknown_hall`, `unknown_department`)", body = ErrorBody),
    ),
)]
#[get("/services")]
async fn list_services(
    req: HttpRequest,
    state: web::Data<AppState>,
    catalogue: web::Data<Catalogue>,
    params: Params,
) -> Result<HttpResponse, AppError> {
    let hall = param::<HallId>(&params, "hall_id")?;
    let department = param::<DepartmentId>(&params, "department_id")?;
    let category = param::<Category>(&params, "category")?;
    let q = params.get("q").cloned().unwrap_or_default();
    if q.chars().count() > 100 {
        return Err(AppError::invalid(
            "invalid_parameter",
            "q must be at most 100 characters",
        ));
    }
    let catalogue = catalogue.get_ref().clone();
    let found = state
        .db
        .run(move |conn| {
            // Parsing a query segments it: work for the blocking pool.
            let query = search::parse(&q);
            let filter = ServiceFilter {
                hall,
                department,
                category,
                query,
            };
            find_services(conn, &catalogue, filter)
        })
        .await?;
    match found {
        // One hall without a query: the body is made once per catalogue
        // version and kept with its tag.
        Found::Kept(kept, filter) if filter.query.is_blank() => {
            let body = kept
                .json_body((filter.department, filter.category), || {
                    let positions = repo::search_in(&kept.items, &filter);
                    serde_json::to_vec(&kept_json(&kept, &positions))
                        .map(Into::into)
                        .map_err(|e| e.to_string())
                })
                .map_err(AppError::Internal)?;
            Ok(tagged_bytes(
                &req,
                body.bytes.clone(),
                &body.tag,
                "application/json",
            ))
        }
        Found::Kept(kept, filter) => {
            let positions = repo::search_in(&kept.items, &filter);
            cacheable_json(&req, &kept_json(&kept, &positions))
        }
        Found::Body(body) => Ok(tagged_bytes(
            &req,
            body.bytes.clone(),
            &body.tag,
            "application/json",
        )),
        Found::Loaded(list, served) => cacheable_json(&req, &loaded_json(list, &served)),
    }
}

fn loaded_json(list: Vec<ServiceItem>, served: &HashSet<ServiceId>) -> Vec<ServiceJson> {
    list.into_iter()
        .map(|i| {
            let s = served.contains(&i.id);
            ServiceJson::of(i, s)
        })
        .collect()
}

/// Where the list comes from: the kept catalogue of one hall, the kept
/// body of every hall's items, or the database (every hall, with a query).
fn find_services(
    conn: &mut DbConn,
    catalogue: &Catalogue,
    filter: ServiceFilter,
) -> AppResult<Found> {
    let kept =
        match filter.hall {
            Some(h) => Some(catalogue.hall(conn, h)?.ok_or_else(|| {
                AppError::invalid("unknown_hall", format!("no hall with id {h}"))
            })?),
            None => None,
        };
    if let Some(d) = filter.department {
        // The kept hall's own departments need no query; one of
        // another hall filters to nothing.
        let in_hall = kept
            .as_ref()
            .is_some_and(|k| k.departments.iter().any(|s| s.department.id == d));
        if !in_hall && repo::find_department(conn, d)?.is_none() {
            return Err(AppError::invalid(
                "unknown_department",
                format!("no department with id {d}"),
            ));
        }
    }
    Ok(match kept {
        Some(kept) => Found::Kept(kept, filter),
        None if filter.query.is_blank() => {
            let key = (filter.department, filter.category);
            Found::Body(catalogue.all_halls_json(conn, key, |conn| {
                let served = repo::served_services(conn, None)?;
                let list = repo::search_services(conn, &filter)?;
                Ok(serde_json::to_vec(&loaded_json(list, &served))
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .into())
            })?)
        }
        None => {
            let served = repo::served_services(conn, None)?;
            Found::Loaded(repo::search_services(conn, &filter)?, served)
        }
    })
}

/// Where a list of items comes from: one hall's kept catalogue, or (all
/// halls) the database.
enum Found {
    Kept(Arc<HallCatalogue>, ServiceFilter),
    Body(Arc<Body>),
    Loaded(Vec<ServiceItem>, HashSet<ServiceId>),
}

fn kept_json(kept: &HallCatalogue, positions: &[usize]) -> Vec<ServiceJson> {
    positions
        .iter()
        .filter_map(|&i| kept.items.get(i))
        .map(|(item, ..)| ServiceJson::of(item.clone(), kept.served.contains(&item.id)))
        .collect()
}

/// 办事指南 / One item's whole guide: materials, windows, files.
#[utoipa::path(
    tag = "catalogue",
    params(("id" = ServiceId, Path, description = "事项 id / the item")),
    responses(
        (status = 200, description = "办事指南 / the guide", body = ServiceDetailJson),
        (status = 304, description = "未变 / not modified since the `ETag` given in `If-None-Match`"),
        (status = 404, description = "无此事项 / no such item", body = ErrorBody),
    ),
)]
#[get("/services/{id}")]
async fn get_service(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ServiceId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = state
        .db
        .run(move |conn| -> AppResult<_> {
            let item = repo::find_service(conn, id)?.ok_or(AppError::NotFound)?;
            let department =
                repo::find_department(conn, item.department_id)?.ok_or(AppError::NotFound)?;
            let materials = repo::materials_of(conn, id)?;
            let windows = repo::windows_serving(conn, id)?;
            let windows_empty = windows.is_empty();
            let hall = hall_repo::find_hall(conn, item.hall_id)?.ok_or(AppError::NotFound)?;
            let files = repo::files_of(conn, id)?;
            Ok(ServiceDetailJson {
                department_name: department.name,
                department_phone: department.phone,
                complaint_phone: hall.complaint_phone,
                guide: repo::guide_of(conn, id)?,
                files: files
                    .into_iter()
                    .map(|f| FileJson {
                        url: format!("/services/{id}/files/{}", f.id),
                        id: f.id,
                        kind: f.kind,
                        title: f.title,
                        file_name: f.file_name,
                        content_type: f.content_type,
                        size_bytes: f.size_bytes,
                    })
                    .collect(),
                fee: item.fee.clone(),
                description: item.description.clone(),
                materials: materials
                    .into_iter()
                    .map(|m| MaterialJson {
                        position: m.position,
                        name: m.name,
                        form: m.form,
                        copies: m.copies,
                        note: m.note,
                        medium: m.medium,
                        necessity: m.necessity,
                        source: m.source,
                    })
                    .collect(),
                window_numbers: windows.iter().map(|w| w.window.number).collect(),
                windows: windows
                    .into_iter()
                    .map(|w| WindowRefJson {
                        id: w.window.id,
                        number: w.window.number,
                        name: w.window.name,
                        zone: w.zone.letter,
                        floor: w.zone.floor,
                        comprehensive: w.comprehensive,
                    })
                    .collect(),
                item: ServiceJson::of(item, !windows_empty),
            })
        })
        .await?;
    cacheable_json(&req, &body)
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_halls)
        .service(list_departments)
        .service(list_windows)
        .service(list_services)
        .service(get_service);
}
