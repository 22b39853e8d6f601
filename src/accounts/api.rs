//! `/api/v1/auth`: registration and bearer tokens.

use super::hasher::Hasher;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::create::AddUserError;
use super::models::Role;
use super::{session, signin};
use crate::accounts::Identity;
use crate::db::ids::AccountId;
use crate::error::{AppError, AppResult, BodyErrors, ErrorBody};
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::throttle::{Bucket, client_ip};

#[derive(Deserialize, ToSchema)]
#[schema(as = Registration)]
struct RegisterBody {
    #[schema(example = "张秀兰", max_length = 40)]
    name: String,
    /// 18 位居民身份证号 with the GB 11643 check digit; full-width digits
    /// are read as typed by Chinese input methods.
    #[schema(example = "150302195203150020")]
    id_number: String,
    /// 11 位手机号
    #[schema(example = "13904730001")]
    phone: String,
    /// At least 8 characters with a letter and a digit.
    #[schema(example = "Lan2026wuhai", format = Password)]
    password: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Registered)]
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

/// 注册 / A resident creates an account.
#[utoipa::path(
    tag = "accounts",
    request_body = RegisterBody,
    responses(
        (status = 201, description = "已注册 / registered", body = Created),
        BodyErrors,
        (status = 409, description = "已注册过 / `phone_taken` or `id_number_taken`", body = ErrorBody),
        (status = 422, description = "`invalid_name`, `invalid_id_number`, `invalid_phone`, `weak_password`", body = ErrorBody),
        (status = 429, description = "尝试过多 / too many sign-ins from this address", body = ErrorBody),
    ),
)]
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

#[derive(Deserialize, ToSchema)]
#[schema(as = Login)]
struct LoginBody {
    #[schema(example = "13904730001")]
    phone: String,
    #[schema(example = "Lan2026wuhai", format = Password)]
    password: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Token)]
struct TokenJson {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    role: Role,
    #[schema(format = DateTime, example = "2026-12-10T08:00:00Z")]
    expires_at: String,
}

/// 登录 / A bearer token for a phone number and password.
#[utoipa::path(
    tag = "accounts",
    request_body = LoginBody,
    responses(
        (status = 200, description = "已登录 / signed in", body = TokenJson),
        BodyErrors,
        (status = 401, description = "手机号或密码错误 / `invalid_credentials`", body = ErrorBody),
        (status = 429, description = "尝试过多 / too many sign-ins", body = ErrorBody),
    ),
)]
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

#[derive(Deserialize, ToSchema)]
#[schema(as = PasswordChange)]
struct PasswordBody {
    current_password: String,
    new_password: String,
}

/// 修改密码 / Change the password.
///
/// Changes the signed-in account's password. Every session and token of the
/// account ends; the answer carries a new token. Staff with a one-time
/// password can call nothing else until they have.
#[utoipa::path(
    tag = "accounts",
    request_body = PasswordBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "已修改 / changed; the new token", body = TokenJson),
        BodyErrors,
        (status = 401, description = "未登录或原密码错误 / `unauthorized`, `invalid_credentials`", body = ErrorBody),
        (status = 422, description = "新密码太弱 / `weak_password`", body = ErrorBody),
    ),
)]
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

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(change_password);
}
