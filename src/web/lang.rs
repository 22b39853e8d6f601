//! The language switch: remembers the choice in a cookie and goes back to
//! the page the visitor came from. A preference kept in the browser, not a
//! change of server state.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use crate::i18n::{LANG_COOKIE, Lang};

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Only same-site paths: `/x`, never `//host` or `/\host`.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        // Browsers drop tabs and line breaks from addresses and read `\` as
        // `/`: any control character, whitespace or backslash is unsafe.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 1000
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n
        }
        _ => "/",
    }
}

#[get("/lang/{code}")]
async fn switch(code: web::Path<String>, query: web::Query<Next>) -> HttpResponse {
    let lang = Lang::parse(&code).unwrap_or_default();
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .max_age(actix_web::cookie::time::Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, safe_next(query.next.as_deref())))
        .finish()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(switch);
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/services?q=1")), "/services?q=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/a\0b")), "/");
        assert_eq!(safe_next(Some("/a\\b")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
