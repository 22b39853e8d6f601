//! `/register`: a resident opens an account (real name, ID number checked
//! against GB 11643, phone) and is signed in.

use super::create::{AddUser, AddUserError, insert_user, validate_user};
use super::hasher::Hasher;
use super::models::{Account, Role};
use super::routes::{NextQuery, landing, start_session};
use crate::accounts::Identity;
use crate::error::AppError;
use crate::web::forms::{FormErrors, private_page};
use crate::web::throttle::{Bucket, client_ip};
use crate::web::{AppState, PageCtx};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "accounts/register.html")]
pub(crate) struct RegisterPage {
    pub(crate) ctx: PageCtx,
    pub(crate) form: RegisterForm,
    pub(crate) errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct RegisterForm {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) id_number: String,
    #[serde(default)]
    pub(crate) phone: String,
    #[serde(default)]
    pub(crate) password: String,
    #[serde(default)]
    pub(crate) password2: String,
    pub(crate) consent: Option<String>,
    #[serde(default)]
    pub(crate) next: String,
}

#[get("/register")]
pub(crate) async fn register_form(
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

pub(crate) fn resident_input(name: &str, id_number: &str, phone: &str, pw: &str) -> AddUser {
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
pub(crate) async fn register(
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
