//! The OpenAPI document of `/api/v1`, made from the handlers themselves.
//!
//! [`api_scope`] is the one place the API's routes are mounted, through
//! utoipa-actix-web: a handler without its `#[utoipa::path]` does not
//! compile there, so the document cannot leave a route out. The server
//! mounts the same scope it describes; [`Document`] is built once at start,
//! serialized once, and served as `GET /api/v1/openapi.json` and as the
//! reference page `/api/docs` (rendered here, no script from anywhere).

mod api;
mod links;
pub mod page;

use actix_web::dev::HttpServiceFactory;
use actix_web::web;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{OpenApi as Spec, Server};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::OpenApiFactory;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "onestop 一网通办 API",
        description = "乌海市民服务中心 and every hall of the network: the catalogue (事项、办事指南), \
online booking (网上预约), check-in and the queue (签到取号、叫号), and the resident's cases (办件). \
Errors answer `{\"error\": {\"code\", \"message\"}}`; a 429 says `Retry-After`. \
Personal answers are `Cache-Control: no-store`; catalogue answers carry an `ETag`.\n\n\
Residents and staff sign in with `POST /auth/login` and send `Authorization: Bearer <token>`; \
kiosks and calling boards send their device token (`dev_…`) the same way.",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "catalogue", description = "事项目录 / halls, departments, windows, items and their guides"),
        (name = "accounts", description = "账号 / registration and bearer tokens"),
        (name = "bookings", description = "网上预约 / slots, bookings and tracking"),
        (name = "waitlist", description = "候补 / the waiting list of full days and the places it is offered"),
        (name = "cases", description = "办件 / cases, their legal clocks (suspensions, extension) and decisions"),
        (name = "ratings", description = "好差评 / rating visits and cases; the published figures"),
        (name = "queue", description = "排队叫号 / kiosk tickets, the clerk's calls, the calling board"),
        (name = "meta", description = "本文档 / this document"),
    ),
    modifiers(&Bearer),
)]
struct Base;

/// The `bearer` scheme the handlers' `security(("bearer" = []))` name.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, spec: &mut Spec) {
        let components = spec.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        // A kiosk's or board's `dev_…` token, issued at /admin/devices.
        let mut device = Http::new(HttpAuthScheme::Bearer);
        device.description = Some(
            "设备令牌 / a kiosk's or board's token (`dev_…`) from /admin/devices: its \
requests are limited per device and act for its hall only"
                .into(),
        );
        components.add_security_scheme("device", SecurityScheme::Http(device));
    }
}

/// Every `/api/v1` route, behind CORS for the configured origins.
pub fn api_scope(cors_origins: &[String]) -> impl HttpServiceFactory + OpenApiFactory + 'static {
    utoipa_actix_web::scope("/api/v1")
        .wrap(cors(cors_origins))
        .service(api::openapi_json)
        .configure(crate::catalog::api::configure)
        .configure(crate::accounts::api::configure)
        .configure(crate::booking::api::configure)
        .configure(crate::booking::waitlist::api::configure)
        .configure(crate::visit::api::configure)
        .configure(crate::queue::api::configure)
        .configure(crate::cases::api::configure)
        .configure(crate::ratings::api::configure)
}

/// Browsers may call the API from the configured origins only (a
/// mini-program's or the provincial portal's pages); with none configured
/// the API sends no CORS headers at all.
fn cors(origins: &[String]) -> actix_web::middleware::Condition<actix_cors::Cors> {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "X-Request-Id",
        ])
        .expose_headers(["ETag", "Retry-After", "X-Request-Id"])
        .max_age(3600);
    for o in origins {
        cors = cors.allowed_origin(o);
    }
    actix_web::middleware::Condition::new(!origins.is_empty(), cors)
}

/// The document, built once, with its JSON.
pub struct Document {
    pub spec: Spec,
    pub json: web::Bytes,
    pub reference: page::Reference,
}

impl Document {
    pub fn build() -> anyhow::Result<Document> {
        let mut spec = Base::openapi();
        spec.info.version = env!("CARGO_PKG_VERSION").to_string();
        spec.servers = Some(vec![Server::new("/")]);
        let scope = api_scope(&[]);
        spec.paths.paths.extend(scope.paths().paths);
        let mut schemas = Vec::new();
        scope.schemas(&mut schemas);
        spec.components
            .get_or_insert_with(Default::default)
            .schemas
            .extend(schemas);
        links::add(&mut spec).map_err(anyhow::Error::msg)?;
        let value = serde_json::to_value(&spec)?;
        let reference = page::Reference::of(&value);
        let json = web::Bytes::from(serde_json::to_vec(&value)?);
        Ok(Document {
            spec,
            json,
            reference,
        })
    }
}
