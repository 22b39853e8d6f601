//! `Idempotency-Key` on the POSTs that create something (a booking, a
//! ticket): the same key from the same client within 24 hours answers the
//! first response again and creates nothing new. The key is claimed inside
//! the action's own write transaction, before it acts: a concurrent request
//! with the same key waits for it (PostgreSQL's unique index; SQLite's
//! IMMEDIATE lock) and then replays what it stored. A request that failed
//! stored nothing, so its retry acts afresh.

use actix_web::HttpRequest;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::db::schema::idempotency_keys;
use crate::error::AppError;

pub const HEADER: &str = "Idempotency-Key";

/// How long a key is remembered.
pub const KEEP: Duration = Duration::hours(24);

/// A client's key for one request, with the request's fingerprint.
#[derive(Debug, Clone)]
pub struct Key {
    caller: String,
    key: String,
    fingerprint: String,
}

impl Key {
    /// The request's key, if it sent one: 1–255 visible ASCII characters
    /// (what clients generate: a UUID, a counter); anything else is 422.
    /// `caller` names the client (an account, a device, an address) and
    /// `body` is what it asked for, canonically serialised.
    pub fn of(
        req: &HttpRequest,
        caller: String,
        body: &impl serde::Serialize,
    ) -> Result<Option<Key>, AppError> {
        let Some(raw) = req.headers().get(HEADER) else {
            return Ok(None);
        };
        let key = raw
            .to_str()
            .ok()
            .filter(|k| {
                !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| (0x21..0x7f).contains(&b))
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters",
                )
            })?;
        let canonical = serde_json::to_vec(body).unwrap_or_default();
        let path = req.path().as_bytes();
        let digest = Sha256::new()
            .chain_update(path)
            .chain_update(b"\n")
            .chain_update(&canonical)
            .finalize();
        Ok(Some(Key {
            caller,
            key: key.to_string(),
            fingerprint: hex(&digest),
        }))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use: act, then [`record`] the answer.
    Fresh,
    /// Seen before: answer this again.
    Replay { status: u16, body: String },
}

/// Claims the key inside the caller's write transaction.
pub fn claim(conn: &mut DbConn, k: &Key, now: NaiveDateTime) -> Result<Claim, AppError> {
    diesel::delete(
        idempotency_keys::table
            .find((&k.caller, &k.key))
            .filter(idempotency_keys::created_at.lt(now - KEEP)),
    )
    .execute(conn)?;
    let insert = diesel::insert_into(idempotency_keys::table).values((
        idempotency_keys::caller.eq(&k.caller),
        idempotency_keys::key.eq(&k.key),
        idempotency_keys::fingerprint.eq(&k.fingerprint),
        idempotency_keys::status.eq(0),
        idempotency_keys::body.eq(""),
        idempotency_keys::created_at.eq(now),
    ));
    let inserted = match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let (fingerprint, status, body): (String, i32, String) = idempotency_keys::table
        .find((&k.caller, &k.key))
        .select((
            idempotency_keys::fingerprint,
            idempotency_keys::status,
            idempotency_keys::body,
        ))
        .first(conn)?;
    if fingerprint != k.fingerprint {
        return Err(AppError::invalid(
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
        ));
    }
    Ok(Claim::Replay {
        status: u16::try_from(status).unwrap_or(200),
        body,
    })
}

/// Stores the answer of a fresh claim (same transaction as the action).
pub fn record(conn: &mut DbConn, k: &Key, status: u16, body: &str) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((&k.caller, &k.key)))
        .set((
            idempotency_keys::status.eq(i32::from(status)),
            idempotency_keys::body.eq(body),
        ))
        .execute(conn)?;
    Ok(())
}

/// The answer to a replayed request.
pub fn replay(status: u16, body: String) -> actix_web::HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    actix_web::HttpResponse::build(status)
        .content_type("application/json")
        .insert_header(("Idempotent-Replayed", "true"))
        .body(body)
}

/// What [`run`] answered.
pub enum Answer<T> {
    Fresh(T),
    Replay { status: u16, body: String },
}

impl<T: serde::Serialize> Answer<T> {
    /// The HTTP answer: `status` with the JSON for a fresh one.
    pub fn respond(self, status: actix_web::http::StatusCode) -> actix_web::HttpResponse {
        match self {
            Answer::Fresh(v) => actix_web::HttpResponse::build(status).json(v),
            Answer::Replay { status, body } => replay(status, body),
        }
    }
}

/// Runs an action that answers `status` with a JSON body in one write
/// transaction with its key's claim and record (no key: just the action).
pub fn run<T, F>(
    conn: &mut DbConn,
    key: Option<&Key>,
    now: NaiveDateTime,
    status: u16,
    act: F,
) -> Result<Answer<T>, AppError>
where
    T: serde::Serialize,
    F: FnOnce(&mut DbConn) -> Result<T, AppError>,
{
    crate::db::write_transaction(conn, |conn| {
        if let Some(k) = key
            && let Claim::Replay { status, body } = claim(conn, k, now)?
        {
            return Ok(Answer::Replay { status, body });
        }
        let value = act(conn)?;
        if let Some(k) = key {
            let body =
                serde_json::to_string(&value).map_err(|e| AppError::Internal(e.to_string()))?;
            record(conn, k, status, &body)?;
        }
        Ok(Answer::Fresh(value))
    })
}
