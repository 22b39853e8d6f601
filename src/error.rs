//! Error layering:
//!
//! * database code returns `diesel::QueryResult`;
//! * business rules and handlers return [`AppError`], which converts from
//!   diesel errors (`NotFound` becomes 404, anything else is logged and
//!   becomes a 500 that reveals nothing);
//! * an `AppError` answers with the contract's JSON body
//!   `{"error": {"code", "message"}}`; on HTML routes the error-page
//!   middleware (`web::errors`) turns that into a friendly localized page with
//!   the same status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// What handlers and most database work return.
pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("sign in first")]
    Unauthorized,
    #[error("phone number or password is wrong")]
    InvalidCredentials,
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("request body too large")]
    PayloadTooLarge,
    /// The path exists, the method does not; `Allow` names those that do.
    #[error("this address does not answer that method")]
    MethodNotAllowed { allow: String },
    #[error("too many requests")]
    TooManyRequests,
    #[error("the database is unavailable")]
    Unavailable,
    /// A database error other than "not found": the cause is kept.
    #[error("database error")]
    Db(#[source] diesel::result::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Forbidden {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::BadRequest { code, .. }
            | AppError::Forbidden { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Invalid { code, .. } => code,
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::MethodNotAllowed { .. } => "method_not_allowed",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Unavailable => "unavailable",
            AppError::Db(_) | AppError::Internal(_) => "internal_error",
        }
    }
}

/// The error object every `/api/v1` error answers with.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error, example = json!({"error": {"code": "slot_full", "message": "this time slot is fully booked"}}))]
pub struct ErrorBody<'a> {
    pub error: ErrorDetail<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail<'a> {
    /// A stable code a client can act on (`not_found`, `slot_full`,
    /// `invalid_date`, `too_many_requests` …).
    pub code: &'a str,
    /// A sentence for people; not to be parsed.
    pub message: &'a str,
}

/// The answers every operation with a JSON body may give before its own
/// rules run (shared by the operations' OpenAPI descriptions).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum BodyErrors<'a> {
    /// 无法读取 / the body is not the JSON asked for (`malformed`)
    #[response(status = 400)]
    Malformed(ErrorBody<'a>),
    /// 请求过大 / body too large (`payload_too_large`)
    #[response(status = 413)]
    TooLarge(ErrorBody<'a>),
}

/// The answer of an operation that needs a bearer token, given none.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum SignInFirst<'a> {
    /// 请先登录 / no valid bearer token (`unauthorized`)
    #[response(status = 401)]
    Unauthorized(ErrorBody<'a>),
}

/// The contract's error JSON.
pub fn error_json(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(ErrorBody {
        error: ErrorDetail { code, message },
    })
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            AppError::Internal(_) | AppError::Db(_) => {
                // The request's span (see `web::middleware::log_request`)
                // adds its id and route to this line; the answer names the
                // id so that a report can be matched to it.
                tracing::error!(error = %error_chain(self), "internal error");
                let id = current_request_id();
                format!("something went wrong; please try again (reference {id})")
            }
            other => other.to_string(),
        };
        let mut res = error_json(self.status_code(), self.code(), &message);
        if let AppError::MethodNotAllowed { allow } = self
            && let Ok(v) = actix_web::http::header::HeaderValue::from_str(allow)
        {
            res.headers_mut().insert(actix_web::http::header::ALLOW, v);
        }
        res
    }
}

/// An error with its causes: `database error: UNIQUE constraint failed …`.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            other => AppError::Db(other),
        }
    }
}

impl From<crate::db::DbFailure> for AppError {
    fn from(e: crate::db::DbFailure) -> Self {
        AppError::Db(e.0)
    }
}

impl From<crate::db::Unavailable> for AppError {
    fn from(e: crate::db::Unavailable) -> Self {
        match e {
            crate::db::Unavailable::Pool => AppError::Unavailable,
            crate::db::Unavailable::Task => AppError::Internal(e.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "database pool");
        AppError::Unavailable
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs a request's work knowing its id, so that a 500 can name it.
pub async fn with_request_id<F: std::future::Future>(id: String, work: F) -> F::Output {
    REQUEST_ID.scope(id, work).await
}

/// The id of the request being handled, or `-`.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".into())
}
