//! The public catalogue pages: home, items, departments and halls.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::models::Category;
use super::repo::{self, DepartmentSummary, ServiceFilter};
use super::search;
use super::snapshot::{Catalogue, HallCatalogue};
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, FileId, HallId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;
use crate::web::{AppState, PageCtx};

pub mod views;
use views::*;

fn html(page: impl Template) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// `?hall=` names the hall being browsed; the city hall otherwise. An id
/// that is not a hall is a 404, not a silent fallback.
fn chosen_hall(conn: &mut DbConn, raw: Option<&str>) -> Result<Hall, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let id: HallId = s.parse().map_err(|_| AppError::NotFound)?;
            hall_repo::find_hall(conn, id)?.ok_or(AppError::NotFound)
        }
        None => hall_repo::default_hall(conn)?.ok_or(AppError::NotFound),
    }
}

#[derive(Deserialize)]
struct HallQuery {
    hall: Option<String>,
}

#[get("/")]
async fn home_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.clock.today_in(state.tz());
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = chosen_hall(conn, query.hall.as_deref())?;
            let figures = repo::hall_figures(conn, hall.id)?;
            let departments = repo::list_departments(conn, Some(hall.id))?;
            let schedule = HallSchedule::load(conn, &hall, today, &ctx)?;
            Ok(HomePage {
                ctx,
                hall,
                figures,
                departments,
                schedule,
            })
        })
        .await?;
    html(page)
}

#[derive(Deserialize, Default)]
struct ServicesQuery {
    q: Option<String>,
    department: Option<String>,
    category: Option<String>,
    hall: Option<String>,
}

#[get("/services")]
async fn services_page(
    state: web::Data<AppState>,
    catalogue: web::Data<Catalogue>,
    ctx: PageCtx,
    query: web::Query<ServicesQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let catalogue = catalogue.get_ref().clone();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let kept = chosen_catalogue(conn, &catalogue, query.hall.as_deref())?;
            let halls = catalogue.halls(conn)?;
            Ok(ServicesPage::build(ctx, kept, halls, query))
        })
        .await?;
    html(page)
}

impl ServicesPage {
    /// The items of a kept hall catalogue that answer the visitor's filters.
    fn build(
        ctx: PageCtx,
        kept: Arc<HallCatalogue>,
        halls: Arc<Vec<Hall>>,
        query: ServicesQuery,
    ) -> Self {
        let q = query
            .q
            .unwrap_or_default()
            .trim()
            .chars()
            .take(100)
            .collect::<String>();
        // An unknown filter value is ignored, not an error: the form
        // shows it as "all" and the visitor can choose again.
        let department = query
            .department
            .as_deref()
            .and_then(|d| d.parse::<DepartmentId>().ok());
        let category = query
            .category
            .as_deref()
            .and_then(|c| c.parse::<Category>().ok());
        let filter = ServiceFilter {
            hall: Some(kept.hall.id),
            department,
            category,
            query: search::parse(&q),
        };
        let found = repo::search_in(&kept.items, &filter);
        let nearest = if found.is_empty() && !filter.query.is_blank() {
            repo::nearest_in(&kept.items, &filter, 5)
        } else {
            Vec::new()
        };
        ServicesPage {
            rows: ServiceRow::from_kept(&kept, &found, ctx.lang),
            nearest: ServiceRow::from_kept(&kept, &nearest, ctx.lang),
            ctx,
            hall: kept.hall.clone(),
            halls,
            catalogue: kept,
            q,
            department,
            category,
        }
    }
}

/// The kept catalogue of `?hall=`, or of the city hall; a 404 for an id
/// that is not a hall.
fn chosen_catalogue(
    conn: &mut DbConn,
    catalogue: &Catalogue,
    raw: Option<&str>,
) -> Result<Arc<HallCatalogue>, AppError> {
    let kept = match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let id: HallId = s.parse().map_err(|_| AppError::NotFound)?;
            catalogue.hall(conn, id)?
        }
        None => catalogue.default_hall(conn)?,
    };
    kept.ok_or(AppError::NotFound)
}

#[get("/services/{id}")]
async fn service_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    id: web::Path<ServiceId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = state.clock.today_in(state.tz());
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let item = repo::find_service(conn, id)?.ok_or(AppError::NotFound)?;
            let department =
                repo::find_department(conn, item.department_id)?.ok_or(AppError::NotFound)?;
            let hall = hall_repo::find_hall(conn, item.hall_id)?.ok_or(AppError::NotFound)?;
            let materials = repo::materials_of(conn, item.id)?;
            let guide = repo::guide_of(conn, item.id)?;
            let files = repo::files_of(conn, item.id)?;
            let windows = repo::windows_serving(conn, item.id)?;
            let schedule = HallSchedule::load(conn, &hall, today, &ctx)?;
            let bookable = item.bookable_online && !windows.is_empty();
            let facts = ServiceFacts::build(&item, &guide, &department, bookable, &ctx);
            Ok(ServicePage {
                bookable,
                ctx,
                item,
                guide,
                facts,
                department,
                hall,
                materials,
                files,
                windows,
                schedule,
            })
        })
        .await?;
    html(page)
}

/// A blank form or example of an item, always as a download (never shown
/// inline, so an uploaded file cannot run as a page of this site).
#[get("/services/{id}/files/{file}")]
async fn service_file(
    state: web::Data<AppState>,
    path: web::Path<(ServiceId, FileId)>,
) -> Result<HttpResponse, AppError> {
    let (id, file) = path.into_inner();
    let (meta, content) = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(crate::catalog::files::download(conn, id, file)?) })
        .await?
        .ok_or(AppError::NotFound)?;
    let name: String = form_urlencoded::byte_serialize(meta.file_name.as_bytes()).collect();
    // Old browsers read the plain ASCII name; the others the UTF-8 one.
    let ext = meta.file_name.rsplit_once('.').map_or("bin", |(_, x)| x);
    let ascii = format!("form.{}", ext.to_ascii_lowercase());
    Ok(HttpResponse::Ok()
        .content_type(meta.content_type)
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                name.replace('+', "%20")
            ),
        ))
        .insert_header(("Cache-Control", "public, max-age=300"))
        .body(content))
}

#[get("/departments")]
async fn departments_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = chosen_hall(conn, query.hall.as_deref())?;
            let departments = repo::list_departments(conn, Some(hall.id))?;
            Ok(DepartmentsPage {
                ctx,
                hall,
                departments,
            })
        })
        .await?;
    html(page)
}

#[get("/departments/{id}")]
async fn department_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    id: web::Path<DepartmentId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let department = repo::find_department(conn, id)?.ok_or(AppError::NotFound)?;
            let hall = hall_repo::find_hall(conn, department.hall_id)?.ok_or(AppError::NotFound)?;
            let windows = repo::windows_of_department(conn, id)?;
            let items = repo::search_services(
                conn,
                &ServiceFilter {
                    department: Some(id),
                    ..Default::default()
                },
            )?;
            let summaries = [DepartmentSummary {
                department: department.clone(),
                window_count: 0,
                service_count: 0,
            }];
            let served = repo::served_services(conn, Some(hall.id))?;
            let rows = ServiceRow::build(items, &summaries, &served, &ctx);
            Ok(DepartmentPage {
                ctx,
                department,
                hall,
                windows,
                rows,
            })
        })
        .await?;
    html(page)
}

#[derive(Deserialize)]
struct HallsQuery {
    under: Option<String>,
}

#[get("/halls")]
async fn halls_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    q: web::Query<HallsQuery>,
) -> Result<HttpResponse, AppError> {
    let under: Option<HallId> = q.under.as_deref().and_then(|s| s.trim().parse().ok());
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let halls = hall_repo::list_halls(conn)?;
            let mut below: HashMap<HallId, usize> = HashMap::new();
            for h in &halls {
                if let Some(p) = h.parent_id {
                    *below.entry(p).or_default() += 1;
                }
            }
            // A small network is shown whole; a province's level by level:
            // the path down to the chosen hall, then the halls under it.
            let whole = halls.len() <= crate::hall::models::PICKER_ALL_UP_TO;
            let shown = if whole {
                tree_order(&halls)
            } else {
                let mut path: Vec<&Hall> = Vec::new();
                let mut at = under.and_then(|u| halls.iter().find(|h| h.id == u));
                while let Some(h) = at {
                    if path.len() > 8 {
                        break;
                    }
                    path.insert(0, h);
                    at = h.parent_id.and_then(|p| halls.iter().find(|x| x.id == p));
                }
                path.extend(halls.iter().filter(|h| h.parent_id == under));
                path
            };
            let mut entries = Vec::new();
            for hall in shown {
                let figures = repo::hall_figures(conn, hall.id)?;
                entries.push(HallEntry {
                    depth: depth_of(&halls, hall),
                    below: if whole {
                        0
                    } else {
                        below.get(&hall.id).copied().unwrap_or(0)
                    },
                    hall: hall.clone(),
                    figures,
                });
            }
            Ok(HallsPage { ctx, entries })
        })
        .await?;
    html(page)
}

/// Parents before children, children in id order.
fn tree_order(halls: &[Hall]) -> Vec<&Hall> {
    fn visit<'a>(halls: &'a [Hall], parent: Option<HallId>, out: &mut Vec<&'a Hall>) {
        for h in halls.iter().filter(|h| h.parent_id == parent) {
            out.push(h);
            visit(halls, Some(h.id), out);
        }
    }
    let mut out = Vec::new();
    visit(halls, None, &mut out);
    out
}

fn depth_of(halls: &[Hall], hall: &Hall) -> usize {
    let mut depth = 0;
    let mut parent = hall.parent_id;
    while let Some(p) = parent {
        depth += 1;
        parent = halls.iter().find(|h| h.id == p).and_then(|h| h.parent_id);
        if depth > 8 {
            break;
        }
    }
    depth
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home_page)
        .service(services_page)
        .service(service_page)
        .service(service_file)
        .service(departments_page)
        .service(department_page)
        .service(halls_page);
}
