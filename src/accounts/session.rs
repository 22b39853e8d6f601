//! Server-side sessions and API tokens. The browser or client holds a random
//! token; the database holds only its SHA-256, so a copy of the database does
//! not let anyone sign in. Logout, password change and account disable end
//! sessions at once by revoking the rows.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::models::Account;
use crate::db::DbConn;
use crate::db::ids::AccountId;
use crate::db::schema::{accounts, api_tokens, sessions};

pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
pub const API_TOKEN_LIFETIME: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// 32 random bytes, hex: the secret a client holds.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    hex(&bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub account_id: AccountId,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub user_agent: String,
}

/// Starts a session and returns the token for the cookie.
pub fn create_session(
    conn: &mut DbConn,
    account: AccountId,
    now: NaiveDateTime,
    user_agent: &str,
) -> QueryResult<String> {
    let token = new_token();
    let agent: String = user_agent.chars().take(200).collect();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(&token)),
            sessions::account_id.eq(account),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(now + ABSOLUTE_TIMEOUT),
            sessions::user_agent.eq(agent),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The signed-in account for a session token, if the session is live: not
/// revoked, within 12 hours of sign-in, used within the last 30 minutes,
/// and the account not disabled.
pub fn resume_session(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(Session, Account)>> {
    let hash = token_hash(token);
    let found = sessions::table
        .inner_join(accounts::table)
        .filter(sessions::token_hash.eq(&hash))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(now - IDLE_TIMEOUT))
        .filter(accounts::disabled.eq(false))
        .select((Session::as_select(), Account::as_select()))
        .first::<(Session, Account)>(conn)
        .optional()?;
    if let Some((session, _)) = &found
        && now - session.last_seen_at > TOUCH_EVERY
    {
        diesel::update(sessions::table.find(&hash))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    Ok(found)
}

pub fn revoke_session(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .find(token_hash(token))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)
}

/// Ends every session and API token of an account (password change, disable).
pub fn revoke_all(conn: &mut DbConn, account: AccountId, now: NaiveDateTime) -> QueryResult<usize> {
    let n = diesel::update(
        sessions::table
            .filter(sessions::account_id.eq(account))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    let m = diesel::update(
        api_tokens::table
            .filter(api_tokens::account_id.eq(account))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(n + m)
}

/// Issues a bearer token for the API; returns it with its expiry.
pub fn issue_api_token(
    conn: &mut DbConn,
    account: AccountId,
    now: NaiveDateTime,
) -> QueryResult<(String, NaiveDateTime)> {
    let token = new_token();
    let expires_at = now + API_TOKEN_LIFETIME;
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(token_hash(&token)),
            api_tokens::account_id.eq(account),
            api_tokens::created_at.eq(now),
            api_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok((token, expires_at))
}

pub fn resume_api_token(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Account>> {
    api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .filter(accounts::disabled.eq(false))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }
}
