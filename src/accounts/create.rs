//! Creating accounts: one set of rules for the command line, the demo seed,
//! registration and (later) the administration pages.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::models::{NewAccount, Role};
use super::{password, repo, validate};
use crate::catalog::models::{Department, Window};
use crate::db::DbConn;
use crate::db::ids::{AccountId, HallId};
use crate::db::schema::{departments, windows};
use crate::hall::repo as hall_repo;
use crate::pii::PiiKeys;

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

/// What is wrong with a form, field by field: (field, translation key).
pub use crate::text::FieldErrors;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AddUserError {
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("phone_taken")]
    PhoneTaken,
    #[error("id_number_taken")]
    IdNumberTaken,
    #[error("{0}")]
    Internal(String),
}

impl AddUserError {
    /// The first problem's translation key (command line, API message).
    pub fn first_key(&self) -> &'static str {
        match self {
            AddUserError::Invalid(errors) => {
                errors.first().map(|(_, k)| *k).unwrap_or("invalid-name")
            }
            AddUserError::PhoneTaken => "phone-taken",
            AddUserError::IdNumberTaken => "id-number-taken",
            AddUserError::Internal(_) => "error-500-message",
        }
    }
}

impl From<crate::db::Unavailable> for AddUserError {
    fn from(e: crate::db::Unavailable) -> Self {
        AddUserError::Internal(e.to_string())
    }
}

impl From<diesel::result::Error> for AddUserError {
    fn from(e: diesel::result::Error) -> Self {
        AddUserError::Internal(e.to_string())
    }
}

/// Input that passed validation, normalised.
#[derive(Debug, Clone)]
pub struct ValidUser {
    pub role: Role,
    pub phone: String,
    pub name: String,
    pub id_number: Option<String>,
}

/// Checks every field and reports all problems at once.
pub fn validate_user(input: &AddUser, today: NaiveDate) -> Result<ValidUser, AddUserError> {
    let mut errors = FieldErrors::new();
    let phone = validate::phone(&input.phone)
        .map_err(|k| errors.push(("phone", k)))
        .ok();
    let name = validate::person_name(&input.name)
        .map_err(|k| errors.push(("name", k)))
        .ok();
    if let Err(k) = password::check_strength(&input.password) {
        errors.push(("password", k));
    }
    let id_number = match input
        .id_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(id) => validate::id_number(id, today)
            .map_err(|k| errors.push(("id_number", k)))
            .ok(),
        None if input.role == Role::Resident => {
            errors.push(("id_number", "invalid-id-length"));
            None
        }
        None => None,
    };
    match (phone, name) {
        (Some(phone), Some(name)) if errors.is_empty() => Ok(ValidUser {
            role: input.role,
            phone,
            name,
            id_number,
        }),
        _ => Err(AddUserError::Invalid(errors)),
    }
}

/// Validates, hashes the password and inserts (command line and seeding;
/// web handlers hash through the bounded hasher and call [`insert_user`]).
pub fn add_user(
    conn: &mut DbConn,
    input: &AddUser,
    keys: &PiiKeys,
    now: NaiveDateTime,
) -> Result<AccountId, AddUserError> {
    let valid = validate_user(input, now.date())?;
    let hash = password::hash(&input.password).map_err(AddUserError::Internal)?;
    insert_user(conn, input, &valid, hash, keys, now)
}

/// Inserts a validated account in one transaction; the unique indexes
/// settle races on phone and ID number.
pub fn insert_user(
    conn: &mut DbConn,
    input: &AddUser,
    valid: &ValidUser,
    password_hash: String,
    keys: &PiiKeys,
    now: NaiveDateTime,
) -> Result<AccountId, AddUserError> {
    let (id_number_cipher, id_number_hash) = match &valid.id_number {
        Some(id) => (
            Some(keys.encrypt(id).map_err(AddUserError::Internal)?),
            Some(keys.lookup_hash(id)),
        ),
        None => (None, None),
    };
    crate::db::write_transaction(conn, |conn| {
        let placement = place_staff(conn, input)?;
        if repo::find_by_phone(conn, &valid.phone)?.is_some() {
            return Err(AddUserError::PhoneTaken);
        }
        if let Some(h) = &id_number_hash
            && repo::id_number_taken(conn, h)?
        {
            return Err(AddUserError::IdNumberTaken);
        }
        let new = NewAccount {
            role: valid.role,
            name: valid.name.clone(),
            phone: valid.phone.clone(),
            id_number_cipher,
            id_number_hash: id_number_hash.clone(),
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
                info,
            ) => {
                if info.message().contains("id_number")
                    || info
                        .constraint_name()
                        .is_some_and(|c| c.contains("id_number"))
                {
                    AddUserError::IdNumberTaken
                } else {
                    AddUserError::PhoneTaken
                }
            }
            other => other.into(),
        })
    })
}

struct Placement {
    hall: Option<HallId>,
    department: Option<Department>,
    window: Option<Window>,
}

fn invalid(field: &'static str, key: &'static str) -> AddUserError {
    AddUserError::Invalid(vec![(field, key)])
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
        Some(h) => hall_repo::find_hall(conn, h)?.ok_or(invalid("hall", "invalid-hall"))?,
        None => hall_repo::default_hall(conn)?.ok_or(invalid("hall", "invalid-hall"))?,
    };
    let window = match input.window {
        Some(n) => Some(
            windows::table
                .filter(windows::hall_id.eq(hall.id).and(windows::number.eq(n)))
                .select(Window::as_select())
                .first(conn)
                .optional()?
                .ok_or(invalid("window", "invalid-window"))?,
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
                .ok_or(invalid("department", "invalid-department"))?,
        ),
        (None, Some(w)) => Some(
            departments::table
                .find(w.department_id)
                .select(Department::as_select())
                .first(conn)?,
        ),
        (None, None) => None,
    };
    // A clerk sits at a window of their own department, whoever creates them.
    if let (Some(d), Some(w)) = (&department, &window)
        && w.department_id != d.id
    {
        return Err(invalid("window", "invalid-window-department"));
    }
    if input.role == Role::DeptAdmin && department.is_none() {
        return Err(invalid("department", "invalid-department"));
    }
    if input.role == Role::Admin && (window.is_some() || input.department.is_some()) {
        return Err(invalid("department", "invalid-admin-placement"));
    }
    Ok(Placement {
        hall: Some(hall.id),
        department,
        window,
    })
}
