//! `/track`: a visit followed without signing in, by its code and the
//! last four digits of the phone — what came of it at the hall, its case and
//! its rating form; lookups are limited per caller.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;

use super::views::*;
use crate::accounts::validate;
use crate::booking::{code, track};
use crate::error::{AppError, AppResult};
use crate::web::forms::private_page;
use crate::web::throttle::{Bucket, caller_key};
use crate::web::{AppState, PageCtx};

#[derive(Deserialize, Default)]
struct TrackQuery {
    code: Option<String>,
    phone_last4: Option<String>,
    rated: Option<String>,
    rating_error: Option<String>,
}

#[get("/track")]
pub(crate) async fn track_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    q: web::Query<TrackQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let mut page = TrackPage {
        grades: grades(ctx.lang),
        reasons: reasons(ctx.lang),
        rate_action: "/track/rate".to_string(),
        rate_hidden: Vec::new(),
        notice: if q.rated.is_some() {
            ctx.t("rating-thanks")
        } else {
            String::new()
        },
        code: q
            .code
            .clone()
            .unwrap_or_default()
            .chars()
            .take(20)
            .collect(),
        last4: q
            .phone_last4
            .clone()
            .unwrap_or_default()
            .chars()
            .take(4)
            .collect(),
        error: String::new(),
        found: None,
        ctx,
    };
    let (Some(raw_code), Some(raw_last4)) = (q.code, q.phone_last4) else {
        return private_page(StatusCode::OK, &page);
    };
    if !state.throttle.allow(Bucket::Lookup, &caller_key(&req)) {
        return Err(AppError::TooManyRequests);
    }
    let (code, last4) = match (
        code::normalise(&raw_code),
        validate::phone_last4(&raw_last4),
    ) {
        (Some(c), Ok(l)) => (c, l),
        (None, _) => {
            page.error = page.ctx.t("track-bad-code");
            return private_page(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        (_, Err(k)) => {
            page.error = page.ctx.t(k);
            return private_page(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let lang = page.ctx.lang;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    if let Some(key) = q
        .rating_error
        .as_deref()
        .filter(|k| k.starts_with("rating-error-"))
    {
        page.error = page.ctx.t(key);
    }
    let found = state
        .db
        .run(move |conn| -> AppResult<_> {
            match track::find(conn, &code, &last4)? {
                Some(t) => Ok(Some(TrackResult {
                    name: t.masked_name,
                    b: booking_view(conn, &t.booking, lang)?,
                    visit: Visit::load(conn, &t.booking, lang, tz, now)?,
                    code,
                    last4,
                })),
                None => Ok(None),
            }
        })
        .await?;
    match found {
        Some(f) => {
            page.rate_hidden = vec![
                ("code".to_string(), f.code.clone()),
                ("phone_last4".to_string(), f.last4.clone()),
            ];
            page.found = Some(f);
            private_page(StatusCode::OK, &page)
        }
        None => {
            page.error = page.ctx.t("track-not-found");
            private_page(StatusCode::NOT_FOUND, &page)
        }
    }
}
