//! Static files compiled into the binary (halls run on intranets: no CDN).
//! Pages link them as `/static/NAME?v=VERSION`; a versioned request may be
//! cached for a year because the version changes with the content.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $type:literal) => {
        Asset {
            name: $name,
            content_type: $type,
            body: include_bytes!(concat!("../../static/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
    asset!("kiosk.js", "text/javascript; charset=utf-8"),
    asset!("display.js", "text/javascript; charset=utf-8"),
    asset!("clerk.js", "text/javascript; charset=utf-8"),
    asset!("site.js", "text/javascript; charset=utf-8"),
];

/// FNV-1a over every asset: changes whenever any file changes.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for a in ASSETS {
            for b in a.body {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{:012x}", h & 0xffff_ffff_ffff)
    })
}

#[get("/static/{name}")]
async fn serve(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name.as_str())
        .ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", version());
    if super::cache::client_has(&req, &etag) {
        return Ok(HttpResponse::NotModified().finish());
    }
    let versioned = req.query_string() == format!("v={}", version());
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag))
        .body(asset.body))
}

#[get("/favicon.ico")]
async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((
            header::LOCATION,
            format!("/static/favicon.svg?v={}", version()),
        ))
        .finish()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(serve).service(favicon);
}
