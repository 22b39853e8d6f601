//! Registration, sign-in, sign-out and the account page.

use super::hasher::Hasher;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::create::{AddUser, AddUserError, insert_user, validate_user};
use super::models::{Account, Role};
use super::{password, session, signin};
use crate::accounts::Identity;
use crate::accounts::identity::{clear_session_cookie, session_cookie};
use crate::error::{AppError, AppResult};
use crate::pii::{mask_id_number, mask_name, mask_phone};
use crate::web::forms::{FormErrors, private_page};
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

fn landing(next: Option<&str>, role: Role) -> String {
    match next.map(|n| safe_next(Some(n))) {
        Some(n) if n != "/" && !n.starts_with("/login") && !n.starts_with("/register") => {
            n.to_string()
        }
        _ => home_for(role).to_string(),
    }
}

fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Starts a fresh session (a new id at every sign-in; the old one ends).
async fn start_session(
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
struct NextQuery {
    next: Option<String>,
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
    next: Option<String>,
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

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    ctx: PageCtx,
    form: RegisterForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
    consent: Option<String>,
    #[serde(default)]
    next: String,
}

#[get("/register")]
async fn register_form(
    ctx: PageCtx,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let form = RegisterForm {
        next: query.next.clone().unwrap_or_default(),
        ..Default::default()
    };
    private_page(
        StatusCode::OK,
        &RegisterPage {
            ctx,
            form,
            errors: FormErrors::default(),
        },
    )
}

fn resident_input(name: &str, id_number: &str, phone: &str, pw: &str) -> AddUser {
    AddUser {
        role: Role::Resident,
        phone: phone.to_string(),
        name: name.to_string(),
        password: pw.to_string(),
        id_number: Some(id_number.to_string()),
        hall: None,
        window: None,
        department: None,
        must_change_password: false,
    }
}

/// Registration through the bounded hasher; shared by the page and the API.
pub async fn register_resident(
    state: &AppState,
    hasher: &Hasher,
    name: &str,
    id_number: &str,
    phone: &str,
    pw: &str,
) -> Result<Account, AddUserError> {
    let input = resident_input(name, id_number, phone, pw);
    let now = state.clock.now_utc();
    let valid = validate_user(&input, state.clock.today_in(state.tz()))?;
    let hash = hasher
        .hash(input.password.clone())
        .await
        .map_err(|e| AddUserError::Internal(e.to_string()))?;
    let keys = state.pii.clone();
    state
        .db
        .run(move |conn| {
            let id = insert_user(conn, &input, &valid, hash, &keys, now)?;
            super::repo::find_account(conn, id)?
                .ok_or(AddUserError::Internal("account vanished".into()))
        })
        .await
}

#[post("/register")]
async fn register(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    if !state.throttle.allow(Bucket::SignIn, &client_ip(&req)) {
        return Err(AppError::TooManyRequests);
    }
    let mut errors = FormErrors::default();
    // Every problem at once: field checks, the repeated password, consent.
    if let Err(AddUserError::Invalid(keys)) = validate_user(
        &resident_input(&form.name, &form.id_number, &form.phone, &form.password),
        state.clock.today_in(state.tz()),
    ) {
        errors
            .fields
            .extend(FormErrors::from_keys(ctx.lang, &keys).fields);
    }
    if form.password != form.password2 {
        errors.add("password2", ctx.t("password-mismatch"));
    }
    if form.consent.is_none() {
        errors.add("consent", ctx.t("consent-required"));
    }
    let result = if errors.is_empty() {
        register_resident(
            &state,
            &hasher,
            &form.name,
            &form.id_number,
            &form.phone,
            &form.password,
        )
        .await
    } else {
        Err(AddUserError::Invalid(Vec::new()))
    };
    let status = match result {
        Ok(account) => {
            let to = landing(Some(&form.next), Role::Resident);
            return start_session(&state, &req, &identity, &account, &to).await;
        }
        Err(AddUserError::Internal(m)) => return Err(AppError::Internal(m)),
        Err(AddUserError::Invalid(keys)) => {
            errors
                .fields
                .extend(FormErrors::from_keys(ctx.lang, &keys).fields);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AddUserError::PhoneTaken) => {
            errors.add("phone", ctx.t("phone-taken"));
            StatusCode::CONFLICT
        }
        Err(AddUserError::IdNumberTaken) => {
            errors.add("id_number", ctx.t("id-number-taken"));
            StatusCode::CONFLICT
        }
    };
    form.password.clear();
    form.password2.clear();
    private_page(status, &RegisterPage { ctx, form, errors })
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    ctx: PageCtx,
    name: String,
    phone: String,
    id_number: String,
    role: String,
    must_change: bool,
    errors: FormErrors,
    changed: bool,
}

impl AccountPage {
    fn new(ctx: PageCtx, state: &AppState, account: &Account) -> Self {
        let id_number = account
            .id_number_cipher
            .as_deref()
            .and_then(|c| state.pii.decrypt(c))
            .map(|id| mask_id_number(&id))
            .unwrap_or_default();
        AccountPage {
            name: mask_name(&account.name),
            phone: mask_phone(&account.phone),
            role: ctx.t(&format!("role-{}", account.role.as_str())),
            must_change: account.must_change_password,
            id_number,
            errors: FormErrors::default(),
            changed: false,
            ctx,
        }
    }
}

const ANYONE: &[Role] = &[Role::Resident, Role::Clerk, Role::DeptAdmin, Role::Admin];

#[derive(Deserialize)]
struct ChangedQuery {
    changed: Option<String>,
}

#[get("/account")]
async fn account_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<ChangedQuery>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(ANYONE)?;
    let mut page = AccountPage::new(ctx, &state, &user.account);
    page.changed = q.changed.is_some();
    private_page(StatusCode::OK, &page)
}

#[get("/account/password")]
async fn password_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(ANYONE)?;
    private_page(
        StatusCode::OK,
        &AccountPage::new(ctx, &state, &user.account),
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password2: String,
}

/// A new password ends every session and token of the account, then signs
/// this browser in again.
#[post("/account/password")]
async fn change_password(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let user = identity.require(ANYONE)?.clone();
    let mut errors = FormErrors::default();
    let current_ok = hasher
        .verify(
            form.current.clone(),
            Some(user.account.password_hash.clone()),
        )
        .await?;
    if !current_ok {
        errors.add("current", ctx.t("password-current-wrong"));
    }
    if let Err(k) = password::check_strength(&form.new_password) {
        errors.add("new_password", ctx.t(k));
    }
    if form.new_password != form.new_password2 {
        errors.add("new_password2", ctx.t("password-mismatch"));
    }
    if !errors.is_empty() {
        let mut page = AccountPage::new(ctx, &state, &user.account);
        page.errors = errors;
        return private_page(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = hasher.hash(form.new_password.clone()).await?;
    let now = state.clock.now_utc();
    let id = user.account.id;
    let account = state
        .db
        .run(move |conn| {
            super::repo::set_password(conn, id, &hash, now)?;
            session::revoke_all(conn, id, now)?;
            super::repo::find_account(conn, id)?.ok_or(AppError::NotFound)
        })
        .await?;
    let signed_out = Identity {
        user: None,
        csrf_token: String::new(),
    };
    start_session(&state, &req, &signed_out, &account, "/account?changed=1").await
}

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
