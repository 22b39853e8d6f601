//! Devices: the hall's kiosks and calling boards. An admin issues each a
//! named token bound to one hall; the token is shown once and stored as its
//! SHA-256. A device's requests are attributed to it (request log, rate
//! limits per device instead of per address) and may act for its hall only.

use actix_web::HttpResponse;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::ServiceRequest;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::session::{new_token, token_hash};
use crate::db::DbConn;
use crate::db::ids::{AccountId, DeviceId, HallId};
use crate::db::schema::devices;
use crate::error::AppResult;
use crate::text_enum;
use crate::web::AppState;

text_enum!(
    /// What a device is for.
    DeviceKind {
        Kiosk = "kiosk",
        Board = "board",
    }
);

/// A paired kiosk's or board's browser keeps its device token here.
pub const DEVICE_COOKIE: &str = "onestop_device";

/// Every device token starts so: it cannot be mistaken for a person's.
pub const TOKEN_PREFIX: &str = "dev_";

/// How stale `last_seen_at` may get before a request refreshes it (one
/// write a minute per device, not one per request).
const SEEN_EVERY: i64 = 60;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = devices)]
pub struct Device {
    pub id: DeviceId,
    pub hall_id: HallId,
    #[diesel(deserialize_as = String)]
    pub kind: DeviceKind,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub created_by: AccountId,
    pub last_seen_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl Device {
    /// The rate-limit and log key.
    pub fn key(&self) -> String {
        format!("device:{}", self.id)
    }
}

/// Creates a device and its token (returned once, never stored).
pub fn issue(
    conn: &mut DbConn,
    hall: HallId,
    kind: DeviceKind,
    name: &str,
    by: AccountId,
    now: NaiveDateTime,
) -> QueryResult<(Device, String)> {
    let token = format!("{TOKEN_PREFIX}{}", new_token());
    let id: DeviceId = diesel::insert_into(devices::table)
        .values((
            devices::hall_id.eq(hall),
            devices::kind.eq(kind.as_str()),
            devices::name.eq(name),
            devices::token_hash.eq(token_hash(&token)),
            devices::created_at.eq(now),
            devices::created_by.eq(by),
        ))
        .returning(devices::id)
        .get_result(conn)?;
    let device = find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
    Ok((device, token))
}

/// Ends a device's token; `false` when it was already revoked or unknown.
pub fn revoke(conn: &mut DbConn, id: DeviceId, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        devices::table
            .find(id)
            .filter(devices::revoked_at.is_null()),
    )
    .set(devices::revoked_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// The active device a token names, its `last_seen_at` kept fresh.
pub fn resume(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<Device>> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let found = devices::table
        .filter(devices::token_hash.eq(token_hash(token)))
        .filter(devices::revoked_at.is_null())
        .select(Device::as_select())
        .first(conn)
        .optional()?;
    let Some(mut device) = found else {
        return Ok(None);
    };
    if device
        .last_seen_at
        .is_none_or(|seen| now - seen > Duration::seconds(SEEN_EVERY))
    {
        diesel::update(devices::table.find(device.id))
            .set(devices::last_seen_at.eq(now))
            .execute(conn)?;
        device.last_seen_at = Some(now);
    }
    Ok(Some(device))
}

pub fn find(conn: &mut DbConn, id: DeviceId) -> QueryResult<Option<Device>> {
    devices::table
        .find(id)
        .select(Device::as_select())
        .first(conn)
        .optional()
}

/// Every device, of `hall` when given: active first, then by hall and name.
pub fn list(conn: &mut DbConn, hall: Option<HallId>) -> QueryResult<Vec<Device>> {
    let mut q = devices::table.select(Device::as_select()).into_boxed();
    if let Some(h) = hall {
        q = q.filter(devices::hall_id.eq(h));
    }
    let mut all = q
        .order((devices::hall_id, devices::name, devices::id))
        .load(conn)?;
    all.sort_by_key(|d| d.revoked_at.is_some());
    Ok(all)
}

/// The device a request comes from when it acts as a `kind`: `None` for a
/// request without a device token, 403 `wrong_device` for a board acting
/// as a kiosk (or the reverse).
pub fn acting_as(
    identity: &super::Identity,
    kind: DeviceKind,
) -> Result<Option<&Device>, crate::error::AppError> {
    match &identity.device {
        Some(d) if d.kind != kind => Err(crate::error::AppError::forbidden(
            "wrong_device",
            format!("this device is a {}, not a {}", d.kind, kind),
        )),
        other => Ok(other.as_ref()),
    }
}

/// A device acts for its own hall only: 403 `other_hall` otherwise.
pub fn check_hall(device: Option<&Device>, hall: HallId) -> Result<(), crate::error::AppError> {
    match device {
        Some(d) if d.hall_id != hall => Err(crate::error::AppError::forbidden(
            "other_hall",
            "this device belongs to another hall",
        )),
        _ => Ok(()),
    }
}

/// Pairs a kiosk's or board's browser with its device for a year.
pub fn device_cookie(secure: bool, token: &str) -> Cookie<'static> {
    Cookie::build(DEVICE_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish()
}

/// The device a request names: by its bearer token on the API, by its
/// cookie on pages. `Some(None)`: a token that names no active device — a
/// page then drops the cookie and serves the visitor as anyone, the API
/// answers 401 (the `Err`).
pub(super) async fn resolve(
    state: &AppState,
    req: &ServiceRequest,
    api: bool,
    bearer: Option<&str>,
    now: chrono::NaiveDateTime,
) -> Result<Result<Option<Option<Device>>, HttpResponse>, actix_web::Error> {
    let token = if api {
        bearer
            .filter(|t| t.starts_with(TOKEN_PREFIX))
            .map(str::to_string)
    } else {
        req.cookie(DEVICE_COOKIE).map(|c| c.value().to_string())
    };
    let Some(token) = token else {
        return Ok(Ok(None));
    };
    let found = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(resume(conn, &token, now)?) })
        .await?;
    if found.is_none() && api {
        return Ok(Err(crate::error::error_json(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "invalid_device_token",
            "this device token is unknown or revoked",
        )));
    }
    Ok(Ok(Some(found)))
}
