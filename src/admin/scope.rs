//! What the signed-in manager may see and change — the one place ownership
//! is checked. Administrators see everything; a department administrator
//! sees and edits only their own department's records (and its hall),
//! whatever id a form or address carries. Another department's record is
//! answered as not found: its existence is not revealed.

use diesel::prelude::*;

use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::catalog::models::{Department, ServiceItem, Window};
use crate::db::DbConn;
use crate::db::ids::{AccountId, DepartmentId, HallId, ServiceId, WindowId};
use crate::db::schema::{departments, service_items, windows};
use crate::error::AppError;
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;

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

    pub fn check(&self, d: DepartmentId) -> Result<(), AppError> {
        if self.owns(d) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The hall being configured: `?hall=` for administrators (the city
    /// hall by default), the manager's own hall otherwise.
    pub fn hall_for(&self, conn: &mut DbConn, raw: Option<&str>) -> Result<Hall, AppError> {
        let wanted = match self.hall() {
            Some(h) => Some(h),
            None => raw.and_then(|r| r.parse::<HallId>().ok()),
        };
        match wanted {
            Some(h) => hall_repo::find_hall(conn, h)?.ok_or(AppError::NotFound),
            None => hall_repo::default_hall(conn)?.ok_or(AppError::NotFound),
        }
    }

    fn hall_by_id(conn: &mut DbConn, id: HallId) -> Result<Hall, AppError> {
        hall_repo::find_hall(conn, id)?.ok_or(AppError::NotFound)
    }

    /// Departments this manager may use in forms.
    pub fn departments(&self, conn: &mut DbConn, hall: HallId) -> QueryResult<Vec<Department>> {
        let mut q = departments::table
            .filter(departments::hall_id.eq(hall))
            .order(departments::sort_order)
            .into_boxed();
        if let Some(d) = self.department() {
            q = q.filter(departments::id.eq(d));
        }
        q.select(Department::as_select()).load(conn)
    }

    /// A record found by id, if it belongs to a department this manager
    /// owns, with its hall.
    fn owned<T>(
        &self,
        conn: &mut DbConn,
        found: Option<T>,
        place: impl Fn(&T) -> (DepartmentId, HallId),
    ) -> Result<(T, Hall), AppError> {
        let record = found.ok_or(AppError::NotFound)?;
        let (department, hall) = place(&record);
        self.check(department)?;
        Ok((record, Self::hall_by_id(conn, hall)?))
    }

    pub fn own_department(
        &self,
        conn: &mut DbConn,
        id: DepartmentId,
    ) -> Result<(Department, Hall), AppError> {
        let found = departments::table
            .find(id)
            .select(Department::as_select())
            .first(conn)
            .optional()?;
        self.owned(conn, found, |d| (d.id, d.hall_id))
    }

    pub fn own_window(&self, conn: &mut DbConn, id: WindowId) -> Result<(Window, Hall), AppError> {
        let found = windows::table
            .find(id)
            .select(Window::as_select())
            .first(conn)
            .optional()?;
        self.owned(conn, found, |w| (w.department_id, w.hall_id))
    }

    pub fn own_item(
        &self,
        conn: &mut DbConn,
        id: ServiceId,
    ) -> Result<(ServiceItem, Hall), AppError> {
        let found = service_items::table
            .find(id)
            .select(ServiceItem::as_select())
            .first(conn)
            .optional()?;
        self.owned(conn, found, |i| (i.department_id, i.hall_id))
    }

    /// An account this manager may manage: administrators everyone,
    /// department administrators only the clerks of their department.
    pub fn own_account(&self, conn: &mut DbConn, id: AccountId) -> Result<Account, AppError> {
        let a = crate::accounts::repo::find_account(conn, id)?.ok_or(AppError::NotFound)?;
        let ok = self.is_admin()
            || (a.role == Role::Clerk
                && a.department_id.is_some()
                && a.department_id == self.account.department_id);
        if ok { Ok(a) } else { Err(AppError::NotFound) }
    }

    /// Administrators see every hall in a picker; others only their own.
    pub fn halls(&self, conn: &mut DbConn) -> QueryResult<Vec<Hall>> {
        if self.is_admin() {
            hall_repo::list_halls(conn)
        } else {
            Ok(Vec::new())
        }
    }
}
