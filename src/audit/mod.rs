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

/// Records the outcome of an action that ran on its own (a read that
/// reveals data, a save whose refusal re-renders a form).
pub fn record_outcome<T>(
    conn: &mut DbConn,
    entry: &Entry,
    outcome: &Result<T, AppError>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let (result, detail) = match outcome {
        Ok(_) => (AuditResult::Ok, String::new()),
        Err(e) => refusal(e),
    };
    record(
        conn,
        &entry.actor,
        &entry.action,
        &entry.target,
        result,
        &detail,
        at,
    )
}

/// Audits a form save: a refused save (bad input, a rule) is `failed`
/// with the detail `invalid`; why it was refused is on the re-rendered form.
pub async fn audit_save<T, E>(
    state: &crate::web::AppState,
    actor: Actor,
    action: &str,
    target: String,
    saved: &Result<T, E>,
) {
    let result: Result<(), AppError> = match saved {
        Ok(_) => Ok(()),
        Err(_) => Err(AppError::invalid("invalid", "the save was refused")),
    };
    audit_action(state, actor, action, target, &result).await;
}

/// Records an action's outcome in its own transaction, after the action
/// (prefer [`audited`], which writes the row inside the action's own).
pub async fn audit_action(
    state: &crate::web::AppState,
    actor: Actor,
    action: &str,
    target: String,
    result: &Result<impl Sized, AppError>,
) {
    let (outcome, detail) = match result {
        Ok(_) => (AuditResult::Ok, String::new()),
        Err(AppError::Forbidden { .. }) => (AuditResult::Denied, String::new()),
        Err(e) => (AuditResult::Failed, e.code().to_string()),
    };
    let now = state.clock.now_utc();
    let action = action.to_string();
    let logged: crate::error::AppResult<()> = state
        .db
        .run(move |conn| {
            Ok(record(
                conn, &actor, &action, &target, outcome, &detail, now,
            )?)
        })
        .await;
    if let Err(e) = logged {
        tracing::error!(error = %e, "audit row could not be written");
    }
}
