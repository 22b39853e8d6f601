//! Creating accounts: one set of rules for the command line, the demo seed
//! and (later) the registration and administration pages.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{NewAccount, Role};
use super::pii::PiiKeys;
use super::{password, repo, validate};
use crate::catalog::models::{Department, Window};
use crate::db::DbConn;
use crate::db::ids::{AccountId, HallId};
use crate::db::schema::{departments, windows};
use crate::hall::repo as hall_repo;

#[derive(Debug, Clone)]
pub struct AddUser {
    pub role: Role,
    pub phone: String,
    pub name: String,
    pub password: String,
    pub id_number: Option<String>,
    pub hall: Option<HallId>,
    /// Window number within the hall.
    pub window: Option<i32>,
    /// Department code within the hall.
    pub department: Option<String>,
    /// Staff given a one-time password must change it at first sign-in.
    pub must_change_password: bool,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AddUserError {
    /// A translation key naming what is wrong with the input.
    #[error("{0}")]
    Invalid(&'static str),
    #[error("phone_taken")]
    PhoneTaken,
    #[error("id_number_taken")]
    IdNumberTaken,
    #[error("{0}")]
    Internal(String),
}

impl From<diesel::result::Error> for AddUserError {
    fn from(e: diesel::result::Error) -> Self {
        AddUserError::Internal(e.to_string())
    }
}

/// Validates, hashes the password and inserts the account in one
/// transaction; the unique indexes settle races on phone and ID number.
pub fn add_user(
    conn: &mut DbConn,
    input: &AddUser,
    keys: &PiiKeys,
    now: NaiveDateTime,
) -> Result<AccountId, AddUserError> {
    let phone = validate::phone(&input.phone).map_err(AddUserError::Invalid)?;
    let name = validate::person_name(&input.name).map_err(AddUserError::Invalid)?;
    password::check_strength(&input.password).map_err(AddUserError::Invalid)?;
    let id_number = input
        .id_number
        .as_deref()
        .map(|id| validate::id_number(id, now.date()))
        .transpose()
        .map_err(AddUserError::Invalid)?;
    if input.role == Role::Resident && id_number.is_none() {
        return Err(AddUserError::Invalid("invalid-id-length"));
    }
    let password_hash = password::hash(&input.password).map_err(AddUserError::Internal)?;
    let (id_number_cipher, id_number_hash) = match &id_number {
        Some(id) => (
            Some(keys.encrypt(id).map_err(AddUserError::Internal)?),
            Some(keys.lookup_hash(id)),
        ),
        None => (None, None),
    };

    conn.transaction(|conn| {
        let placement = place_staff(conn, input)?;
        if repo::find_by_phone(conn, &phone)?.is_some() {
            return Err(AddUserError::PhoneTaken);
        }
        if let Some(h) = &id_number_hash
            && repo::id_number_taken(conn, h)?
        {
            return Err(AddUserError::IdNumberTaken);
        }
        let new = NewAccount {
            role: input.role,
            name,
            phone,
            id_number_cipher,
            id_number_hash,
            password_hash,
            hall_id: placement.hall,
            department_id: placement.department.map(|d| d.id),
            window_id: placement.window.map(|w| w.id),
            must_change_password: input.must_change_password,
            created_at: now,
            updated_at: now,
        };
        repo::insert_account(conn, new).map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AddUserError::PhoneTaken,
            other => other.into(),
        })
    })
}

struct Placement {
    hall: Option<HallId>,
    department: Option<Department>,
    window: Option<Window>,
}

/// Where a staff member works: clerks at a window (their department is the
/// window's unless given), department admins in a department.
fn place_staff(conn: &mut DbConn, input: &AddUser) -> Result<Placement, AddUserError> {
    if input.role == Role::Resident {
        return Ok(Placement {
            hall: None,
            department: None,
            window: None,
        });
    }
    let hall = match input.hall {
        Some(h) => hall_repo::find_hall(conn, h)?.ok_or(AddUserError::Invalid("invalid-hall"))?,
        None => hall_repo::default_hall(conn)?.ok_or(AddUserError::Invalid("invalid-hall"))?,
    };
    let window = match input.window {
        Some(n) => Some(
            windows::table
                .filter(windows::hall_id.eq(hall.id).and(windows::number.eq(n)))
                .select(Window::as_select())
                .first(conn)
                .optional()?
                .ok_or(AddUserError::Invalid("invalid-window"))?,
        ),
        None => None,
    };
    let department = match (&input.department, &window) {
        (Some(code), _) => Some(
            departments::table
                .filter(
                    departments::hall_id
                        .eq(hall.id)
                        .and(departments::code.eq(code.trim())),
                )
                .select(Department::as_select())
                .first(conn)
                .optional()?
                .ok_or(AddUserError::Invalid("invalid-department"))?,
        ),
        (None, Some(w)) => Some(
            departments::table
                .find(w.department_id)
                .select(Department::as_select())
                .first(conn)?,
        ),
        (None, None) => None,
    };
    if input.role == Role::DeptAdmin && department.is_none() {
        return Err(AddUserError::Invalid("invalid-department"));
    }
    if input.role == Role::Admin && (window.is_some() || input.department.is_some()) {
        return Err(AddUserError::Invalid("invalid-admin-placement"));
    }
    Ok(Placement {
        hall: Some(hall.id),
        department,
        window,
    })
}
