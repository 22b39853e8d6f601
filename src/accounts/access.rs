//! Who may use each route, in one table, enforced before any handler runs.
//! A route missing from the table is refused (deny by default); handlers
//! still check object ownership (a department admin edits only their own
//! department's things, a resident sees only their own bookings).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError};

use super::models::Role;
use crate::error::AppError;
use crate::web::viewer::Viewer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    Residents,
    Clerks,
    /// Clerks, department admins and admins.
    Staff,
    /// Department admins and admins.
    Managers,
    Admins,
}

impl Access {
    pub fn admits(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Residents => role == Role::Resident,
            Access::Clerks => role == Role::Clerk,
            Access::Staff => role.is_staff(),
            Access::Managers => matches!(role, Role::DeptAdmin | Role::Admin),
            Access::Admins => role == Role::Admin,
        }
    }
}

use Access::*;

/// (method, path pattern, access). `{x}` matches one path segment.
pub const RULES: &[(&str, &str, Access)] = &[
    ("GET", "/", Public),
    ("GET", "/healthz", Public),
    ("GET", "/static/{name}", Public),
    ("GET", "/favicon.ico", Public),
    ("GET", "/lang/{code}", Public),
    ("GET", "/services", Public),
    ("GET", "/services/{id}", Public),
    ("GET", "/services/{id}/files/{file}", Public),
    ("GET", "/departments", Public),
    ("GET", "/departments/{id}", Public),
    ("GET", "/halls", Public),
    ("GET", "/track", Public),
    ("POST", "/track/rate", Public),
    ("GET", "/register", Public),
    ("POST", "/register", Public),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", Public),
    ("GET", "/account", SignedIn),
    ("GET", "/account/password", SignedIn),
    ("POST", "/account/password", SignedIn),
    ("GET", "/services/{id}/book", Residents),
    ("GET", "/bookings", Residents),
    ("POST", "/bookings", Residents),
    ("GET", "/bookings/{code}", Residents),
    ("GET", "/bookings/{code}/print", Residents),
    ("GET", "/bookings/{code}/ics", Residents),
    ("GET", "/bookings/{code}/cancel", Residents),
    ("POST", "/bookings/{code}/cancel", Residents),
    ("GET", "/bookings/{code}/reschedule", Residents),
    ("POST", "/bookings/{code}/reschedule", Residents),
    ("POST", "/bookings/{code}/rate", Residents),
    ("POST", "/waitlist", Residents),
    ("POST", "/waitlist/{id}/accept", Residents),
    ("POST", "/waitlist/{id}/cancel", Residents),
    ("GET", "/kiosk", Public),
    ("GET", "/kiosk/checkin", Public),
    ("POST", "/kiosk/checkin", Public),
    ("GET", "/kiosk/walk-in", Public),
    ("GET", "/kiosk/walk-in/{id}", Public),
    ("POST", "/kiosk/walk-in/{id}", Public),
    ("GET", "/kiosk/ticket/{id}", Public),
    ("GET", "/kiosk/rate", Public),
    ("POST", "/kiosk/rate", Public),
    ("GET", "/display", Public),
    ("GET", "/display/state", Public),
    ("GET", "/display/events", Public),
    ("GET", "/clerk", Clerks),
    ("POST", "/clerk/take", Clerks),
    ("POST", "/clerk/leave", Clerks),
    ("POST", "/clerk/pause", Clerks),
    ("POST", "/clerk/resume", Clerks),
    ("POST", "/clerk/call-next", Clerks),
    ("POST", "/clerk/tickets/{id}/{action}", Clerks),
    ("GET", "/clerk/notice/{id}", Clerks),
    ("GET", "/cases", Staff),
    ("GET", "/cases/{id}", Staff),
    ("POST", "/cases/{id}/{action}", Staff),
    ("GET", "/follow-ups", Managers),
    ("POST", "/follow-ups/{id}", Managers),
    ("POST", "/follow-ups/{id}/reveal", Managers),
    ("POST", "/ratings/{id}/appeal", Managers),
    ("GET", "/ratings", Public),
    ("GET", "/admin/appeals", Admins),
    ("POST", "/admin/appeals/{id}", Admins),
    ("GET", "/admin", Managers),
    ("GET", "/admin/today", Managers),
    ("GET", "/admin/stats", Managers),
    ("GET", "/admin/stats.csv", Managers),
    ("GET", "/admin/cases.csv", Managers),
    ("GET", "/admin/waitlist", Managers),
    ("GET", "/admin/audit", Admins),
    ("GET", "/admin/messages", Admins),
    ("GET", "/admin/halls", Admins),
    ("GET", "/admin/halls/new", Admins),
    ("POST", "/admin/halls", Admins),
    ("GET", "/admin/halls/{id}", Admins),
    ("POST", "/admin/halls/{id}", Admins),
    ("GET", "/admin/halls/{id}/hours", Admins),
    ("POST", "/admin/halls/{id}/hours", Admins),
    ("GET", "/admin/calendar", Admins),
    ("POST", "/admin/calendar", Admins),
    ("GET", "/admin/departments", Managers),
    ("GET", "/admin/departments/new", Admins),
    ("POST", "/admin/departments", Admins),
    ("GET", "/admin/departments/{id}", Managers),
    ("POST", "/admin/departments/{id}", Managers),
    ("GET", "/admin/windows", Managers),
    ("GET", "/admin/windows/new", Managers),
    ("POST", "/admin/windows", Managers),
    ("GET", "/admin/windows/{id}", Managers),
    ("POST", "/admin/windows/{id}", Managers),
    ("GET", "/admin/items", Managers),
    ("GET", "/admin/items/new", Managers),
    ("POST", "/admin/items", Managers),
    ("GET", "/admin/items/{id}", Managers),
    ("POST", "/admin/items/{id}", Managers),
    ("POST", "/admin/items/{id}/files", Managers),
    ("POST", "/admin/items/{id}/files/{file}/delete", Managers),
    ("GET", "/admin/matrix", Managers),
    ("POST", "/admin/matrix", Managers),
    ("GET", "/admin/accounts", Managers),
    ("GET", "/admin/accounts/new", Managers),
    ("POST", "/admin/accounts", Managers),
    ("GET", "/admin/accounts/{id}", Managers),
    ("POST", "/admin/accounts/{id}/{action}", Managers),
    ("GET", "/admin/export/{file}", Admins),
    ("GET", "/admin/import", Admins),
    ("POST", "/admin/import", Admins),
    ("POST", "/api/v1/auth/register", Public),
    ("POST", "/api/v1/auth/login", Public),
    ("POST", "/api/v1/auth/password", SignedIn),
    ("GET", "/api/v1/openapi.json", Public),
    ("GET", "/api/docs", Public),
    ("GET", "/devices/pair", Public),
    ("POST", "/devices/pair", Public),
    ("GET", "/admin/devices", Admins),
    ("POST", "/admin/devices", Admins),
    ("POST", "/admin/devices/{id}/revoke", Admins),
    ("GET", "/api/v1/halls", Public),
    ("GET", "/api/v1/departments", Public),
    ("GET", "/api/v1/windows", Public),
    ("GET", "/api/v1/services", Public),
    ("GET", "/api/v1/services/{id}", Public),
    ("GET", "/api/v1/services/{id}/slots", Public),
    ("POST", "/api/v1/bookings", Residents),
    ("GET", "/api/v1/bookings", Residents),
    ("GET", "/api/v1/bookings/{code}", SignedIn),
    ("POST", "/api/v1/bookings/{code}/cancel", Residents),
    ("POST", "/api/v1/waitlist", Residents),
    ("GET", "/api/v1/waitlist", Residents),
    ("POST", "/api/v1/waitlist/{id}/accept", Residents),
    ("POST", "/api/v1/waitlist/{id}/cancel", Residents),
    ("GET", "/api/v1/track", Public),
    ("GET", "/api/v1/cases/{number}", SignedIn),
    ("POST", "/api/v1/bookings/{code}/rating", Residents),
    ("GET", "/api/v1/ratings/summary", Public),
    ("POST", "/api/v1/cases/{number}/{action}", Staff),
    ("POST", "/api/v1/checkin", Public),
    ("POST", "/api/v1/tickets", Public),
    ("GET", "/api/v1/tickets/{id}", Public),
    ("POST", "/api/v1/windows/{id}/call-next", Clerks),
    ("POST", "/api/v1/tickets/{id}/{action}", Clerks),
    ("GET", "/api/v1/display", Public),
];

fn matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('/');
    let mut q = path.split('/');
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.starts_with('{') && a.ends_with('}') => {
                if b.is_empty() {
                    return false;
                }
            }
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// The access rule of a request; HEAD is treated as GET.
pub fn rule_for(method: &str, path: &str) -> Option<Access> {
    let method = if method == "HEAD" { "GET" } else { method };
    RULES
        .iter()
        .find(|(m, p, _)| *m == method && matches(p, path))
        .map(|(_, _, a)| *a)
}

/// The methods a path answers (`GET, HEAD, POST`), for a 405's `Allow`;
/// empty when no route has the path.
pub fn methods_for(path: &str) -> String {
    let mut methods: Vec<&str> = Vec::new();
    for (m, p, _) in RULES {
        if matches(p, path) && !methods.contains(m) {
            methods.push(m);
            if *m == "GET" {
                methods.push("HEAD");
            }
        }
    }
    methods.join(", ")
}

impl Access {
    /// Routes for staff: a refusal there is worth an audit row.
    fn is_staff_only(self) -> bool {
        matches!(
            self,
            Access::Clerks | Access::Staff | Access::Managers | Access::Admins
        )
    }
}

/// Writes the audit row of a refused request on a staff route (who, the
/// route pattern — never the values in the path — and the status).
async fn audit_refusal(req: &actix_web::HttpRequest, status: u16) {
    use crate::audit::{self, Actor, AuditResult};
    let Some(state) = req.app_data::<actix_web::web::Data<crate::web::AppState>>() else {
        return;
    };
    let ip = crate::web::throttle::client_ip(req);
    let actor = match req
        .extensions()
        .get::<super::Identity>()
        .and_then(|i| i.user.as_ref().map(|u| u.account.clone()))
    {
        Some(a) => a.actor(&ip),
        None => Actor::anonymous(&ip),
    };
    let target = format!("{} {}", req.method(), crate::web::middleware::route_of(req));
    let now = state.clock.now_utc();
    let logged: crate::error::AppResult<()> = state
        .db
        .run(move |conn| {
            Ok(audit::record(
                conn,
                &actor,
                "request.refused",
                &target,
                AuditResult::Denied,
                &status.to_string(),
                now,
            )?)
        })
        .await;
    if let Err(e) = logged {
        tracing::error!(error = %e, "audit row could not be written");
    }
}

pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    // A browser's CORS preflight carries no credentials: it may ask about
    // any API route that exists (the CORS layer, when configured, answers).
    let preflight = req.method() == actix_web::http::Method::OPTIONS
        && req.path().starts_with("/api/v1/")
        && req.headers().get("access-control-request-method").is_some();
    let rule = if preflight {
        req.headers()
            .get("access-control-request-method")
            .and_then(|m| m.to_str().ok())
            .and_then(|m| rule_for(m, req.path()))
            .map(|_| Access::Public)
    } else {
        rule_for(req.method().as_str(), req.path())
    };
    let staff_route = rule.is_some_and(Access::is_staff_only);
    let verdict = match rule {
        None => match methods_for(req.path()) {
            allow if allow.is_empty() => Err(AppError::NotFound),
            allow => Err(AppError::MethodNotAllowed { allow }),
        },
        Some(Access::Public) => Ok(()),
        Some(access) => {
            let role = req.extensions().get::<Viewer>().and_then(Viewer::role);
            match role {
                None => Err(AppError::Unauthorized),
                Some(r) if access.admits(r) => Ok(()),
                Some(_) => Err(AppError::forbidden(
                    "forbidden",
                    "your account may not do this",
                )),
            }
        }
    };
    match verdict {
        Ok(()) => {
            let res = next.call(req).await?;
            let status = res.status().as_u16();
            // Another department's object, another clerk's ticket …
            if staff_route && matches!(status, 403 | 404) {
                audit_refusal(res.request(), status).await;
            }
            Ok(res.map_into_left_body())
        }
        Err(e) => {
            let (http_req, _) = req.into_parts();
            let res = e.error_response();
            if staff_route {
                audit_refusal(&http_req, res.status().as_u16()).await;
            }
            Ok(ServiceResponse::new(http_req, res).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments() {
        assert_eq!(
            rule_for("GET", "/bookings/K7MX4P2Q"),
            Some(Access::Residents)
        );
        assert_eq!(
            rule_for("GET", "/bookings/K7MX4P2Q/ics"),
            Some(Access::Residents)
        );
        assert_eq!(rule_for("GET", "/bookings/K7MX4P2Q/secret"), None);
        assert_eq!(
            rule_for("POST", "/api/v1/tickets/12/start"),
            Some(Access::Clerks)
        );
        assert_eq!(rule_for("HEAD", "/"), Some(Access::Public));
        assert_eq!(rule_for("DELETE", "/"), None);
        assert_eq!(rule_for("GET", "/services/"), None);
    }

    #[test]
    fn every_rule_is_listed_once() {
        for (i, (m, p, _)) in RULES.iter().enumerate() {
            assert!(
                !RULES[..i].iter().any(|(m2, p2, _)| m2 == m && p2 == p),
                "{m} {p} twice"
            );
        }
    }
}
