//! The audit trail: sign-ins (success and failure), lock-outs, every staff
//! action and every reveal of personal data — who, when (UTC), from where,
//! what, and the result. Rows are append-only (database triggers refuse
//! changes and deletions).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::models::Account;
use crate::db::DbConn;
use crate::db::ids::AccountId;
use crate::db::schema::audit_log;
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
    pub fn of(account: &Account, ip: &str) -> Self {
        Actor {
            id: Some(account.id),
            role: account.role.as_str().to_string(),
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
