//! Signing in: one answer for an unknown phone, a wrong password and a
//! locked account (same status, same words, the same argon2 work), and a
//! per-account lock-out whose back-off is capped so that a stranger cannot
//! keep a resident out for long.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::Account;
use super::{repo, validate};
use crate::audit::{self, Actor, AuditResult};
use crate::db::DbConn;
use crate::db::ids::AccountId;
use crate::db::schema::accounts;
use crate::error::{AppError, AppResult};
use crate::pii::mask_phone;
use crate::web::AppState;

/// Failures allowed before the first lock.
pub const FREE_FAILURES: i32 = 5;
pub const MAX_LOCK: Duration = Duration::minutes(15);

/// 1, 2, 4, 8 minutes…, at most 15.
pub fn lock_for(failures: i32) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let exp = (failures - FREE_FAILURES).min(10) as u32;
    Some(Duration::minutes(1i64 << exp).min(MAX_LOCK))
}

/// Counts a failure; returns whether it locked the account.
fn record_failure(conn: &mut DbConn, id: AccountId, now: NaiveDateTime) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let failures: i32 = accounts::table
            .find(id)
            .select(accounts::failed_logins)
            .first(conn)?;
        let failures = failures + 1;
        let lock = lock_for(failures);
        diesel::update(accounts::table.find(id))
            .set((
                accounts::failed_logins.eq(failures),
                accounts::locked_until.eq(lock.map(|d| now + d)),
            ))
            .execute(conn)?;
        Ok(lock.is_some())
    })
}

fn record_success(conn: &mut DbConn, id: AccountId) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::failed_logins.eq(0),
            accounts::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account when phone and password match and it may sign in; `None`
/// for every kind of failure.
pub async fn authenticate(
    state: &AppState,
    hasher: &super::hasher::Hasher,
    phone: &str,
    password: &str,
    ip: &str,
) -> Result<Option<Account>, AppError> {
    let now = state.clock.now_utc();
    let account = match validate::phone(phone) {
        Ok(p) => {
            state
                .db
                .run(move |conn| -> AppResult<_> { Ok(repo::find_by_phone(conn, &p)?) })
                .await?
        }
        Err(_) => None,
    };
    let usable_hash = account
        .as_ref()
        .filter(|a| !a.disabled && a.locked_until.is_none_or(|until| until <= now))
        .map(|a| a.password_hash.clone());
    let usable = usable_hash.is_some();
    let ok = hasher
        .verify(
            password.chars().take(super::password::MAX_LEN).collect(),
            usable_hash,
        )
        .await?;
    match (account, ok) {
        (Some(a), true) if usable => {
            let (id, actor) = (a.id, a.actor(ip));
            state
                .db
                .run(move |conn| -> AppResult<_> {
                    record_success(conn, id)?;
                    audit::record(
                        conn,
                        &actor,
                        "auth.sign_in",
                        &format!("account:{id}"),
                        AuditResult::Ok,
                        "",
                        now,
                    )?;
                    Ok(())
                })
                .await?;
            Ok(Some(a))
        }
        (Some(a), _) => {
            let (id, actor) = (a.id, Actor::anonymous(ip));
            // A locked account does not extend its own lock.
            let unlocked = a.locked_until.is_none_or(|until| until <= now);
            let detail = if a.disabled {
                "disabled"
            } else if unlocked {
                "wrong password"
            } else {
                "locked"
            };
            state
                .db
                .run(move |conn| -> AppResult<_> {
                    let target = format!("account:{id}");
                    audit::record(
                        conn,
                        &actor,
                        "auth.sign_in",
                        &target,
                        AuditResult::Failed,
                        detail,
                        now,
                    )?;
                    if unlocked && record_failure(conn, id, now)? {
                        audit::record(
                            conn,
                            &actor,
                            "auth.lock_out",
                            &target,
                            AuditResult::Ok,
                            "",
                            now,
                        )?;
                    }
                    Ok(())
                })
                .await?;
            tracing::info!(account = %a.id, "sign-in refused");
            Ok(None)
        }
        (None, _) => {
            let (actor, masked) = (Actor::anonymous(ip), mask_phone(phone.trim()));
            state
                .db
                .run(move |conn| -> AppResult<_> {
                    Ok(audit::record(
                        conn,
                        &actor,
                        "auth.sign_in",
                        &format!("phone:{masked}"),
                        AuditResult::Failed,
                        "unknown phone",
                        now,
                    )?)
                })
                .await?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_out_backs_off_and_is_capped() {
        assert_eq!(lock_for(4), None);
        assert_eq!(lock_for(5), Some(Duration::minutes(1)));
        assert_eq!(lock_for(6), Some(Duration::minutes(2)));
        assert_eq!(lock_for(8), Some(Duration::minutes(8)));
        assert_eq!(lock_for(9), Some(Duration::minutes(15)));
        assert_eq!(lock_for(500), Some(Duration::minutes(15)));
    }
}
