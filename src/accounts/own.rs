//! `/account`: a signed-in person's own account, and changing its password.

use super::hasher::Hasher;
use super::models::Account;
use super::routes::{ANYONE, start_session};
use super::{password, session};
use crate::accounts::Identity;
use crate::error::AppError;
use crate::pii::{mask_id_number, mask_name, mask_phone};
use crate::web::forms::{FormErrors, private_page};
use crate::web::{AppState, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts/account.html")]
pub(crate) struct AccountPage {
    pub(crate) ctx: PageCtx,
    pub(crate) name: String,
    pub(crate) phone: String,
    pub(crate) id_number: String,
    pub(crate) role: String,
    pub(crate) must_change: bool,
    pub(crate) errors: FormErrors,
    pub(crate) changed: bool,
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

#[derive(Deserialize)]
pub(crate) struct ChangedQuery {
    pub(crate) changed: Option<String>,
}

#[get("/account")]
pub(crate) async fn account_page(
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
pub(crate) async fn password_page(
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
pub(crate) struct PasswordForm {
    #[serde(default)]
    pub(crate) current: String,
    #[serde(default)]
    pub(crate) new_password: String,
    #[serde(default)]
    pub(crate) new_password2: String,
}

/// A new password ends every session and token of the account, then signs
/// this browser in again.
#[post("/account/password")]
pub(crate) async fn change_password(
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
    let signed_out = Identity::default();
    start_session(&state, &req, &signed_out, &account, "/account?changed=1").await
}
