//! `GET /api/v1/openapi.json`.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::Document;
use crate::error::AppError;
use crate::web::cache::cacheable_bytes;

/// 接口文档 / This document (OpenAPI 3.1).
#[utoipa::path(
    tag = "meta",
    responses(
        (status = 200, description = "OpenAPI 3.1", content_type = "application/json"),
        (status = 304, description = "未变 / not modified"),
    ),
)]
#[get("/openapi.json")]
pub(super) async fn openapi_json(
    req: HttpRequest,
    doc: web::Data<Document>,
) -> Result<HttpResponse, AppError> {
    Ok(cacheable_bytes(&req, doc.json.clone(), "application/json"))
}
