//! The audit trail: sign-ins (success and failure), lock-outs, every staff
//! action and every reveal of personal data — who, when (UTC), from where,
//! what, and the result. Rows are append-only (database triggers refuse
//! changes and deletions).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::AccountId;
use crate::db::schema::audit_log;
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::text_enum;

text_enum!(
    AuditResult {
        Ok = "ok",
        Denied = "denied",
        Failed = "failed",
    }
);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor_id: Option<AccountId>,
    pub actor_role: String,
    pub ip: String,
    pub action: String,
    pub target: String,
    pub result: String,
    pub detail: String,
}

/// Who did something, and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<AccountId>,
    pub role: String,
    pub ip: String,
}

impl Actor {
    /// A signed-in account (`accounts::models::Account::actor` builds it).
    pub fn account(id: AccountId, role: &str, ip: &str) -> Self {
        Actor {
            id: Some(id),
            role: role.to_string(),
            ip: ip.to_string(),
        }
    }

    pub fn anonymous(ip: &str) -> Self {
        Actor {
            id: None,
            role: String::new(),
            ip: ip.to_string(),
        }
    }

    /// The server itself (a rule applied on time, not a person).
    pub fn system() -> Self {
        Actor {
            id: None,
            role: "system".to_string(),
            ip: String::new(),
        }
    }
}

/// Appends one row. `detail` must never hold an unmasked ID or phone number.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    action: &str,
    target: &str,
    result: AuditResult,
    detail: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(actor.id),
            audit_log::actor_role.eq(&actor.role),
            audit_log::ip.eq(&actor.ip),
            audit_log::action.eq(action),
            audit_log::target.eq(target),
            audit_log::result.eq(result.as_str()),
            audit_log::detail.eq(detail.chars().take(1000).collect::<String>()),
        ))
        .execute(conn)?;
    Ok(())
}

/// What an audit row says about an action: who, what, on which object.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor: Actor,
    pub action: String,
    pub target: String,
}

impl Entry {
    pub fn new(actor: Actor, action: impl Into<String>, target: impl Into<String>) -> Self {
        Entry {
            actor,
            action: action.into(),
            target: target.into(),
        }
    }
}

/// How a refused action is recorded.
pub trait Refusal {
    /// The result and a detail that never quotes input.
    fn refusal(&self) -> (AuditResult, String);
}

/// A 403 is `denied`; anything else `failed` with the error's code (never
/// its message, which may quote input).
impl Refusal for AppError {
    fn refusal(&self) -> (AuditResult, String) {
        match self {
            AppError::Forbidden { .. } => (AuditResult::Denied, String::new()),
            e => (AuditResult::Failed, e.code().to_string()),
        }
    }
}

fn refusal(e: &impl Refusal) -> (AuditResult, String) {
    e.refusal()
}

/// Runs a staff action and its audit row in one write transaction: the
/// row commits with the action or not at all. A refused action is rolled
/// back, and its refusal is then recorded on its own.
pub fn audited<T, E: Refusal + From<diesel::result::Error>>(
    conn: &mut DbConn,
    entry: &Entry,
    at: NaiveDateTime,
    action: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    let done = write_transaction(conn, |conn| {
        let value = action(conn)?;
        record(
            conn,
            &entry.actor,
            &entry.action,
            &entry.target,
            AuditResult::Ok,
            "",
            at,
        )?;
        Ok::<_, E>(value)
    });
    if let Err(e) = &done {
        let (result, detail) = refusal(e);
        let logged = record(
            conn,
            &entry.actor,
            &entry.action,
            &entry.target,
            result,
            &detail,
            at,
        );
        if let Err(err) = logged {
            tracing::error!(error = %err, "audit row of a refusal could not be written");
        }
    }
    done
}
