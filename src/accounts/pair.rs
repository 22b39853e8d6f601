//! `/devices/pair`: the installer pastes a device's token into the kiosk's
//! or board's browser once; it is kept in an HttpOnly cookie, and from then
//! on that browser's requests are the device's (its hall, its own limits).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::device;
use super::device::device_cookie;
use crate::error::{AppError, AppResult};
use crate::web::forms::private_page;
use crate::web::throttle::{Bucket, client_ip};
use crate::web::{AppState, PageCtx};

#[derive(Template)]
#[template(path = "device_pair.html")]
struct PairPage {
    ctx: PageCtx,
    paired: Option<String>,
    error: String,
}

#[get("/devices/pair")]
async fn pair_form(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let page = PairPage {
        ctx,
        paired: None,
        error: String::new(),
    };
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct PairForm {
    #[serde(default)]
    token: String,
}

#[post("/devices/pair")]
async fn pair(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    form: web::Form<PairForm>,
) -> Result<HttpResponse, AppError> {
    if !state.throttle.allow(Bucket::Lookup, &client_ip(&req)) {
        return Err(AppError::TooManyRequests);
    }
    let token = form.token.trim().chars().take(100).collect::<String>();
    let now = state.clock.now_utc();
    let t = token.clone();
    let found = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(device::resume(conn, &t, now)?) })
        .await?;
    let Some(d) = found else {
        let page = PairPage {
            error: ctx.t("device-pair-invalid"),
            ctx,
            paired: None,
        };
        return private_page(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let next = match d.kind {
        device::DeviceKind::Kiosk => "/kiosk".to_string(),
        device::DeviceKind::Board => format!("/display?hall={}", d.hall_id),
    };
    Ok(HttpResponse::SeeOther()
        .cookie(device_cookie(state.settings.cookie_secure, &token))
        .insert_header((actix_web::http::header::LOCATION, next))
        .finish())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(pair_form).service(pair);
}
