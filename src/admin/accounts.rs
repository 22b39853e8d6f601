//! Staff accounts: create clerks and department admins with a one-time
//! password, assign clerks to windows, reset passwords, disable accounts
//! (their sessions end at once). Residents' personal data stays masked;
//! revealing a full ID number is a deliberate, audited act.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::accounts::create::{AddUser, AddUserError, add_user};
use crate::accounts::models::{Account, Role};
use crate::audit::{AuditResult, Entry, Refusal, audited};
use crate::catalog::models::{Department, Window};
use crate::db::schema::{accounts, departments, windows};
use crate::error::{AppError, AppResult};
use crate::pii::{mask_name, mask_phone};
use crate::seed::demo::random_password;
use crate::web::forms::{FormErrors, private_page};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

pub struct AccountRow {
    pub id: i32,
    pub name: String,
    pub phone: String,
    pub role: String,
    pub place: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    ctx: PageCtx,
    staff: Vec<AccountRow>,
    residents: Vec<AccountRow>,
    q: String,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
}

pub(super) fn row(ctx: &PageCtx, a: &Account, depts: &[Department], wins: &[Window]) -> AccountRow {
    let dept = a
        .department_id
        .and_then(|d| depts.iter().find(|x| x.id == d))
        .map(|d| d.short_name.clone())
        .unwrap_or_default();
    let win = a
        .window_id
        .and_then(|w| wins.iter().find(|x| x.id == w))
        .map(|w| ctx.tn("service-window-number", w.number))
        .unwrap_or_default();
    AccountRow {
        id: a.id.0,
        name: mask_name(&a.name),
        phone: mask_phone(&a.phone),
        role: ctx.t(&format!("role-{}", a.role.as_str())),
        place: [dept, win]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        disabled: a.disabled,
    }
}

#[get("/admin/accounts")]
async fn accounts_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let query = crate::text::clean_line(&q.q.clone().unwrap_or_default(), 20);
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let mut staff_q = accounts::table
                .filter(accounts::role.ne(Role::Resident.as_str()))
                .order(accounts::id)
                .into_boxed();
            if let Some(d) = scope.department() {
                staff_q = staff_q
                    .filter(accounts::department_id.eq(d))
                    .filter(accounts::role.eq(Role::Clerk.as_str()));
            }
            let staff: Vec<Account> = staff_q.limit(500).select(Account::as_select()).load(conn)?;
            // Residents are listed only for administrators, by phone search.
            let residents: Vec<Account> = if scope.is_admin() && query.trim().len() >= 4 {
                let pattern = crate::catalog::search::contains_pattern(query.trim());
                accounts::table
                    .filter(accounts::role.eq(Role::Resident.as_str()))
                    .filter(accounts::phone.like(pattern).escape('\\'))
                    .limit(50)
                    .select(Account::as_select())
                    .load(conn)?
            } else {
                Vec::new()
            };
            let depts: Vec<Department> = departments::table
                .select(Department::as_select())
                .load(conn)?;
            let wins: Vec<Window> = windows::table.select(Window::as_select()).load(conn)?;
            Ok(AccountsPage {
                staff: staff.iter().map(|a| row(&ctx, a, &depts, &wins)).collect(),
                residents: residents
                    .iter()
                    .map(|a| row(&ctx, a, &depts, &wins))
                    .collect(),
                q: query,
                ctx,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewStaffForm {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub window: String,
}

#[derive(Template)]
#[template(path = "admin/account_new.html")]
struct NewStaffPage {
    ctx: PageCtx,
    form: NewStaffForm,
    errors: FormErrors,
    departments: Vec<Department>,
    admin: bool,
}

async fn new_staff_page(
    state: &AppState,
    ctx: PageCtx,
    scope: Scope,
    form: NewStaffForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let admin = scope.is_admin();
    let departments = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = scope.hall_for(conn, None)?;
            let mut q = departments::table
                .filter(departments::hall_id.eq(hall.id))
                .order(departments::sort_order)
                .into_boxed();
            if let Some(d) = scope.department() {
                q = q.filter(departments::id.eq(d));
            }
            Ok(q.select(Department::as_select()).load(conn)?)
        })
        .await?;
    private_page(
        status,
        &NewStaffPage {
            ctx,
            form,
            errors,
            departments,
            admin,
        },
    )
}

#[get("/admin/accounts/new")]
async fn account_new(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let form = NewStaffForm {
        role: "clerk".into(),
        ..Default::default()
    };
    new_staff_page(
        &state,
        ctx,
        scope,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Template)]
#[template(path = "admin/one_time.html")]
pub(super) struct OneTimePage {
    pub(super) ctx: PageCtx,
    pub(super) id: i32,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) password: String,
}

impl OneTimePage {
    pub(super) fn of(ctx: PageCtx, a: &crate::accounts::models::Account, password: String) -> Self {
        OneTimePage {
            ctx,
            id: a.id.0,
            name: mask_name(&a.name),
            phone: mask_phone(&a.phone),
            password,
        }
    }
}

/// The new account's department code: a department admin creates clerks
/// of their own department only.
async fn department_of_new(state: &AppState, scope: &Scope, form: &NewStaffForm) -> Option<String> {
    match scope.department() {
        Some(own) => state
            .db
            .run(move |conn| -> AppResult<_> {
                Ok(departments::table
                    .find(own)
                    .select(departments::code)
                    .first::<String>(conn)?)
            })
            .await
            .ok(),
        None => Some(form.department.clone()).filter(|d| !d.trim().is_empty()),
    }
}

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

#[post("/admin/accounts")]
async fn account_create(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<NewStaffForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let form = form.into_inner();
    // Clerks, and (by administrators only) department administrators.
    let role = match form.role.parse::<Role>() {
        Ok(r @ Role::Clerk) => r,
        Ok(r @ Role::DeptAdmin) if scope.is_admin() => r,
        _ => {
            let errors = FormErrors::from_keys(ctx.lang, &[("role", "admin-error-choice")]);
            return new_staff_page(&state, ctx, scope, form, errors, UNPROCESSABLE).await;
        }
    };
    let password = random_password();
    let input = AddUser {
        role,
        phone: form.phone.clone(),
        name: form.name.clone(),
        password: password.clone(),
        id_number: None,
        hall: scope.hall(),
        window: form.window.trim().parse().ok(),
        department: department_of_new(&state, &scope, &form).await,
        must_change_password: true,
    };
    let (keys, now) = (state.pii.clone(), state.clock.now_utc());
    let inp = input.clone();
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.account.create",
        format!("role:{}", role.as_str()),
    );
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            Ok(audited(conn, &entry, now, |conn| {
                add_user(conn, &inp, &keys, now)
            }))
        })
        .await?;
    match result {
        Ok(id) => private_page(
            StatusCode::OK,
            &OneTimePage {
                ctx,
                id: id.0,
                name: mask_name(&input.name),
                phone: mask_phone(&input.phone),
                password,
            },
        ),
        Err(AddUserError::Invalid(keys)) => {
            let errors = FormErrors::from_keys(ctx.lang, &keys);
            new_staff_page(&state, ctx, scope, form, errors, UNPROCESSABLE).await
        }
        Err(e @ (AddUserError::PhoneTaken | AddUserError::IdNumberTaken)) => {
            let errors = FormErrors::from_keys(ctx.lang, &[("phone", e.first_key())]);
            new_staff_page(&state, ctx, scope, form, errors, StatusCode::CONFLICT).await
        }
        Err(AddUserError::Internal(m)) => Err(AppError::Internal(m)),
    }
}

/// A refused account is `failed` with the detail `invalid` (the form
/// shows why).
impl Refusal for AddUserError {
    fn refusal(&self) -> (AuditResult, String) {
        match self {
            AddUserError::Internal(_) => (AuditResult::Failed, "internal".into()),
            _ => (AuditResult::Failed, "invalid".into()),
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(accounts_page)
        .service(account_new)
        .service(account_create);
}
