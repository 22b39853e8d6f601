//! Security headers on every response and one log line per request.

use std::time::Instant;

use tracing::Instrument;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, Next};

/// Scripts and styles only from this server; no framing; no inline code.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        // A response that does not say otherwise is not stored by browsers
        // or proxies (personal data); cacheable ones say so themselves.
        .add(("Cache-Control", "no-store"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(self), microphone=(), geolocation=(), payment=()",
        ));
    if https {
        headers.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        headers
    }
}

/// HEAD is answered wherever GET is: the request is routed as a GET, and
/// the HTTP layer, which saw the HEAD, sends the headers without the body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

/// Method, route, status and duration. The route is logged as its pattern
/// (`/bookings/{code}`), never the values in the path, and the query string
/// never: they can carry codes, search words or digits of a phone number.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let method = req.method().to_string();
    let id = request_id(&req);
    let span = tracing::info_span!("request", id = %id, route = %route_of(req.request()));
    let mut res =
        crate::error::with_request_id(id.clone(), next.call(req).instrument(span.clone())).await?;
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&id) {
        res.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-request-id"),
            v,
        );
    }
    let _entered = span.enter();
    let path = route_of(res.request());
    let status = res.status().as_u16();
    // A kiosk's or board's requests name the device (never its token).
    let caller = {
        use actix_web::HttpMessage;
        res.request()
            .extensions()
            .get::<crate::web::throttle::CallerKey>()
            .map(|c| c.0.clone())
            .unwrap_or_else(|| "-".into())
    };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(%method, %path, status, %caller, ms = format!("{ms:.1}"), "request");
    } else {
        tracing::info!(%method, %path, status, %caller, ms = format!("{ms:.1}"), "request");
    }
    Ok(res)
}

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled (for an error's answer), or `-`.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".into())
}

/// A client's `X-Request-Id` when it is a plain token, otherwise a new one.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()[..12].to_string())
}

/// The route pattern a request matched (`/bookings/{code}`), or `-`.
pub fn route_of(req: &actix_web::HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| "-".to_string())
}
