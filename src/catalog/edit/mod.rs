//! Changing the catalogue — the one write path for departments, windows,
//! items, their materials and the window ↔ item matrix. The admin forms,
//! the CSV import and the seed all come through here: raw input is validated
//! into a typed value (the same rules and message keys for every source),
//! then written. Nothing is ever deleted — departments, windows and items are
//! deactivated — and no change may strand a resident: a window with future
//! bookings stays open, a window keeps an item it has future bookings for.

pub mod guide;
pub mod items;
pub mod materials;
pub mod matrix;

use diesel::prelude::*;

use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId, ZoneId};
use crate::db::schema::{departments, service_items, windows, zones};
use crate::db::{DbConn, write_transaction};
use crate::text::{self, FieldErrors};

pub use guide::GuideForm;
pub use items::{ItemForm, ValidItem, save_item, write_item};
pub use materials::{MaterialLine, materials_text, parse_materials, write_materials};
pub use matrix::save_matrix;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SaveError {
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The change would strand residents with bookings: (message key, count).
    #[error("{0}")]
    Stranded(&'static str, i64),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] crate::db::DbFailure),
}

impl From<diesel::result::Error> for SaveError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => SaveError::NotFound,
            other => SaveError::Db(other.into()),
        }
    }
}

/// Which record a save writes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target<Id> {
    /// A new record; its code (or number) must be free.
    New,
    /// This record; its code may not be another's.
    Existing(Id),
    /// The record with this code (or number) in the hall, created if there
    /// is none — how spreadsheets name what they change.
    ByKey,
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    Updated,
    Unchanged,
}

/// Resolves the target against the record holding the key, if any.
fn resolve<Id: PartialEq + Copy>(
    target: Target<Id>,
    holder: Option<Id>,
    taken: (&'static str, &'static str),
) -> Result<Option<Id>, SaveError> {
    match (target, holder) {
        (Target::New, Some(_)) => Err(SaveError::Invalid(vec![taken])),
        (Target::New, None) => Ok(None),
        (Target::Existing(id), Some(h)) if h != id => Err(SaveError::Invalid(vec![taken])),
        (Target::Existing(id), _) => Ok(Some(id)),
        (Target::ByKey, holder) => Ok(holder),
    }
}

/// The department, if it is one of this hall's.
fn department_of_hall(
    conn: &mut DbConn,
    hall: HallId,
    department: DepartmentId,
) -> Result<(), SaveError> {
    let dept_hall: Option<HallId> = departments::table
        .find(department)
        .select(departments::hall_id)
        .first(conn)
        .optional()?;
    if dept_hall == Some(hall) {
        Ok(())
    } else {
        Err(SaveError::Invalid(vec![(
            "department_id",
            "admin-error-department",
        )]))
    }
}

/// How many future bookings (not cancelled, not finished) rely on a window,
/// an item, or the pair. The booking feature answers: the catalogue sits
/// below it and may not strand what it cannot see.
pub type Booked<'a> =
    &'a dyn Fn(&mut DbConn, Option<WindowId>, Option<ServiceId>) -> QueryResult<i64>;

/// An edit form's "active" box: a new record is active; on an existing one
/// an unticked box switches it off.
fn active_box(editing: bool, ticked: &Option<String>) -> Option<bool> {
    Some(!editing || ticked.is_some())
}

// ----- departments -----

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub phone: String,
    pub active: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidDepartment {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub phone: String,
    /// `None`: left as it is (a new department is active).
    pub active: Option<bool>,
}

impl DepartmentForm {
    pub fn validate(&self, editing: bool) -> Result<ValidDepartment, FieldErrors> {
        let mut e = FieldErrors::new();
        let v = ValidDepartment {
            code: text::code(&mut e, "code", &self.code),
            name: text::required(&mut e, "name", &self.name, 100),
            short_name: text::required(&mut e, "short_name", &self.short_name, 20),
            phone: text::optional(&mut e, "phone", &self.phone, 30),
            active: active_box(editing, &self.active),
        };
        if e.is_empty() { Ok(v) } else { Err(e) }
    }
}

pub fn write_department(
    conn: &mut DbConn,
    hall: HallId,
    target: Target<DepartmentId>,
    v: &ValidDepartment,
) -> Result<(DepartmentId, Written), SaveError> {
    write_transaction(conn, |conn| {
        let holder: Option<crate::catalog::models::Department> = departments::table
            .filter(
                departments::hall_id
                    .eq(hall)
                    .and(departments::code.eq(&v.code)),
            )
            .select(crate::catalog::models::Department::as_select())
            .first(conn)
            .optional()?;
        let id = resolve(
            target,
            holder.as_ref().map(|d| d.id),
            ("code", "admin-error-code-taken"),
        )?;
        let Some(id) = id else {
            return Ok((insert_department(conn, hall, v)?, Written::Created));
        };
        if let Some(d) = holder.filter(|d| d.id == id)
            && d.name == v.name
            && d.short_name == v.short_name
            && d.phone == v.phone
            && v.active.is_none_or(|a| a == d.active)
        {
            return Ok((id, Written::Unchanged));
        }
        if v.active == Some(false) {
            let open: i64 = service_items::table
                .filter(
                    service_items::department_id
                        .eq(id)
                        .and(service_items::active.eq(true)),
                )
                .count()
                .get_result(conn)?;
            if open > 0 {
                return Err(SaveError::Stranded("admin-error-department-items", open));
            }
        }
        let n = diesel::update(
            departments::table
                .find(id)
                .filter(departments::hall_id.eq(hall)),
        )
        .set((
            departments::code.eq(&v.code),
            departments::name.eq(&v.name),
            departments::short_name.eq(&v.short_name),
            departments::phone.eq(&v.phone),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(SaveError::NotFound);
        }
        if let Some(active) = v.active {
            diesel::update(departments::table.find(id))
                .set(departments::active.eq(active))
                .execute(conn)?;
        }
        Ok((id, Written::Updated))
    })
}

/// A new department, listed last.
fn insert_department(
    conn: &mut DbConn,
    hall: HallId,
    v: &ValidDepartment,
) -> QueryResult<DepartmentId> {
    let order: Option<i32> = departments::table
        .filter(departments::hall_id.eq(hall))
        .select(diesel::dsl::max(departments::sort_order))
        .first(conn)?;
    diesel::insert_into(departments::table)
        .values((
            departments::hall_id.eq(hall),
            departments::code.eq(&v.code),
            departments::name.eq(&v.name),
            departments::short_name.eq(&v.short_name),
            departments::phone.eq(&v.phone),
            departments::sort_order.eq(order.unwrap_or(0) + 1),
        ))
        .returning(departments::id)
        .get_result(conn)
}

/// The department form's save: validate, then write.
pub fn save_department(
    conn: &mut DbConn,
    hall: HallId,
    id: Option<DepartmentId>,
    f: &DepartmentForm,
) -> Result<DepartmentId, SaveError> {
    let v = f.validate(id.is_some()).map_err(SaveError::Invalid)?;
    let target = id.map_or(Target::New, Target::Existing);
    Ok(write_department(conn, hall, target, &v)?.0)
}

// ----- windows -----

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WindowForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub zone: String,
    #[serde(default)]
    pub department_id: String,
    pub active: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidWindow {
    pub number: i32,
    pub name: String,
    /// The zone's letter.
    pub zone: String,
    pub department: DepartmentId,
    pub active: Option<bool>,
}

impl WindowForm {
    /// `allowed(d)`: whether the editor may use department d.
    pub fn validate(
        &self,
        editing: bool,
        allowed: &dyn Fn(DepartmentId) -> bool,
    ) -> Result<ValidWindow, FieldErrors> {
        let mut e = FieldErrors::new();
        let number = text::number(&mut e, "number", &self.number, 1, 999);
        let name = text::required(&mut e, "name", &self.name, 50);
        let department: Option<DepartmentId> = self.department_id.trim().parse().ok();
        let department = department.filter(|d| allowed(*d));
        if department.is_none() {
            e.push(("department_id", "admin-error-department"));
        }
        match department {
            Some(department) if e.is_empty() => Ok(ValidWindow {
                number,
                name,
                zone: self.zone.trim().to_string(),
                department,
                active: active_box(editing, &self.active),
            }),
            _ => Err(e),
        }
    }
}

pub fn write_window(
    conn: &mut DbConn,
    hall: HallId,
    target: Target<WindowId>,
    v: &ValidWindow,
    booked: Booked,
) -> Result<(WindowId, Written), SaveError> {
    write_transaction(conn, |conn| {
        department_of_hall(conn, hall, v.department)?;
        let zone: ZoneId = zones::table
            .filter(zones::hall_id.eq(hall).and(zones::letter.eq(&v.zone)))
            .select(zones::id)
            .first(conn)
            .optional()?
            .ok_or_else(|| SaveError::Invalid(vec![("zone", "admin-error-zone")]))?;
        let holder: Option<crate::catalog::models::Window> = windows::table
            .filter(windows::hall_id.eq(hall).and(windows::number.eq(v.number)))
            .select(crate::catalog::models::Window::as_select())
            .first(conn)
            .optional()?;
        let id = resolve(
            target,
            holder.as_ref().map(|w| w.id),
            ("number", "admin-error-number-taken"),
        )?;
        let Some(id) = id else {
            let id = diesel::insert_into(windows::table)
                .values((
                    windows::hall_id.eq(hall),
                    windows::number.eq(v.number),
                    windows::name.eq(&v.name),
                    windows::zone_id.eq(zone),
                    windows::department_id.eq(v.department),
                ))
                .returning(windows::id)
                .get_result(conn)?;
            return Ok((id, Written::Created));
        };
        if let Some(w) = holder.filter(|w| w.id == id)
            && w.name == v.name
            && w.zone_id == zone
            && w.department_id == v.department
            && v.active.is_none_or(|a| a == w.active)
        {
            return Ok((id, Written::Unchanged));
        }
        if v.active == Some(false) {
            let n = booked(conn, Some(id), None)?;
            if n > 0 {
                return Err(SaveError::Stranded("admin-error-window-bookings", n));
            }
        }
        let n = diesel::update(windows::table.find(id).filter(windows::hall_id.eq(hall)))
            .set((
                windows::number.eq(v.number),
                windows::name.eq(&v.name),
                windows::zone_id.eq(zone),
                windows::department_id.eq(v.department),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(SaveError::NotFound);
        }
        if let Some(active) = v.active {
            diesel::update(windows::table.find(id))
                .set(windows::active.eq(active))
                .execute(conn)?;
        }
        Ok((id, Written::Updated))
    })
}
