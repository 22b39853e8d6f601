//! Administration (`/admin`): the hall's configuration, accounts, the audit
//! trail and statistics. Administrators see everything; a department
//! administrator sees and edits only their own department (checked on every
//! object, whatever id a form or address carries).

pub mod accounts;
pub mod audit_page;
pub mod catalog;
pub mod catalog_pages;
pub mod csv_io;
pub mod halls;
pub mod messages;
pub mod spreadsheet;
pub mod stats;
pub mod stats_pages;
pub mod svg;

use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::db::ids::{DepartmentId, HallId};
use crate::error::AppError;

/// What the signed-in manager may see and change.
#[derive(Debug, Clone)]
pub struct Scope {
    pub account: Account,
}

impl Scope {
    pub fn of(identity: &Identity) -> Result<Scope, AppError> {
        let user = identity.require(&[Role::DeptAdmin, Role::Admin])?;
        Ok(Scope {
            account: user.account.clone(),
        })
    }

    pub fn admin(identity: &Identity) -> Result<Scope, AppError> {
        let user = identity.require(&[Role::Admin])?;
        Ok(Scope {
            account: user.account.clone(),
        })
    }

    pub fn is_admin(&self) -> bool {
        self.account.role == Role::Admin
    }

    /// `None`: every department (administrators).
    pub fn department(&self) -> Option<DepartmentId> {
        if self.is_admin() {
            None
        } else {
            self.account.department_id
        }
    }

    pub fn hall(&self) -> Option<HallId> {
        if self.is_admin() {
            None
        } else {
            self.account.hall_id
        }
    }

    /// Whether this manager may change things of department `d`.
    pub fn owns(&self, d: DepartmentId) -> bool {
        self.is_admin() || self.account.department_id == Some(d)
    }

    /// Not-found for another department's object: its existence is not
    /// revealed.
    pub fn check(&self, d: DepartmentId) -> Result<(), AppError> {
        if self.owns(d) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
