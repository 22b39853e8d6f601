//! Pages to edit departments, windows, service items and the window ↔ item
//! matrix.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use super::catalog::{self, DepartmentForm, ItemForm, SaveError, WindowForm};
use crate::accounts::Identity;
use crate::audit::{audit_action, audit_save};
use crate::catalog::models::{Category, Delivery, Department, ServiceItem, Subject, Window};
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId};
use crate::db::schema::{departments, service_items, window_services, windows, zones};
use crate::error::{AppError, AppResult};
use crate::hall::models::{Hall, Zone};
use crate::hall::repo as hall_repo;
use crate::web::forms::{FormErrors, private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

/// The hall being configured: `?hall=` for administrators (the city hall by
/// default), the manager's own hall otherwise.
pub fn hall_for(conn: &mut DbConn, scope: &Scope, raw: Option<&str>) -> Result<Hall, AppError> {
    let wanted = match scope.hall() {
        Some(h) => Some(h),
        None => raw.and_then(|r| r.parse::<HallId>().ok()),
    };
    match wanted {
        Some(h) => hall_repo::find_hall(conn, h)?.ok_or(AppError::NotFound),
        None => hall_repo::default_hall(conn)?.ok_or(AppError::NotFound),
    }
}

/// Departments this manager may use in forms.
fn my_departments(conn: &mut DbConn, scope: &Scope, hall: HallId) -> QueryResult<Vec<Department>> {
    let mut q = departments::table
        .filter(departments::hall_id.eq(hall))
        .order(departments::sort_order)
        .into_boxed();
    if let Some(d) = scope.department() {
        q = q.filter(departments::id.eq(d));
    }
    q.select(Department::as_select()).load(conn)
}

fn save_error(ctx: &PageCtx, e: SaveError) -> Result<FormErrors, AppError> {
    match e {
        SaveError::Invalid(keys) => Ok(FormErrors::from_keys(ctx.lang, &keys)),
        SaveError::Stranded(key, n) => {
            let mut errors = FormErrors::default();
            errors.add("active", ctx.tn(key, n));
            Ok(errors)
        }
        SaveError::NotFound => Err(AppError::NotFound),
        SaveError::Db(f) => Err(f.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct HallQuery {
    pub hall: Option<String>,
    pub saved: Option<String>,
    pub department: Option<String>,
    pub q: Option<String>,
}

// ----- departments -----

#[derive(Template)]
#[template(path = "admin/departments.html")]
struct DepartmentsPage {
    ctx: PageCtx,
    hall: Hall,
    halls: Vec<Hall>,
    rows: Vec<Department>,
    admin: bool,
    saved: bool,
}

#[get("/admin/departments")]
async fn departments_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_for(conn, &scope, q.hall.as_deref())?;
            let rows = my_departments(conn, &scope, hall.id)?;
            let halls = if scope.is_admin() {
                hall_repo::list_halls(conn)?
            } else {
                Vec::new()
            };
            Ok(DepartmentsPage {
                ctx,
                hall,
                halls,
                rows,
                admin: scope.is_admin(),
                saved: q.saved.is_some(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "admin/department_form.html")]
struct DepartmentFormPage {
    ctx: PageCtx,
    hall: Hall,
    id: Option<i32>,
    form: DepartmentForm,
    errors: FormErrors,
}

#[get("/admin/departments/new")]
async fn department_new(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let hall = state
        .db
        .run(move |conn| hall_for(conn, &scope, q.hall.as_deref()))
        .await?;
    let form = DepartmentForm {
        active: Some("on".into()),
        ..Default::default()
    };
    private_page(
        StatusCode::OK,
        &DepartmentFormPage {
            ctx,
            hall,
            id: None,
            form,
            errors: FormErrors::default(),
        },
    )
}

#[get("/admin/departments/{id}")]
async fn department_edit(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id: DepartmentId = id.parse().map_err(|_| AppError::NotFound)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let d: Department = departments::table
                .find(id)
                .select(Department::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            scope.check(d.id)?;
            let hall = hall_repo::find_hall(conn, d.hall_id)?.ok_or(AppError::NotFound)?;
            let form = DepartmentForm {
                code: d.code,
                name: d.name,
                short_name: d.short_name,
                phone: d.phone,
                active: d.active.then(|| "on".into()),
            };
            Ok(DepartmentFormPage {
                ctx,
                hall,
                id: Some(id.0),
                form,
                errors: FormErrors::default(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct HallField {
    hall: Option<String>,
}

async fn save_department_page(
    state: &AppState,
    req: &HttpRequest,
    ctx: PageCtx,
    scope: Scope,
    id: Option<DepartmentId>,
    hall_raw: Option<String>,
    form: DepartmentForm,
) -> Result<HttpResponse, AppError> {
    let actor = scope.account.actor(&client_ip(req));
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = match id {
                Some(id) => {
                    let d: Department = departments::table
                        .find(id)
                        .select(Department::as_select())
                        .first(conn)
                        .optional()?
                        .ok_or(AppError::NotFound)?;
                    scope.check(d.id)?;
                    hall_repo::find_hall(conn, d.hall_id)?.ok_or(AppError::NotFound)?
                }
                None => hall_for(conn, &scope, hall_raw.as_deref())?,
            };
            let saved = catalog::save_department(conn, hall.id, id, &form);
            Ok((hall, saved, form))
        })
        .await?;
    let (hall, saved, form) = result;
    audit_save(
        state,
        actor,
        "admin.department.save",
        format!("department:{}", id.map(|i| i.0).unwrap_or(0)),
        &saved,
    )
    .await;
    match saved {
        Ok(_) => Ok(see_other(&format!(
            "/admin/departments?hall={}&saved=1",
            hall.id
        ))),
        Err(e) => {
            let errors = save_error(&ctx, e)?;
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DepartmentFormPage {
                    ctx,
                    hall,
                    id: id.map(|i| i.0),
                    form,
                    errors,
                },
            )
        }
    }
}

#[post("/admin/departments")]
async fn department_create(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<DepartmentForm>,
    h: web::Query<HallField>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    save_department_page(
        &state,
        &req,
        ctx,
        scope,
        None,
        h.into_inner().hall,
        form.into_inner(),
    )
    .await
}

#[post("/admin/departments/{id}")]
async fn department_update(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
    form: web::Form<DepartmentForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id: DepartmentId = id.parse().map_err(|_| AppError::NotFound)?;
    save_department_page(&state, &req, ctx, scope, Some(id), None, form.into_inner()).await
}

// ----- windows -----

pub struct WindowRow {
    pub window: Window,
    pub zone: String,
    pub department: String,
    pub services: i64,
}

#[derive(Template)]
#[template(path = "admin/windows.html")]
struct WindowsPage {
    ctx: PageCtx,
    hall: Hall,
    halls: Vec<Hall>,
    rows: Vec<WindowRow>,
    saved: bool,
}

#[get("/admin/windows")]
async fn windows_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_for(conn, &scope, q.hall.as_deref())?;
            let mut query = windows::table
                .inner_join(zones::table)
                .inner_join(departments::table)
                .filter(windows::hall_id.eq(hall.id))
                .order(windows::number)
                .into_boxed();
            if let Some(d) = scope.department() {
                query = query.filter(windows::department_id.eq(d));
            }
            let list: Vec<(Window, String, String)> = query
                .select((Window::as_select(), zones::letter, departments::short_name))
                .load(conn)?;
            let ids: Vec<WindowId> = list.iter().map(|(w, _, _)| w.id).collect();
            let counts: Vec<(WindowId, i64)> = window_services::table
                .filter(window_services::window_id.eq_any(&ids))
                .group_by(window_services::window_id)
                .select((window_services::window_id, diesel::dsl::count_star()))
                .load(conn)?;
            let rows = list
                .into_iter()
                .map(|(window, zone, department)| WindowRow {
                    services: counts
                        .iter()
                        .find(|(w, _)| *w == window.id)
                        .map(|(_, n)| *n)
                        .unwrap_or(0),
                    window,
                    zone,
                    department,
                })
                .collect();
            let halls = if scope.is_admin() {
                hall_repo::list_halls(conn)?
            } else {
                Vec::new()
            };
            Ok(WindowsPage {
                ctx,
                hall,
                halls,
                rows,
                saved: q.saved.is_some(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "admin/window_form.html")]
struct WindowFormPage {
    ctx: PageCtx,
    hall: Hall,
    id: Option<i32>,
    form: WindowForm,
    errors: FormErrors,
    zones: Vec<Zone>,
    departments: Vec<Department>,
}

#[get("/admin/windows/new")]
async fn window_new(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_for(conn, &scope, q.hall.as_deref())?;
            let form = WindowForm {
                active: Some("on".into()),
                ..Default::default()
            };
            Ok(WindowFormPage {
                zones: hall_repo::zones_of(conn, hall.id)?,
                departments: my_departments(conn, &scope, hall.id)?,
                ctx,
                hall,
                id: None,
                form,
                errors: FormErrors::default(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[get("/admin/windows/{id}")]
async fn window_edit(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id: WindowId = id.parse().map_err(|_| AppError::NotFound)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let w: Window = windows::table
                .find(id)
                .select(Window::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            scope.check(w.department_id)?;
            let hall = hall_repo::find_hall(conn, w.hall_id)?.ok_or(AppError::NotFound)?;
            let zone = hall_repo::find_zone(conn, w.zone_id)?;
            let form = WindowForm {
                number: w.number.to_string(),
                name: w.name,
                zone: zone.letter,
                department_id: w.department_id.to_string(),
                active: w.active.then(|| "on".into()),
            };
            Ok(WindowFormPage {
                zones: hall_repo::zones_of(conn, hall.id)?,
                departments: my_departments(conn, &scope, hall.id)?,
                ctx,
                hall,
                id: Some(id.0),
                form,
                errors: FormErrors::default(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

async fn save_window_page(
    state: &AppState,
    req: &HttpRequest,
    ctx: PageCtx,
    scope: Scope,
    id: Option<WindowId>,
    hall_raw: Option<String>,
    form: WindowForm,
) -> Result<HttpResponse, AppError> {
    let actor = scope.account.actor(&client_ip(req));
    let now = state.clock.now_utc();
    let today = local(now, state.tz()).date();
    let (hall, saved, form, zones, depts) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = match id {
                Some(id) => {
                    let w: Window = windows::table
                        .find(id)
                        .select(Window::as_select())
                        .first(conn)
                        .optional()?
                        .ok_or(AppError::NotFound)?;
                    scope.check(w.department_id)?;
                    hall_repo::find_hall(conn, w.hall_id)?.ok_or(AppError::NotFound)?
                }
                None => hall_for(conn, &scope, hall_raw.as_deref())?,
            };
            let s = scope.clone();
            let saved =
                catalog::save_window(conn, hall.id, id, &form, (today, now), &|d| s.owns(d));
            Ok((
                hall.clone(),
                saved,
                form,
                hall_repo::zones_of(conn, hall.id)?,
                my_departments(conn, &scope, hall.id)?,
            ))
        })
        .await?;
    audit_save(
        state,
        actor,
        "admin.window.save",
        format!("window:{}", id.map(|i| i.0).unwrap_or(0)),
        &saved,
    )
    .await;
    match saved {
        Ok(_) => Ok(see_other(&format!(
            "/admin/windows?hall={}&saved=1",
            hall.id
        ))),
        Err(e) => {
            let errors = save_error(&ctx, e)?;
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &WindowFormPage {
                    ctx,
                    hall,
                    id: id.map(|i| i.0),
                    form,
                    errors,
                    zones,
                    departments: depts,
                },
            )
        }
    }
}

#[post("/admin/windows")]
async fn window_create(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<WindowForm>,
    h: web::Query<HallField>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    save_window_page(
        &state,
        &req,
        ctx,
        scope,
        None,
        h.into_inner().hall,
        form.into_inner(),
    )
    .await
}

#[post("/admin/windows/{id}")]
async fn window_update(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
    form: web::Form<WindowForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id: WindowId = id.parse().map_err(|_| AppError::NotFound)?;
    save_window_page(&state, &req, ctx, scope, Some(id), None, form.into_inner()).await
}

// ----- items -----

#[derive(Template)]
#[template(path = "admin/items.html")]
struct ItemsPage {
    ctx: PageCtx,
    hall: Hall,
    halls: Vec<Hall>,
    rows: Vec<ServiceItem>,
    departments: Vec<Department>,
    department: Option<i32>,
    q: String,
    saved: bool,
    /// Active items of this list that no active window serves.
    unserved: Vec<ServiceItem>,
}

#[get("/admin/items")]
async fn items_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_for(conn, &scope, q.hall.as_deref())?;
            let departments = my_departments(conn, &scope, hall.id)?;
            let chosen = scope
                .department()
                .or_else(|| q.department.as_deref().and_then(|d| d.parse().ok()));
            let text = crate::text::clean_line(&q.q.clone().unwrap_or_default(), 50);
            let mut query = service_items::table
                .filter(service_items::hall_id.eq(hall.id))
                .order(service_items::code)
                .into_boxed();
            if let Some(d) = chosen {
                query = query.filter(service_items::department_id.eq(d));
            }
            if !text.trim().is_empty() {
                let p = crate::catalog::search::contains_pattern(text.trim());
                query = query.filter(
                    service_items::name
                        .like(p.clone())
                        .escape('\\')
                        .or(service_items::code.like(p.to_uppercase()).escape('\\')),
                );
            }
            let rows = query
                .limit(500)
                .select(ServiceItem::as_select())
                .load(conn)?;
            let halls = if scope.is_admin() {
                hall_repo::list_halls(conn)?
            } else {
                Vec::new()
            };
            let served = crate::catalog::repo::served_services(conn, Some(hall.id))?;
            let unserved = rows
                .iter()
                .filter(|i| i.active && !served.contains(&i.id))
                .cloned()
                .collect();
            Ok(ItemsPage {
                unserved,
                ctx,
                hall,
                halls,
                rows,
                departments,
                department: chosen.map(|d| d.0),
                q: text,
                saved: q.saved.is_some(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "admin/item_form.html")]
struct ItemFormPage {
    ctx: PageCtx,
    hall: Hall,
    id: Option<i32>,
    form: ItemForm,
    errors: FormErrors,
    departments: Vec<Department>,
}

impl ItemFormPage {
    fn categories(&self) -> Vec<(String, String)> {
        Category::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label(self.ctx.lang)))
            .collect()
    }
    fn deliveries(&self) -> Vec<(String, String)> {
        Delivery::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label(self.ctx.lang)))
            .collect()
    }
    fn subjects(&self) -> Vec<(String, String)> {
        Subject::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label(self.ctx.lang)))
            .collect()
    }
}

#[get("/admin/items/new")]
async fn item_new(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_for(conn, &scope, q.hall.as_deref())?;
            let form = ItemForm {
                active: Some("on".into()),
                bookable_online: Some("on".into()),
                category: "public_service".into(),
                delivery: "on_the_spot".into(),
                subject: "person".into(),
                legal_days: "0".into(),
                promised_days: "0".into(),
                avg_service_minutes: "10".into(),
                department_id: scope
                    .department()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                materials: "申请人居民身份证 | 原件".into(),
                ..Default::default()
            };
            Ok(ItemFormPage {
                departments: my_departments(conn, &scope, hall.id)?,
                ctx,
                hall,
                id: None,
                form,
                errors: FormErrors::default(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[get("/admin/items/{id}")]
async fn item_edit(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id: ServiceId = id.parse().map_err(|_| AppError::NotFound)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let i: ServiceItem = service_items::table
                .find(id)
                .select(ServiceItem::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            scope.check(i.department_id)?;
            let hall = hall_repo::find_hall(conn, i.hall_id)?.ok_or(AppError::NotFound)?;
            let materials = catalog::materials_text(&catalog_repo::materials_of(conn, i.id)?);
            let form = ItemForm {
                code: i.code,
                name: i.name,
                department_id: i.department_id.to_string(),
                category: i.category.as_str().into(),
                delivery: i.delivery.as_str().into(),
                legal_days: i.legal_days.to_string(),
                promised_days: i.promised_days.to_string(),
                fee: i.fee,
                subject: i.subject.as_str().into(),
                description: i.description,
                bookable_online: i.bookable_online.then(|| "on".into()),
                walk_in_quota: i.walk_in_quota.map(|q| q.to_string()).unwrap_or_default(),
                target_wait_minutes: i
                    .target_wait_minutes
                    .map(|q| q.to_string())
                    .unwrap_or_default(),
                avg_service_minutes: i.avg_service_minutes.to_string(),
                active: i.active.then(|| "on".into()),
                materials,
            };
            Ok(ItemFormPage {
                departments: my_departments(conn, &scope, hall.id)?,
                ctx,
                hall,
                id: Some(id.0),
                form,
                errors: FormErrors::default(),
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

async fn save_item_page(
    state: &AppState,
    req: &HttpRequest,
    ctx: PageCtx,
    scope: Scope,
    id: Option<ServiceId>,
    hall_raw: Option<String>,
    form: ItemForm,
) -> Result<HttpResponse, AppError> {
    let actor = scope.account.actor(&client_ip(req));
    let (hall, saved, form, depts) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = match id {
                Some(id) => {
                    let i: ServiceItem = service_items::table
                        .find(id)
                        .select(ServiceItem::as_select())
                        .first(conn)
                        .optional()?
                        .ok_or(AppError::NotFound)?;
                    scope.check(i.department_id)?;
                    hall_repo::find_hall(conn, i.hall_id)?.ok_or(AppError::NotFound)?
                }
                None => hall_for(conn, &scope, hall_raw.as_deref())?,
            };
            let s = scope.clone();
            let saved = catalog::save_item(conn, hall.id, id, &form, &|d| s.owns(d));
            Ok((
                hall.clone(),
                saved,
                form,
                my_departments(conn, &scope, hall.id)?,
            ))
        })
        .await?;
    let target = saved
        .as_ref()
        .map(|s| s.0)
        .unwrap_or(id.map(|i| i.0).unwrap_or(0));
    audit_save(
        state,
        actor,
        "admin.item.save",
        format!("service:{target}"),
        &saved,
    )
    .await;
    match saved {
        Ok(_) => Ok(see_other(&format!("/admin/items?hall={}&saved=1", hall.id))),
        Err(e) => {
            let errors = save_error(&ctx, e)?;
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ItemFormPage {
                    ctx,
                    hall,
                    id: id.map(|i| i.0),
                    form,
                    errors,
                    departments: depts,
                },
            )
        }
    }
}

#[post("/admin/items")]
async fn item_create(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<ItemForm>,
    h: web::Query<HallField>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    save_item_page(
        &state,
        &req,
        ctx,
        scope,
        None,
        h.into_inner().hall,
        form.into_inner(),
    )
    .await
}

#[post("/admin/items/{id}")]
async fn item_update(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id: ServiceId = id.parse().map_err(|_| AppError::NotFound)?;
    save_item_page(&state, &req, ctx, scope, Some(id), None, form.into_inner()).await
}

// ----- matrix -----

#[derive(Template)]
#[template(path = "admin/matrix.html")]
struct MatrixPage {
    ctx: PageCtx,
    hall: Hall,
    departments: Vec<Department>,
    department: Option<Department>,
    columns: Vec<Window>,
    rows: Vec<(ServiceItem, Vec<bool>)>,
    all_windows: Vec<Window>,
    message: String,
    error: String,
}

#[derive(Deserialize, Default)]
struct MatrixQuery {
    hall: Option<String>,
    department: Option<String>,
    add: Option<String>,
    saved: Option<String>,
    error: Option<String>,
}

/// The grid for one department: its items as rows, and as columns the
/// department's windows plus any other window already serving its items
/// (综合窗口), plus one more chosen with `?add=`.
fn matrix_page(
    conn: &mut DbConn,
    scope: &Scope,
    ctx: PageCtx,
    q: &MatrixQuery,
) -> Result<MatrixPage, AppError> {
    let hall = hall_for(conn, scope, q.hall.as_deref())?;
    let departments = my_departments(conn, scope, hall.id)?;
    let chosen = scope
        .department()
        .or_else(|| q.department.as_deref().and_then(|d| d.parse().ok()));
    let department = chosen.and_then(|d| departments.iter().find(|x| x.id == d).cloned());
    let all_windows: Vec<Window> = windows::table
        .filter(windows::hall_id.eq(hall.id).and(windows::active.eq(true)))
        .order(windows::number)
        .select(Window::as_select())
        .load(conn)?;
    let (columns, rows) = match &department {
        Some(d) => {
            let items: Vec<ServiceItem> = service_items::table
                .filter(service_items::department_id.eq(d.id))
                .order(service_items::code)
                .select(ServiceItem::as_select())
                .load(conn)?;
            let ids: Vec<ServiceId> = items.iter().map(|i| i.id).collect();
            let pairs: Vec<(WindowId, ServiceId)> = window_services::table
                .filter(window_services::service_id.eq_any(&ids))
                .select((window_services::window_id, window_services::service_id))
                .load(conn)?;
            let extra: Option<WindowId> = q.add.as_deref().and_then(|a| a.parse().ok());
            let columns: Vec<Window> = all_windows
                .iter()
                .filter(|w| {
                    w.department_id == d.id
                        || pairs.iter().any(|(pw, _)| *pw == w.id)
                        || Some(w.id) == extra
                })
                .cloned()
                .collect();
            let rows = items
                .into_iter()
                .map(|i| {
                    let cells = columns
                        .iter()
                        .map(|w| pairs.contains(&(w.id, i.id)))
                        .collect();
                    (i, cells)
                })
                .collect();
            (columns, rows)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(MatrixPage {
        message: if q.saved.is_some() {
            ctx.t("admin-saved")
        } else {
            String::new()
        },
        error: q
            .error
            .as_deref()
            .map(|e| {
                ctx.t(if e.starts_with("admin-error-") {
                    e
                } else {
                    "admin-error-matrix-bookings"
                })
            })
            .unwrap_or_default(),
        ctx,
        hall,
        departments,
        department,
        columns,
        rows,
        all_windows,
    })
}

#[get("/admin/matrix")]
async fn matrix(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<MatrixQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| matrix_page(conn, &scope, ctx, &q))
        .await?;
    private_page(StatusCode::OK, &page)
}

/// The grid posts `cell=ITEM:WINDOW` for each ticked box, and `item=` /
/// `window=` for every row and column shown (pairs outside them are left).
#[post("/admin/matrix")]
async fn matrix_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    fields: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let today = local(state.clock.now_utc(), state.tz()).date();
    let fields = fields.into_inner();
    let items: Vec<ServiceId> = fields
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let windows_shown: Vec<WindowId> = fields
        .iter()
        .filter(|(k, _)| k == "window")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let wanted: Vec<(ServiceId, WindowId)> = fields
        .iter()
        .filter(|(k, _)| k == "cell")
        .filter_map(|(_, v)| {
            v.split_once(':')
                .and_then(|(s, w)| Some((s.parse().ok()?, w.parse().ok()?)))
        })
        .collect();
    let department = fields
        .iter()
        .find(|(k, _)| k == "department")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let actor = scope.account.actor(&client_ip(&req));
    let result = state
        .db
        .run(move |conn| {
            // Every row must be an item this manager owns; every column a
            // window of the item's hall.
            let owners: Vec<(ServiceId, DepartmentId, HallId)> = service_items::table
                .filter(service_items::id.eq_any(&items))
                .select((
                    service_items::id,
                    service_items::department_id,
                    service_items::hall_id,
                ))
                .load(conn)?;
            if owners.len() != items.len() || owners.iter().any(|(_, d, _)| !scope.owns(*d)) {
                return Err(AppError::NotFound);
            }
            let halls: Vec<HallId> = windows::table
                .filter(windows::id.eq_any(&windows_shown))
                .select(windows::hall_id)
                .load(conn)?;
            if halls.len() != windows_shown.len()
                || halls
                    .iter()
                    .any(|h| owners.iter().any(|(_, _, oh)| oh != h))
            {
                return Err(AppError::NotFound);
            }
            Ok(catalog::save_matrix(
                conn,
                &items,
                &windows_shown,
                &wanted,
                today,
            ))
        })
        .await;
    let flattened = match &result {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(AppError::conflict("stranded", e.to_string())),
        Err(e) => Err(AppError::invalid("invalid", e.to_string())),
    };
    audit_action(
        &state,
        actor,
        "admin.matrix.save",
        format!("department:{department}"),
        &flattened,
    )
    .await;
    match result? {
        Ok(_) => Ok(see_other(&format!(
            "/admin/matrix?department={department}&saved=1"
        ))),
        Err(SaveError::Stranded(key, _)) => Ok(see_other(&format!(
            "/admin/matrix?department={department}&error={key}"
        ))),
        Err(SaveError::Db(f)) => Err(f.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(departments_page)
        .service(department_new)
        .service(department_create)
        .service(department_edit)
        .service(department_update)
        .service(windows_page)
        .service(window_new)
        .service(window_create)
        .service(window_edit)
        .service(window_update)
        .service(items_page)
        .service(item_new)
        .service(item_create)
        .service(item_edit)
        .service(item_update)
        .service(matrix)
        .service(matrix_save);
}
