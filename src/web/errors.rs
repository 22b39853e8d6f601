//! Error pages. Handlers return `AppError` (the contract's JSON); for pages
//! this middleware swaps that body for a friendly localized HTML page with
//! the same status. API errors that actix produces itself (405, extractor
//! failures) get the JSON body. Pages that render their own HTML error (a
//! form shown again with messages) pass through untouched.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::PageCtx;
use crate::error::{AppError, error_json};

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub title: String,
    pub message: String,
}

pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn content_type(res: &ServiceResponse<impl MessageBody>) -> String {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The key of the message shown for a status: `error-404-title`, ….
fn status_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "400",
        401 => "401",
        403 => "403",
        404 | 410 => "404",
        405 => "405",
        409 => "409",
        413 => "413",
        422 => "422",
        429 => "429",
        503 => "503",
        s if s >= 500 => "500",
        _ => "400",
    }
}

pub fn render_error_page(req: &HttpRequest, status: StatusCode) -> HttpResponse {
    let ctx = PageCtx::from_request(req);
    let key = status_key(status);
    let page = ErrorPage {
        title: ctx.t(&format!("error-{key}-title")),
        message: ctx.t(&format!("error-{key}-message")),
        status: status.as_u16(),
        ctx,
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "error page could not be rendered");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(status.to_string())
        }
    }
}

/// Pages that need a signed-in user send visitors to sign in first and
/// bring them back afterwards.
fn login_redirect(req: &HttpRequest) -> HttpResponse {
    let back = if req.method() == actix_web::http::Method::GET {
        match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{}", req.path(), q),
        }
    } else {
        "/".to_string()
    };
    HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/login?next={}", super::forms::query_value(&back)),
        ))
        .finish()
}

/// How long to wait before trying again: request limits reset each
/// minute; an instance out of connections recovers in seconds.
fn retry_after(status: StatusCode) -> Option<&'static str> {
    match status {
        StatusCode::TOO_MANY_REQUESTS => Some("60"),
        StatusCode::SERVICE_UNAVAILABLE => Some("5"),
        _ => None,
    }
}

/// Every 429 and 503 says when to come back (`Retry-After`).
fn with_retry_after(status: StatusCode, headers: &mut header::HeaderMap) {
    if let Some(secs) = retry_after(status)
        && !headers.contains_key(header::RETRY_AFTER)
    {
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static(secs));
    }
}

fn replace_body<B: MessageBody + 'static>(
    mut res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    with_retry_after(res.status(), res.headers_mut());
    let ct = content_type(&res);
    let api = is_api(res.request().path());
    let keep = if api {
        ct.starts_with("application/json")
    } else {
        ct.starts_with("text/html")
    };
    if keep {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let allow = res.headers().get(header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let new = if status == StatusCode::UNAUTHORIZED && !api {
        login_redirect(&req)
    } else if api {
        let code = match status.as_u16() {
            404 => "not_found",
            405 => "method_not_allowed",
            413 => "payload_too_large",
            415 => "unsupported_media_type",
            s if s >= 500 => "internal_error",
            _ => "malformed",
        };
        error_json(status, code, status.canonical_reason().unwrap_or("error"))
    } else {
        render_error_page(&req, status)
    };
    let mut new = new;
    with_retry_after(new.status(), new.headers_mut());
    if let Some(allow) = allow {
        new.headers_mut().insert(header::ALLOW, allow);
    }
    let res: ServiceResponse<EitherBody<B>> = ServiceResponse::new(req, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

pub fn error_pages<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(replace_body)
}

/// Anything no route matches.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
