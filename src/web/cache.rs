//! Conditional GET for public data: an `ETag` from the body's SHA-256, a
//! `304 Not Modified` when the client already has it, and a short public
//! `Cache-Control`. Kiosks and mini-programs that poll the catalogue then
//! cost a hash and a few headers instead of the whole list.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// How long a shared copy may be used without asking again.
const MAX_AGE: &str = "public, max-age=60";

/// Whether the request's `If-None-Match` names `tag` (a list, weak tags
/// and `*` included).
pub fn client_has(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim() == "*"
                || v.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == tag)
        })
}

/// `body` as JSON, or 304 when `If-None-Match` names its tag.
pub fn cacheable_json<T: Serialize>(req: &HttpRequest, body: &T) -> Result<HttpResponse, AppError> {
    let bytes = serde_json::to_vec(body).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(cacheable_bytes(req, bytes.into(), "application/json"))
}

/// The entity tag of a body: the first 12 bytes of its SHA-256.
pub fn tag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!(
        "\"{}\"",
        digest[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// `bytes` of `content_type`, or 304 when `If-None-Match` names their tag.
pub fn cacheable_bytes(req: &HttpRequest, bytes: Bytes, content_type: &str) -> HttpResponse {
    let tag = tag_of(&bytes);
    tagged_bytes(req, bytes, &tag, content_type)
}

/// As [`cacheable_bytes`] with the tag already known (a kept body).
pub fn tagged_bytes(
    req: &HttpRequest,
    bytes: Bytes,
    tag: &str,
    content_type: &str,
) -> HttpResponse {
    let matches = client_has(req, tag);
    let mut res = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, tag.to_string()))
        .insert_header((header::CACHE_CONTROL, MAX_AGE))
        .insert_header((header::VARY, "Accept-Encoding"));
    if matches {
        res.finish()
    } else {
        res.content_type(content_type.to_string()).body(bytes)
    }
}
