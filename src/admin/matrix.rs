//! `/admin/matrix`: which windows serve which items, one department at a
//! time.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::audit::{Entry, audited};
use crate::catalog::edit::{SaveError, save_matrix};
use crate::catalog::models::{Department, ServiceItem, Window};
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId};
use crate::db::schema::{service_items, window_services, windows};
use crate::error::AppError;
use crate::hall::models::Hall;
use crate::web::forms::{HtmlForm, private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

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
    let hall = scope.hall_for(conn, q.hall.as_deref())?;
    let departments = scope.departments(conn, hall.id)?;
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

#[derive(Deserialize)]
struct MatrixForm {
    /// `ITEM:WINDOW` for each ticked box.
    #[serde(default)]
    cell: Vec<String>,
    /// Every row shown.
    #[serde(default)]
    item: Vec<ServiceId>,
    /// Every column shown.
    #[serde(default)]
    window: Vec<WindowId>,
    #[serde(default)]
    department: String,
}

/// Every row must be an item this manager owns; every column a window of
/// the items' hall.
fn check_grid(
    conn: &mut DbConn,
    scope: &Scope,
    items: &[ServiceId],
    windows_shown: &[WindowId],
) -> Result<(), AppError> {
    let owners: Vec<(DepartmentId, HallId)> = service_items::table
        .filter(service_items::id.eq_any(items))
        .select((service_items::department_id, service_items::hall_id))
        .load(conn)?;
    if owners.len() != items.len() || owners.iter().any(|(d, _)| !scope.owns(*d)) {
        return Err(AppError::NotFound);
    }
    let halls: Vec<HallId> = windows::table
        .filter(windows::id.eq_any(windows_shown))
        .select(windows::hall_id)
        .load(conn)?;
    if halls.len() != windows_shown.len()
        || halls.iter().any(|h| owners.iter().any(|(_, oh)| oh != h))
    {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The grid posts `cell=ITEM:WINDOW` for each ticked box, and `item=` /
/// `window=` for every row and column shown (pairs outside them are left).
#[post("/admin/matrix")]
async fn matrix_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    form: HtmlForm<MatrixForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let today = local(now, tz).date();
    let MatrixForm {
        cell,
        item: items,
        window: windows_shown,
        department,
    } = form.0;
    let department = crate::text::clean_line(&department, 20);
    let wanted: Vec<(ServiceId, WindowId)> = cell
        .iter()
        .filter_map(|v| {
            v.split_once(':')
                .and_then(|(s, w)| Some((s.parse().ok()?, w.parse().ok()?)))
        })
        .collect();
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.matrix.save",
        format!("department:{department}"),
    );
    let saved = state
        .db
        .run(move |conn| -> Result<_, AppError> {
            check_grid(conn, &scope, &items, &windows_shown)?;
            let booked =
                |c: &mut DbConn, w, s| crate::booking::repo::future_bookings(c, today, w, s);
            // A window newly serving an item adds places: the waiting list
            // is offered them first.
            let hall = match windows_shown.first() {
                Some(w) => crate::catalog::repo::find_window(conn, *w)?.map(|w| w.hall_id),
                None => None,
            };
            Ok(audited(conn, &entry, now, |conn| {
                let saved = save_matrix(conn, &items, &windows_shown, &wanted, &booked)?;
                if let Some(hall) = hall {
                    crate::booking::waitlist::fill::offer_free_places(conn, hall, now, tz)?;
                }
                Ok::<_, SaveError>(saved)
            }))
        })
        .await?;
    let back = format!(
        "/admin/matrix?department={}",
        crate::web::forms::query_value(&department)
    );
    match saved {
        Ok(_) => Ok(see_other(&format!("{back}&saved=1"))),
        Err(SaveError::Stranded(key, _)) => Ok(see_other(&format!("{back}&error={key}"))),
        Err(SaveError::Db(f)) => Err(f.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(matrix).service(matrix_save);
}
