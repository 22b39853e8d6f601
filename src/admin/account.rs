//! One account (`/admin/accounts/{id}`) and what a manager may do to it:
//! reveal a resident's ID number (deliberate, with a reason, audited), reset
//! a password, disable or enable, assign a clerk's window. Each action and
//! its audit row are written in one transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use super::accounts::{AccountRow, OneTimePage, row};
use crate::accounts::Identity;
use crate::accounts::hasher::Hasher;
use crate::accounts::models::{Account, Role};
use crate::accounts::{repo, session};
use crate::audit::{self, AuditResult, Entry, audited};
use crate::catalog::models::{Department, Window};
use crate::db::DbConn;
use crate::db::ids::{AccountId, DepartmentId, WindowId};
use crate::db::schema::{accounts, departments, windows};
use crate::error::{AppError, AppResult};
use crate::pii::mask_id_number;
use crate::seed::demo::random_password;
use crate::web::forms::private_page;
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

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
            let a = scope.own_account(conn, id)?;
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
    id: web::Path<AccountId>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id = id.into_inner();
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

/// A new one-time password; every session of the account ends.
fn reset_password(
    conn: &mut DbConn,
    scope: &Scope,
    id: AccountId,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> AppResult<Account> {
    let a = scope.own_account(conn, id)?;
    repo::set_password(conn, a.id, hash, now)?;
    diesel::update(accounts::table.find(a.id))
        .set(accounts::must_change_password.eq(true))
        .execute(conn)?;
    session::revoke_all(conn, a.id, now)?;
    Ok(a)
}

/// Disables (or enables) an account; a disabled one loses its sessions and
/// its window, whose transferred tickets go back to their items' queues.
fn set_disabled(
    conn: &mut DbConn,
    scope: &Scope,
    id: AccountId,
    disable: bool,
    now: chrono::NaiveDateTime,
) -> AppResult<()> {
    let a = scope.own_account(conn, id)?;
    if a.id == scope.account.id {
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
        if let Some(w) = crate::queue::staffing::window_of_clerk(conn, a.id)? {
            crate::queue::staffing::return_transferred(conn, w.id, Some(scope.account.id), now)?;
        }
        diesel::update(windows::table.filter(windows::current_clerk_id.eq(a.id)))
            .set(windows::current_clerk_id.eq(None::<AccountId>))
            .execute(conn)?;
    }
    Ok(())
}

/// Seats a clerk at a window of their own department (or none).
fn assign_window(
    conn: &mut DbConn,
    scope: &Scope,
    id: AccountId,
    window: Option<WindowId>,
) -> AppResult<()> {
    let a = scope.own_account(conn, id)?;
    if a.role != Role::Clerk {
        return Err(AppError::invalid(
            "not_a_clerk",
            "only clerks sit at windows",
        ));
    }
    if let Some(w) = window {
        let wd: DepartmentId = windows::table
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
}

/// Only administrators, only with a reason: the reveal is recorded with it.
async fn reveal(
    state: &AppState,
    req: &HttpRequest,
    ctx: PageCtx,
    scope: Scope,
    id: AccountId,
    reason: &str,
) -> Result<HttpResponse, AppError> {
    if !scope.is_admin() {
        return Err(AppError::forbidden(
            "forbidden",
            "only administrators may reveal personal data",
        ));
    }
    let reason = crate::text::clean_line(reason, 200);
    if reason.is_empty() {
        let mut page = account_view(state, ctx, scope, id, false, String::new()).await?;
        page.message = page.ctx.t("admin-reveal-reason-required");
        return private_page(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let (actor, s2, now) = (
        scope.account.actor(&client_ip(req)),
        scope.clone(),
        state.clock.now_utc(),
    );
    state
        .db
        .run(move |conn| -> AppResult<_> {
            s2.own_account(conn, id)?;
            let target = format!("account:{id}");
            Ok(audit::record(
                conn,
                &actor,
                "admin.account.reveal_id_number",
                &target,
                AuditResult::Ok,
                &reason,
                now,
            )?)
        })
        .await?;
    let page = account_view(state, ctx, scope, id, true, String::new()).await?;
    private_page(StatusCode::OK, &page)
}

#[post("/admin/accounts/{id}/{action}")]
async fn account_action(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    path: web::Path<(AccountId, String)>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let (id, action) = path.into_inner();
    if action == "reveal" {
        return reveal(&state, &req, ctx, scope, id, &form.reason).await;
    }
    let now = state.clock.now_utc();
    let entry = |name: &str| {
        Entry::new(
            scope.account.actor(&client_ip(&req)),
            name,
            format!("account:{id}"),
        )
    };
    let s2 = scope.clone();
    let message = match action.as_str() {
        "reset" => {
            let password = random_password();
            let hash = hasher.hash(password.clone()).await?;
            let entry = entry("admin.account.reset_password");
            let a = state
                .db
                .run(move |conn| {
                    audited(conn, &entry, now, |conn| {
                        reset_password(conn, &s2, id, &hash, now)
                    })
                })
                .await?;
            return private_page(StatusCode::OK, &OneTimePage::of(ctx, &a, password));
        }
        "disable" | "enable" => {
            let disable = action == "disable";
            let entry = entry(&format!("admin.account.{action}"));
            state
                .db
                .run(move |conn| {
                    audited(conn, &entry, now, |conn| {
                        set_disabled(conn, &s2, id, disable, now)
                    })
                })
                .await?;
            if disable {
                "admin-account-disabled"
            } else {
                "admin-account-enabled"
            }
        }
        "assign" => {
            let window: Option<WindowId> = form.window_id.trim().parse().ok();
            let entry = entry("admin.account.assign_window");
            state
                .db
                .run(move |conn| {
                    audited(conn, &entry, now, |conn| {
                        assign_window(conn, &s2, id, window)
                    })
                })
                .await?;
            "admin-saved"
        }
        _ => return Err(AppError::NotFound),
    };
    let message = ctx.t(message);
    let page = account_view(&state, ctx, scope, id, false, message).await?;
    private_page(StatusCode::OK, &page)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(account_page).service(account_action);
}
