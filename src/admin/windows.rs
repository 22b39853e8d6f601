//! `/admin/windows`: the hall's windows.

use actix_web::web;
use askama::Template;
use diesel::prelude::*;

use super::Scope;
use super::editor::{self, At, Editor, ListQuery};
use crate::catalog::edit::{SaveError, Target, WindowForm, write_window};
use crate::catalog::models::{Department, Window};
use crate::db::ids::WindowId;
use crate::db::schema::{departments, window_services, windows, zones};
use crate::db::{DbConn, write_transaction};
use crate::error::AppResult;
use crate::hall::models::{Hall, Zone};
use crate::hall::repo as hall_repo;
use crate::web::PageCtx;
use crate::web::forms::FormErrors;

pub struct WindowRow {
    pub window: Window,
    pub zone: String,
    pub department: String,
    pub services: i64,
}

#[derive(Template)]
#[template(path = "admin/windows.html")]
pub struct WindowsPage {
    ctx: PageCtx,
    hall: Hall,
    halls: Vec<Hall>,
    rows: Vec<WindowRow>,
    saved: bool,
}

fn window_rows(conn: &mut DbConn, scope: &Scope, hall: &Hall) -> QueryResult<Vec<WindowRow>> {
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
    Ok(list
        .into_iter()
        .map(|(window, zone, department)| WindowRow {
            services: counts
                .iter()
                .find(|(w, _)| *w == window.id)
                .map_or(0, |(_, n)| *n),
            window,
            zone,
            department,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "admin/window_form.html")]
pub struct WindowFormPage {
    ctx: PageCtx,
    hall: Hall,
    id: Option<i32>,
    form: WindowForm,
    errors: FormErrors,
    zones: Vec<Zone>,
    departments: Vec<Department>,
}

pub struct Windows;

impl Editor for Windows {
    type Id = WindowId;
    type Form = WindowForm;
    type List = WindowsPage;
    type Page = WindowFormPage;
    const LIST: &'static str = "/admin/windows";
    const ACTION: &'static str = "admin.window.save";
    const TARGET: &'static str = "window";
    const ADMIN_CREATES: bool = false;

    fn list(
        conn: &mut DbConn,
        scope: &Scope,
        hall: Hall,
        q: &ListQuery,
        ctx: PageCtx,
    ) -> AppResult<WindowsPage> {
        Ok(WindowsPage {
            rows: window_rows(conn, scope, &hall)?,
            halls: scope.halls(conn)?,
            saved: q.saved.is_some(),
            ctx,
            hall,
        })
    }

    fn load(conn: &mut DbConn, scope: &Scope, id: WindowId) -> AppResult<(WindowForm, Hall)> {
        let (w, hall) = scope.own_window(conn, id)?;
        let zone = hall_repo::find_zone(conn, w.zone_id)?;
        let form = WindowForm {
            number: w.number.to_string(),
            name: w.name,
            zone: zone.letter,
            department_id: w.department_id.to_string(),
            active: w.active.then(|| "on".into()),
        };
        Ok((form, hall))
    }

    fn blank(_: &Scope) -> WindowForm {
        WindowForm {
            active: Some("on".into()),
            ..Default::default()
        }
    }

    /// A switched-off window also sends its transferred tickets back, in
    /// the same transaction.
    fn save(
        conn: &mut DbConn,
        at: &At<WindowId>,
        form: &WindowForm,
    ) -> Result<WindowId, SaveError> {
        let v = form
            .validate(at.id.is_some(), &|d| at.scope.owns(d))
            .map_err(SaveError::Invalid)?;
        let target = at.id.map_or(Target::New, Target::Existing);
        let today = at.moment.today;
        let booked = |c: &mut DbConn, w, s| crate::booking::repo::future_bookings(c, today, w, s);
        write_transaction(conn, |conn| {
            let (id, _) = write_window(conn, at.hall.id, target, &v, &booked)?;
            if v.active == Some(false) {
                crate::queue::staffing::return_transferred(conn, id, None, at.moment.now)?;
            }
            Ok(id)
        })
    }

    fn page(
        conn: &mut DbConn,
        at: &At<WindowId>,
        ctx: PageCtx,
        form: WindowForm,
        errors: FormErrors,
    ) -> AppResult<WindowFormPage> {
        Ok(WindowFormPage {
            zones: hall_repo::zones_of(conn, at.hall.id)?,
            departments: at.scope.departments(conn, at.hall.id)?,
            ctx,
            hall: at.hall.clone(),
            id: at.id.map(|i| i.0),
            form,
            errors,
        })
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    editor::routes::<Windows>(cfg);
}
