//! Who is asking, and the CSRF check, resolved once per request.
//!
//! * Pages: a server-side session named by an HttpOnly cookie; visitors who
//!   are not signed in get a random visitor cookie instead.
//! * API: `Authorization: Bearer TOKEN` (no cookies, so no CSRF).
//! * Every unsafe request to a page route must carry `csrf_token` (form
//!   field, or `X-CSRF-Token` header) equal to HMAC(key, session or visitor
//!   id), compared in constant time, and must not come from another site
//!   (`Origin`, `Sec-Fetch-Site`). A failure is a 403 page; nothing runs.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use subtle::ConstantTimeEq;

use super::device::{self, Device};
use super::models::{Account, Role};
use super::session;
use crate::audit::{self, Actor, AuditResult};
use crate::error::{AppError, AppResult};
use crate::pii::{derive_key, mask_name};
use crate::web::AppState;
use crate::web::throttle::client_ip;
use crate::web::viewer::{UserBadge, Viewer};
use actix_web::ResponseError;

pub const VISITOR_COOKIE: &str = "onestop_visitor";

/// `__Host-` cookies must be Secure, so the prefix is used only over HTTPS.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-onestop_session"
    } else {
        "onestop_session"
    }
}

pub fn session_cookie(secure: bool, token: &str) -> Cookie<'static> {
    Cookie::build(session_cookie_name(secure), token.to_string())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

pub fn clear_session_cookie(secure: bool) -> Cookie<'static> {
    let mut c = session_cookie(secure, "");
    c.make_removal();
    c
}

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: Account,
    /// The session token when signed in through the browser.
    pub session_token: Option<String>,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.account.role
    }
}

/// Resolved for every request (except static files and the health check).
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    /// The kiosk or board the request comes from, by its device token.
    pub device: Option<Device>,
}

impl Identity {
    /// The signed-in user if their role is one of `roles`: 401 when nobody
    /// is signed in, 403 for another role.
    pub fn require(&self, roles: &[Role]) -> Result<&CurrentUser, AppError> {
        let user = self.user.as_ref().ok_or(AppError::Unauthorized)?;
        if roles.contains(&user.role()) {
            Ok(user)
        } else {
            Err(AppError::forbidden(
                "forbidden",
                "your account may not do this",
            ))
        }
    }
}

impl FromRequest for Identity {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(req
            .extensions()
            .get::<Identity>()
            .cloned()
            .unwrap_or_default()))
    }
}

pub fn csrf_token_for(key: &[u8; 32], subject: &str) -> String {
    session::hex(&derive_key(key, subject))
}

fn skip(path: &str) -> bool {
    path.starts_with("/static/") || path == "/healthz" || path == "/favicon.ico"
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Same-site requests only: a present `Sec-Fetch-Site` must be same-origin
/// (or none: typed address), a present `Origin` must name this host.
fn same_site(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            // The Host the client sent; proxy headers only when trusted.
            let host = if crate::web::throttle::trusts_proxy(req.request()) {
                req.connection_info().host().to_string()
            } else {
                headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string()
            };
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest == host)
        }
    }
}

fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v)
}

pub async fn identify(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    if skip(req.path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let api = crate::web::errors::is_api(req.path());
    let secure = state.settings.cookie_secure;
    let now = state.clock.now_utc();

    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let cookie_token = req
        .cookie(session_cookie_name(secure))
        .map(|c| c.value().to_string())
        .filter(|t| t.len() == 64);

    let device = match device::resolve(&state, &req, api, bearer.as_deref(), now).await? {
        Ok(d) => d,
        Err(refused) => {
            let (http_req, _) = req.into_parts();
            return Ok(ServiceResponse::new(http_req, refused).map_into_right_body());
        }
    };
    let bearer = bearer.filter(|t| !t.starts_with(device::TOKEN_PREFIX));

    let user = match (api, bearer, cookie_token) {
        (true, Some(token), _) => {
            let t = token.clone();
            state
                .db
                .run(move |conn| -> AppResult<_> { Ok(session::resume_api_token(conn, &t, now)?) })
                .await?
                .map(|account| CurrentUser {
                    account,
                    session_token: None,
                })
        }
        (false, _, Some(token)) => {
            let t = token.clone();
            state
                .db
                .run(move |conn| -> AppResult<_> { Ok(session::resume_session(conn, &t, now)?) })
                .await?
                .map(|(_, account)| CurrentUser {
                    account,
                    session_token: Some(token),
                })
        }
        _ => None,
    };

    let mut new_visitor = None;
    let subject = match user.as_ref().and_then(|u| u.session_token.as_deref()) {
        Some(token) => format!("session:{}", session::token_hash(token)),
        None => {
            let visitor = req
                .cookie(VISITOR_COOKIE)
                .map(|c| c.value().to_string())
                .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
                .unwrap_or_else(|| {
                    let v = session::new_token();
                    new_visitor = Some(v.clone());
                    v
                });
            format!("visitor:{visitor}")
        }
    };
    let csrf_token = csrf_token_for(&state.csrf_key, &subject);

    if !api && is_unsafe(req.method()) {
        let header_token = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let is_form = content_type.starts_with("application/x-www-form-urlencoded");
        // A file upload's body is not read here: its form carries the
        // token in the action's query string instead.
        let is_upload = content_type.starts_with("multipart/form-data");
        let sent = match header_token {
            Some(t) => Some(t),
            None if is_upload => form_token(req.query_string().as_bytes()),
            None if is_form => {
                let body = req.extract::<web::Bytes>().await?;
                let token = form_token(&body);
                let (_, mut payload) = actix_http::h1::Payload::create(true);
                payload.unread_data(body);
                req.set_payload(payload.into());
                token
            }
            None => None,
        };
        let valid = sent.is_some_and(|t| bool::from(t.as_bytes().ct_eq(csrf_token.as_bytes())));
        if !valid || !same_site(&req) {
            let route = crate::web::middleware::route_of(req.request());
            tracing::warn!(%route, token_ok = valid, "refused a request without a valid CSRF token or from another site");
            let actor = match &user {
                Some(u) => u.account.actor(&client_ip(req.request())),
                None => Actor::anonymous(&client_ip(req.request())),
            };
            let (now, detail) = (
                state.clock.now_utc(),
                if valid { "cross_site" } else { "csrf_token" },
            );
            let logged: crate::error::AppResult<()> = state
                .db
                .run(move |conn| {
                    Ok(audit::record(
                        conn,
                        &actor,
                        "request.refused",
                        &route,
                        AuditResult::Denied,
                        detail,
                        now,
                    )?)
                })
                .await;
            if let Err(e) = logged {
                tracing::error!(error = %e, "audit row could not be written");
            }
            let (http_req, _) = req.into_parts();
            let res = crate::web::errors::render_error_page(
                &http_req,
                actix_web::http::StatusCode::FORBIDDEN,
            );
            return Ok(ServiceResponse::new(http_req, res).map_into_right_body());
        }
    }

    // Staff given a one-time password change it before anything else; an
    // API token can do nothing but change it.
    if let Some(u) = &user
        && u.account.must_change_password
        && api
        && req.path() != "/api/v1/auth/password"
    {
        let (http_req, _) = req.into_parts();
        let res = AppError::forbidden(
            "password_change_required",
            "change the one-time password first (POST /api/v1/auth/password)",
        )
        .error_response();
        return Ok(ServiceResponse::new(http_req, res).map_into_right_body());
    }
    if let Some(u) = &user
        && u.account.must_change_password
        && !api
        && !matches!(req.path(), "/account/password" | "/logout")
    {
        let (http_req, _) = req.into_parts();
        let res = HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/account/password"))
            .finish();
        return Ok(ServiceResponse::new(http_req, res).map_into_right_body());
    }

    req.extensions_mut().insert(Viewer {
        user: user.as_ref().map(|u| UserBadge {
            name: mask_name(&u.account.name),
            role: u.role(),
        }),
        csrf_token: csrf_token.clone(),
    });
    let stale_device_cookie = matches!(device, Some(None));
    let device = device.flatten();
    if let Some(d) = &device {
        req.extensions_mut()
            .insert(crate::web::throttle::CallerKey(d.key()));
    }
    req.extensions_mut().insert(Identity {
        user,
        csrf_token,
        device,
    });
    let mut res = next.call(req).await?;
    if stale_device_cookie {
        let mut c = device::device_cookie(secure, "");
        c.make_removal();
        let _ = res.response_mut().add_cookie(&c);
    }
    if let Some(v) = new_visitor {
        let cookie = Cookie::build(VISITOR_COOKIE, v)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res.map_into_left_body())
}
