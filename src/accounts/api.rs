//! `/api/v1/auth`: registration and bearer tokens.

use super::hasher::Hasher;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};

use super::create::AddUserError;
use super::models::Role;
use super::{session, signin};
use crate::accounts::Identity;
use crate::db::ids::AccountId;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::throttle::{Bucket, client_ip};

#[derive(Deserialize)]
struct RegisterBody {
    name: String,
    id_number: String,
    phone: String,
    password: String,
}

#[derive(Serialize)]
struct Created {
    id: AccountId,
}

/// The API code for the first problem of a registration.
fn invalid_code(field: &str) -> &'static str {
    match field {
        "id_number" => "invalid_id_number",
        "phone" => "invalid_phone",
        "password" => "weak_password",
        _ => "invalid_name",
    }
}

#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    body: web::Json<RegisterBody>,
) -> Result<HttpResponse, AppError> {
    if !state.throttle.allow(Bucket::SignIn, &client_ip(&req)) {
        return Err(AppError::TooManyRequests);
    }
    match super::register::register_resident(
        &state,
        &hasher,
        &body.name,
        &body.id_number,
        &body.phone,
        &body.password,
    )
    .await
    {
        Ok(account) => Ok(HttpResponse::Created().json(Created { id: account.id })),
        Err(AddUserError::Invalid(errors)) => {
            let (field, key) = errors.first().copied().unwrap_or(("name", "invalid-name"));
            Err(AppError::invalid(invalid_code(field), Lang::En.t(key)))
        }
        Err(e @ AddUserError::PhoneTaken) => {
            Err(AppError::conflict("phone_taken", Lang::En.t(e.first_key())))
        }
        Err(e @ AddUserError::IdNumberTaken) => Err(AppError::conflict(
            "id_number_taken",
            Lang::En.t(e.first_key()),
        )),
        Err(AddUserError::Internal(m)) => Err(AppError::Internal(m)),
    }
}

#[derive(Deserialize)]
struct LoginBody {
    phone: String,
    password: String,
}

#[derive(Serialize)]
struct TokenJson {
    token: String,
    role: Role,
    expires_at: String,
}

#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, AppError> {
    if !state.throttle.allow(Bucket::SignIn, &client_ip(&req)) {
        return Err(AppError::TooManyRequests);
    }
    let Some(account) = signin::authenticate(
        &state,
        &hasher,
        &body.phone,
        &body.password,
        &client_ip(&req),
    )
    .await?
    else {
        return Err(AppError::InvalidCredentials);
    };
    let now = state.clock.now_utc();
    let id = account.id;
    let (token, expires) = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(session::issue_api_token(conn, id, now)?) })
        .await?;
    Ok(HttpResponse::Ok().json(TokenJson {
        token,
        role: account.role,
        expires_at: expires
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }))
}

#[derive(Deserialize)]
struct PasswordBody {
    current_password: String,
    new_password: String,
}

/// Changes the signed-in account's password. Every session and token of the
/// account ends; the answer carries a new token. Staff with a one-time
/// password can call nothing else until they have.
#[post("/auth/password")]
async fn change_password(
    state: web::Data<AppState>,
    hasher: web::Data<Hasher>,
    req: HttpRequest,
    identity: Identity,
    body: web::Json<PasswordBody>,
) -> Result<HttpResponse, AppError> {
    let user = identity.user.ok_or(AppError::Unauthorized)?.account;
    let ok = hasher
        .verify(
            body.current_password
                .chars()
                .take(super::password::MAX_LEN)
                .collect(),
            Some(user.password_hash.clone()),
        )
        .await?;
    if !ok {
        return Err(AppError::InvalidCredentials);
    }
    if let Err(k) = super::password::check_strength(&body.new_password) {
        return Err(AppError::invalid("weak_password", Lang::En.t(k)));
    }
    let hash = hasher.hash(body.new_password.clone()).await?;
    let now = state.clock.now_utc();
    let (id, role) = (user.id, user.role);
    let actor = user.actor(&client_ip(&req));
    let (token, expires) = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                super::repo::set_password(conn, id, &hash, now)?;
                session::revoke_all(conn, id, now)?;
                crate::audit::record(
                    conn,
                    &actor,
                    "auth.change_password",
                    &format!("account:{id}"),
                    crate::audit::AuditResult::Ok,
                    "",
                    now,
                )?;
                Ok::<_, AppError>(session::issue_api_token(conn, id, now)?)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(TokenJson {
        token,
        role,
        expires_at: expires
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(change_password);
}
