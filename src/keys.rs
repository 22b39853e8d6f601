//! The master secret: `ONESTOP_SECRET_KEY` when set (required when several
//! instances share a database, so that they agree), otherwise generated once
//! and kept in the `settings` table.

use diesel::prelude::*;

use crate::config::{Secret, decode_secret_key};
use crate::db::DbConn;
use crate::db::schema::settings;

const SETTING: &str = "secret_key";

pub fn load_or_create(
    conn: &mut DbConn,
    configured: Option<&Secret<Vec<u8>>>,
) -> anyhow::Result<Secret<Vec<u8>>> {
    if let Some(key) = configured {
        return Ok(key.clone());
    }
    let stored = |conn: &mut DbConn| -> QueryResult<Option<String>> {
        settings::table
            .find(SETTING)
            .select(settings::value)
            .first(conn)
            .optional()
    };
    if let Some(hex) = stored(conn)? {
        return Ok(Secret::new(decode_secret_key(&hex)?));
    }
    let mut key = [0u8; 32];
    rand::fill(&mut key);
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    // Two instances starting together: the first insert wins, both read it back.
    let inserted = diesel::insert_into(settings::table)
        .values((settings::key.eq(SETTING), settings::value.eq(&hex)))
        .execute(conn);
    if let Err(e) = inserted {
        tracing::debug!(error = %e, "secret key was stored concurrently");
    }
    let hex = stored(conn)?.ok_or_else(|| anyhow::anyhow!("secret key could not be stored"))?;
    Ok(Secret::new(decode_secret_key(&hex)?))
}
