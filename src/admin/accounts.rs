//! Staff accounts: create clerks and department admins with a one-time
//! password, assign clerks to windows, reset passwords, disable accounts
//! (their sessions end at once). Residents' personal data stays masked;
//! revealing a full ID number is a deliberate, audited act.

use crate::accounts::hasher::Hasher;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::accounts::create::{AddUser, AddUserError, add_user};
use crate::accounts::models::{Account, Role};
use crate::accounts::{repo, session};
use crate::audit::audit_action;
use crate::audit::{self, AuditResult};
use crate::catalog::models::{Department, Window};
use crate::db::ids::AccountId;
use crate::db::schema::{accounts, departments, windows};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::pii::{mask_id_number, mask_name, mask_phone};
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

fn row(ctx: &PageCtx, a: &Account, depts: &[Department], wins: &[Window]) -> AccountRow {
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
struct OneTimePage {
    ctx: PageCtx,
    id: i32,
    name: String,
    phone: String,
    password: String,
}

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
    let role = match form.role.parse::<Role>() {
        Ok(Role::Clerk) => Role::Clerk,
        Ok(Role::DeptAdmin) if scope.is_admin() => Role::DeptAdmin,
        _ => {
            let errors = FormErrors::from_keys(ctx.lang, &[("role", "admin-error-choice")]);
            return new_staff_page(
                &state,
                ctx,
                scope,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // A department admin creates clerks of their own department only.
    let department = match scope.department() {
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
        department,
        must_change_password: true,
    };
    let (keys, now) = (state.pii.clone(), state.clock.now_utc());
    let inp = input.clone();
    let result = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(add_user(conn, &inp, &keys, now)) })
        .await?;
    let actor = scope.account.actor(&client_ip(&req));
    let audit_result: Result<(), AppError> = result
        .as_ref()
        .map(|_| ())
        .map_err(|e| AppError::invalid("invalid", e.to_string()));
    audit_action(
        &state,
        actor,
        "admin.account.create",
        format!("role:{}", role.as_str()),
        &audit_result,
    )
    .await;
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
            new_staff_page(
                &state,
                ctx,
                scope,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ (AddUserError::PhoneTaken | AddUserError::IdNumberTaken)) => {
            let errors = FormErrors::from_keys(ctx.lang, &[("phone", e.first_key())]);
            new_staff_page(&state, ctx, scope, form, errors, StatusCode::CONFLICT).await
        }
        Err(AddUserError::Internal(m)) => Err(AppError::Internal(m)),
    }
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    ctx: PageCtx,
    id: i32,
    row: AccountRow,
    resident: bool,
    admin: bool,
    id_number: String,
    revealed: bool,
    windows: Vec<Window>,
    current_window: Option<i32>,
    message: String,
}

/// The account an action is about, if this manager may manage it: admins
/// manage everyone but themselves for disabling; department admins only the
/// clerks of their department.
fn managed(
    conn: &mut crate::db::DbConn,
    scope: &Scope,
    id: AccountId,
) -> Result<Account, AppError> {
    let a = repo::find_account(conn, id)?.ok_or(AppError::NotFound)?;
    let ok = scope.is_admin()
        || (a.role == Role::Clerk
            && a.department_id.is_some()
            && a.department_id == scope.account.department_id);
    if ok { Ok(a) } else { Err(AppError::NotFound) }
}

async fn account_view(
    state: &AppState,
    ctx: PageCtx,
    scope: Scope,
    id: AccountId,
    reveal: bool,
    message: String,
) -> Result<AccountPage, AppError> {
    let keys = state.pii.clone();
    state
        .db
        .run(move |conn| {
            let a = managed(conn, &scope, id)?;
            let depts: Vec<Department> = departments::table
                .select(Department::as_select())
                .load(conn)?;
            let all_windows: Vec<Window> = windows::table
                .order(windows::number)
                .select(Window::as_select())
                .load(conn)?;
            let full = a
                .id_number_cipher
                .as_deref()
                .and_then(|c| keys.decrypt(c))
                .unwrap_or_default();
            let windows = all_windows
                .iter()
                .filter(|w| Some(w.department_id) == a.department_id)
                .cloned()
                .collect();
            Ok(AccountPage {
                row: row(&ctx, &a, &depts, &all_windows),
                id: a.id.0,
                resident: a.role == Role::Resident,
                admin: scope.is_admin(),
                id_number: if reveal { full } else { mask_id_number(&full) },
                revealed: reveal,
                windows,
                current_window: a.window_id.map(|w| w.0),
                message,
                ctx,
            })
        })
        .await
}

#[get("/admin/accounts/{id}")]
async fn account_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id: AccountId = id.parse().map_err(|_| AppError::NotFound)?;
    let page = account_view(&state, ctx, scope, id, false, String::new()).await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize, Default)]
struct ActionForm {
    #[serde(default)]
    window_id: String,
    #[serde(default)]
    reason: String,
}

#[post("/admin/accounts/{id}/{action}")]
async fn account_action(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    path: web::Path<(String, String)>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let (id, action) = path.into_inner();
    let id: AccountId = id.parse().map_err(|_| AppError::NotFound)?;
    let now = state.clock.now_utc();
    let actor = scope.account.actor(&client_ip(&req));
    let target = format!("account:{id}");
    match action.as_str() {
        "reveal" => {
            // Only administrators, only residents' ID numbers, with a reason.
            if !scope.is_admin() {
                return Err(AppError::forbidden(
                    "forbidden",
                    "only administrators may reveal personal data",
                ));
            }
            let reason = crate::text::clean_line(&form.reason, 200);
            if reason.is_empty() {
                let mut page = account_view(&state, ctx, scope, id, false, String::new()).await?;
                page.message = page.ctx.t("admin-reveal-reason-required");
                return private_page(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            let (a2, s2) = (actor.clone(), scope.clone());
            state
                .db
                .run(move |conn| -> AppResult<_> {
                    managed(conn, &s2, id)?;
                    Ok(audit::record(
                        conn,
                        &a2,
                        "admin.account.reveal_id_number",
                        &format!("account:{id}"),
                        AuditResult::Ok,
                        &reason,
                        now,
                    )?)
                })
                .await?;
            let page = account_view(&state, ctx, scope, id, true, String::new()).await?;
            private_page(StatusCode::OK, &page)
        }
        "reset" => {
            let password = random_password();
            let pw = password.clone();
            let hash = hasher.hash(pw).await?;
            let s2 = scope.clone();
            let result = state
                .db
                .run(move |conn| {
                    let a = managed(conn, &s2, id)?;
                    repo::set_password(conn, a.id, &hash, now)?;
                    diesel::update(accounts::table.find(a.id))
                        .set(accounts::must_change_password.eq(true))
                        .execute(conn)?;
                    session::revoke_all(conn, a.id, now)?;
                    Ok(a)
                })
                .await;
            audit_action(
                &state,
                actor,
                "admin.account.reset_password",
                target,
                &result,
            )
            .await;
            let a = result?;
            private_page(
                StatusCode::OK,
                &OneTimePage {
                    ctx,
                    id: a.id.0,
                    name: mask_name(&a.name),
                    phone: mask_phone(&a.phone),
                    password,
                },
            )
        }
        "disable" | "enable" => {
            let disable = action == "disable";
            let s2 = scope.clone();
            let me = scope.account.id;
            let result = state
                .db
                .run(move |conn| {
                    write_transaction(conn, |conn| {
                        let a = managed(conn, &s2, id)?;
                        if a.id == me {
                            return Err(AppError::conflict(
                                "own_account",
                                "you cannot disable your own account",
                            ));
                        }
                        diesel::update(accounts::table.find(a.id))
                            .set((accounts::disabled.eq(disable), accounts::updated_at.eq(now)))
                            .execute(conn)?;
                        if disable {
                            session::revoke_all(conn, a.id, now)?;
                            // The window they sat at closes: its transferred
                            // tickets go back to their items' queues.
                            if let Some(w) = crate::queue::staffing::window_of_clerk(conn, a.id)? {
                                crate::queue::staffing::return_transferred(
                                    conn,
                                    w.id,
                                    Some(me),
                                    now,
                                )?;
                            }
                            diesel::update(
                                crate::db::schema::windows::table
                                    .filter(crate::db::schema::windows::current_clerk_id.eq(a.id)),
                            )
                            .set(crate::db::schema::windows::current_clerk_id.eq(None::<AccountId>))
                            .execute(conn)?;
                        }
                        Ok(())
                    })
                })
                .await;
            audit_action(
                &state,
                actor,
                &format!("admin.account.{action}"),
                target,
                &result,
            )
            .await;
            result?;
            let key = if disable {
                "admin-account-disabled"
            } else {
                "admin-account-enabled"
            };
            let message = ctx.t(key);
            let page = account_view(&state, ctx, scope, id, false, message).await?;
            private_page(StatusCode::OK, &page)
        }
        "assign" => {
            let window: Option<crate::db::ids::WindowId> = form.window_id.trim().parse().ok();
            let s2 = scope.clone();
            let result = state
                .db
                .run(move |conn| {
                    let a = managed(conn, &s2, id)?;
                    if a.role != Role::Clerk {
                        return Err(AppError::invalid(
                            "not_a_clerk",
                            "only clerks sit at windows",
                        ));
                    }
                    if let Some(w) = window {
                        let wd: crate::db::ids::DepartmentId = windows::table
                            .find(w)
                            .select(windows::department_id)
                            .first(conn)
                            .optional()?
                            .ok_or(AppError::NotFound)?;
                        if Some(wd) != a.department_id {
                            return Err(AppError::invalid(
                                "other_department",
                                "the window belongs to another department",
                            ));
                        }
                    }
                    diesel::update(accounts::table.find(a.id))
                        .set(accounts::window_id.eq(window))
                        .execute(conn)?;
                    Ok(())
                })
                .await;
            audit_action(
                &state,
                actor,
                "admin.account.assign_window",
                target,
                &result,
            )
            .await;
            result?;
            let message = ctx.t("admin-saved");
            let page = account_view(&state, ctx, scope, id, false, message).await?;
            private_page(StatusCode::OK, &page)
        }
        _ => Err(AppError::NotFound),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(accounts_page)
        .service(account_new)
        .service(account_create)
        .service(account_page)
        .service(account_action);
}
