//! `/admin/departments`: the hall's departments.

use actix_web::web;
use askama::Template;

use super::Scope;
use super::editor::{self, At, Editor, ListQuery};
use crate::catalog::edit::{DepartmentForm, SaveError, save_department};
use crate::catalog::models::Department;
use crate::db::DbConn;
use crate::db::ids::DepartmentId;
use crate::error::AppResult;
use crate::hall::models::Hall;
use crate::web::PageCtx;
use crate::web::forms::FormErrors;

#[derive(Template)]
#[template(path = "admin/departments.html")]
pub struct DepartmentsPage {
    ctx: PageCtx,
    hall: Hall,
    halls: Vec<Hall>,
    rows: Vec<Department>,
    admin: bool,
    saved: bool,
}

#[derive(Template)]
#[template(path = "admin/department_form.html")]
pub struct DepartmentFormPage {
    ctx: PageCtx,
    hall: Hall,
    id: Option<i32>,
    form: DepartmentForm,
    errors: FormErrors,
}

pub struct Departments;

impl Editor for Departments {
    type Id = DepartmentId;
    type Form = DepartmentForm;
    type List = DepartmentsPage;
    type Page = DepartmentFormPage;
    const LIST: &'static str = "/admin/departments";
    const ACTION: &'static str = "admin.department.save";
    const TARGET: &'static str = "department";
    const ADMIN_CREATES: bool = true;

    fn list(
        conn: &mut DbConn,
        scope: &Scope,
        hall: Hall,
        q: &ListQuery,
        ctx: PageCtx,
    ) -> AppResult<DepartmentsPage> {
        Ok(DepartmentsPage {
            rows: scope.departments(conn, hall.id)?,
            halls: scope.halls(conn)?,
            admin: scope.is_admin(),
            saved: q.saved.is_some(),
            ctx,
            hall,
        })
    }

    fn load(
        conn: &mut DbConn,
        scope: &Scope,
        id: DepartmentId,
    ) -> AppResult<(DepartmentForm, Hall)> {
        let (d, hall) = scope.own_department(conn, id)?;
        let form = DepartmentForm {
            code: d.code,
            name: d.name,
            short_name: d.short_name,
            phone: d.phone,
            active: d.active.then(|| "on".into()),
        };
        Ok((form, hall))
    }

    fn blank(_: &Scope) -> DepartmentForm {
        DepartmentForm {
            active: Some("on".into()),
            ..Default::default()
        }
    }

    fn save(
        conn: &mut DbConn,
        at: &At<DepartmentId>,
        form: &DepartmentForm,
    ) -> Result<DepartmentId, SaveError> {
        save_department(conn, at.hall.id, at.id, form)
    }

    fn page(
        _: &mut DbConn,
        at: &At<DepartmentId>,
        ctx: PageCtx,
        form: DepartmentForm,
        errors: FormErrors,
    ) -> AppResult<DepartmentFormPage> {
        Ok(DepartmentFormPage {
            ctx,
            hall: at.hall.clone(),
            id: at.id.map(|i| i.0),
            form,
            errors,
        })
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    editor::routes::<Departments>(cfg);
}
