//! Registration, sign-in, sign-out and the account page.

use super::hasher::Hasher;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::models::{Account, Role};
use super::own::{account_page, change_password, password_page};
use super::register::{register, register_form};
use super::{session, signin};
use crate::accounts::Identity;
use crate::accounts::identity::{clear_session_cookie, session_cookie};
use crate::error::{AppError, AppResult};
use crate::web::forms::private_page;
use crate::web::lang::safe_next;
use crate::web::throttle::{Bucket, client_ip};
use crate::web::{AppState, PageCtx};

/// Where each role lands after signing in.
pub fn home_for(role: Role) -> &'static str {
    match role {
        Role::Resident => "/bookings",
        Role::Clerk => "/clerk",
        Role::DeptAdmin | Role::Admin => "/admin",
    }
}

pub(super) fn landing(next: Option<&str>, role: Role) -> String {
    match next.map(|n| safe_next(Some(n))) {
        Some(n) if n != "/" && !n.starts_with("/login") && !n.starts_with("/register") => {
            n.to_string()
        }
        _ => home_for(role).to_string(),
    }
}

pub(super) fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Starts a fresh session (a new id at every sign-in; the old one ends).
pub(super) async fn start_session(
    state: &AppState,
    req: &HttpRequest,
    identity: &Identity,
    account: &Account,
    to: &str,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_utc();
    let id = account.id;
    let agent = user_agent(req);
    let old = identity.user.as_ref().and_then(|u| u.session_token.clone());
    let token = state
        .db
        .run(move |conn| -> AppResult<_> {
            if let Some(old) = old {
                session::revoke_session(conn, &old, now)?;
            }
            Ok(session::create_session(conn, id, now, &agent)?)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .cookie(session_cookie(state.settings.cookie_secure, &token))
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish())
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    ctx: PageCtx,
    phone: String,
    next: String,
    error: String,
}

#[derive(Deserialize)]
pub(super) struct NextQuery {
    pub(super) next: Option<String>,
}

#[get("/login")]
async fn login_form(ctx: PageCtx, query: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    let next = query.next.clone().unwrap_or_default();
    private_page(
        StatusCode::OK,
        &LoginPage {
            ctx,
            phone: String::new(),
            next,
            error: String::new(),
        },
    )
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    pub(super) next: Option<String>,
}

#[post("/login")]
async fn login(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if !state.throttle.allow(Bucket::SignIn, &client_ip(&req)) {
        return Err(AppError::TooManyRequests);
    }
    match signin::authenticate(
        &state,
        &hasher,
        &form.phone,
        &form.password,
        &client_ip(&req),
    )
    .await?
    {
        Some(account) => {
            let to = landing(form.next.as_deref(), account.role);
            start_session(&state, &req, &identity, &account, &to).await
        }
        None => {
            let error = ctx.t("login-failed");
            let page = LoginPage {
                ctx,
                phone: form.phone.chars().take(20).collect(),
                next: form.next.unwrap_or_default(),
                error,
            };
            private_page(StatusCode::UNAUTHORIZED, &page)
        }
    }
}

#[post("/logout")]
async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = identity.user
        && let Some(token) = user.session_token
    {
        let now = state.clock.now_utc();
        let actor = user.account.actor(&client_ip(&req));
        let id = user.account.id;
        state
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    session::revoke_session(conn, &token, now)?;
                    crate::audit::record(
                        conn,
                        &actor,
                        "auth.sign_out",
                        &format!("account:{id}"),
                        crate::audit::AuditResult::Ok,
                        "",
                        now,
                    )?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(clear_session_cookie(state.settings.cookie_secure))
        .insert_header((actix_web::http::header::LOCATION, "/"))
        .finish())
}

pub(super) const ANYONE: &[Role] = &[Role::Resident, Role::Clerk, Role::DeptAdmin, Role::Admin];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login_form)
        .service(login)
        .service(logout)
        .service(register_form)
        .service(register)
        .service(account_page)
        .service(password_page)
        .service(change_password);
}
