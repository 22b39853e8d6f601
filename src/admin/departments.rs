//! `/admin/departments`: the hall's departments.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::Scope;
use super::editor::{self, At, Editor};
use crate::accounts::Identity;
use crate::catalog::edit::{DepartmentForm, SaveError, save_department};
use crate::catalog::models::Department;
use crate::db::DbConn;
use crate::db::ids::DepartmentId;
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::web::forms::{FormErrors, private_page};
use crate::web::{AppState, PageCtx};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub hall: Option<String>,
    pub saved: Option<String>,
}

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

async fn departments_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = scope.hall_for(conn, q.hall.as_deref())?;
            Ok(DepartmentsPage {
                rows: scope.departments(conn, hall.id)?,
                halls: scope.halls(conn)?,
                admin: scope.is_admin(),
                saved: q.saved.is_some(),
                ctx,
                hall,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
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
    type Page = DepartmentFormPage;
    const LIST: &'static str = "/admin/departments";
    const ACTION: &'static str = "admin.department.save";
    const TARGET: &'static str = "department";
    const ADMIN_CREATES: bool = true;

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
        conn: &mut DbConn,
        at: &At<DepartmentId>,
        ctx: PageCtx,
        form: DepartmentForm,
        errors: FormErrors,
    ) -> AppResult<DepartmentFormPage> {
        let _ = conn;
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
    editor::routes::<Departments>(cfg, web::get().to(departments_page));
}
