//! Editing the catalogue: validation and saving as plain functions. Nothing
//! is ever deleted — departments, windows and items are deactivated — and no
//! change may strand a resident: a window with future bookings stays open,
//! a window keeps an item it has future bookings for.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::accounts::create::FieldErrors;
use crate::booking::models::BookingStatus;
use crate::catalog::models::{Category, Delivery, MaterialForm, Subject};
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId, ZoneId};
use crate::db::schema::{
    bookings, departments, service_items, service_materials, window_services, windows, zones,
};
use crate::db::{DbConn, write_transaction};
use crate::seed::labels::ZhLabel;

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

fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push((field, "admin-error-required"));
    } else if v.chars().count() > max || v.chars().any(|c| c.is_control()) {
        errors.push((field, "admin-error-too-long"));
    }
    v.to_string()
}

fn optional_text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max || v.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        errors.push((field, "admin-error-too-long"));
    }
    v.to_string()
}

fn number(errors: &mut FieldErrors, field: &'static str, value: &str, min: i32, max: i32) -> i32 {
    match value.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            errors.push((field, "admin-error-number"));
            min
        }
    }
}

fn optional_number(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    min: i32,
    max: i32,
) -> Option<i32> {
    if value.trim().is_empty() {
        None
    } else {
        Some(number(errors, field, value, min, max))
    }
}

fn code(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let v = value.trim().to_ascii_uppercase();
    if v.is_empty() || v.len() > 20 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        errors.push((field, "admin-error-code"));
    }
    v
}

/// Future bookings still to be served (not cancelled, not finished).
fn future_bookings(
    conn: &mut DbConn,
    today: NaiveDate,
    window: Option<WindowId>,
    service: Option<ServiceId>,
) -> QueryResult<i64> {
    let mut q = bookings::table
        .filter(bookings::day.ge(today))
        .filter(bookings::status.eq_any(BookingStatus::active_strs()))
        .into_boxed();
    if let Some(w) = window {
        q = q.filter(bookings::window_id.eq(w));
    }
    if let Some(s) = service {
        q = q.filter(bookings::service_id.eq(s));
    }
    q.count().get_result(conn)
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

pub fn save_department(
    conn: &mut DbConn,
    hall: HallId,
    id: Option<DepartmentId>,
    f: &DepartmentForm,
) -> Result<DepartmentId, SaveError> {
    let mut e = FieldErrors::new();
    let code = code(&mut e, "code", &f.code);
    let name = text(&mut e, "name", &f.name, 100);
    let short = text(&mut e, "short_name", &f.short_name, 20);
    let phone = optional_text(&mut e, "phone", &f.phone, 30);
    if !e.is_empty() {
        return Err(SaveError::Invalid(e));
    }
    let active = id.is_none() || f.active.is_some();
    write_transaction(conn, |conn| {
        let clash: Option<DepartmentId> = departments::table
            .filter(
                departments::hall_id
                    .eq(hall)
                    .and(departments::code.eq(&code)),
            )
            .select(departments::id)
            .first(conn)
            .optional()?;
        if clash.is_some() && clash != id {
            return Err(SaveError::Invalid(vec![("code", "admin-error-code-taken")]));
        }
        match id {
            Some(id) => {
                if !active {
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
                diesel::update(
                    departments::table
                        .find(id)
                        .filter(departments::hall_id.eq(hall)),
                )
                .set((
                    departments::code.eq(&code),
                    departments::name.eq(&name),
                    departments::short_name.eq(&short),
                    departments::phone.eq(&phone),
                    departments::active.eq(active),
                ))
                .execute(conn)?;
                Ok(id)
            }
            None => {
                let order: Option<i32> = departments::table
                    .filter(departments::hall_id.eq(hall))
                    .select(diesel::dsl::max(departments::sort_order))
                    .first(conn)?;
                Ok(diesel::insert_into(departments::table)
                    .values((
                        departments::hall_id.eq(hall),
                        departments::code.eq(&code),
                        departments::name.eq(&name),
                        departments::short_name.eq(&short),
                        departments::phone.eq(&phone),
                        departments::sort_order.eq(order.unwrap_or(0) + 1),
                    ))
                    .returning(departments::id)
                    .get_result(conn)?)
            }
        }
    })
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

/// Saves a window; `allowed(d)` says whether the editor may use department d.
pub fn save_window(
    conn: &mut DbConn,
    hall: HallId,
    id: Option<WindowId>,
    f: &WindowForm,
    (today, now): (NaiveDate, chrono::NaiveDateTime),
    allowed: &dyn Fn(DepartmentId) -> bool,
) -> Result<WindowId, SaveError> {
    let mut e = FieldErrors::new();
    let number = number(&mut e, "number", &f.number, 1, 999);
    let name = text(&mut e, "name", &f.name, 50);
    let department: Option<DepartmentId> = f.department_id.parse().ok();
    if department.is_none_or(|d| !allowed(d)) {
        e.push(("department_id", "admin-error-department"));
    }
    if !e.is_empty() {
        return Err(SaveError::Invalid(e));
    }
    let department = department.ok_or(SaveError::NotFound)?;
    let active = id.is_none() || f.active.is_some();
    write_transaction(conn, |conn| {
        let dept_hall: Option<HallId> = departments::table
            .find(department)
            .select(departments::hall_id)
            .first(conn)
            .optional()?;
        if dept_hall != Some(hall) {
            return Err(SaveError::Invalid(vec![(
                "department_id",
                "admin-error-department",
            )]));
        }
        let zone: Option<ZoneId> = zones::table
            .filter(zones::hall_id.eq(hall).and(zones::letter.eq(f.zone.trim())))
            .select(zones::id)
            .first(conn)
            .optional()?;
        let Some(zone) = zone else {
            return Err(SaveError::Invalid(vec![("zone", "admin-error-zone")]));
        };
        let clash: Option<WindowId> = windows::table
            .filter(windows::hall_id.eq(hall).and(windows::number.eq(number)))
            .select(windows::id)
            .first(conn)
            .optional()?;
        if clash.is_some() && clash != id {
            return Err(SaveError::Invalid(vec![(
                "number",
                "admin-error-number-taken",
            )]));
        }
        match id {
            Some(id) => {
                if !active {
                    let n = future_bookings(conn, today, Some(id), None)?;
                    if n > 0 {
                        return Err(SaveError::Stranded("admin-error-window-bookings", n));
                    }
                }
                diesel::update(windows::table.find(id).filter(windows::hall_id.eq(hall)))
                    .set((
                        windows::number.eq(number),
                        windows::name.eq(&name),
                        windows::zone_id.eq(zone),
                        windows::department_id.eq(department),
                        windows::active.eq(active),
                    ))
                    .execute(conn)?;
                if !active {
                    // A switched-off window sends its transferred tickets back.
                    crate::queue::staffing::return_transferred(conn, id, None, now)?;
                }
                Ok(id)
            }
            None => Ok(diesel::insert_into(windows::table)
                .values((
                    windows::hall_id.eq(hall),
                    windows::number.eq(number),
                    windows::name.eq(&name),
                    windows::zone_id.eq(zone),
                    windows::department_id.eq(department),
                ))
                .returning(windows::id)
                .get_result(conn)?),
        }
    })
}

// ----- items -----

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub department_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub delivery: String,
    #[serde(default)]
    pub legal_days: String,
    #[serde(default)]
    pub promised_days: String,
    #[serde(default)]
    pub fee: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub description: String,
    pub bookable_online: Option<String>,
    #[serde(default)]
    pub walk_in_quota: String,
    #[serde(default)]
    pub target_wait_minutes: String,
    #[serde(default)]
    pub avg_service_minutes: String,
    pub active: Option<String>,
    /// One material a line: `name | form | copies | note`.
    #[serde(default)]
    pub materials: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MaterialLine {
    pub name: String,
    pub form: MaterialForm,
    pub copies: String,
    pub note: String,
}

/// Reads the 一次性告知 list, one material a line, in order.
pub fn parse_materials(text: &str) -> Result<Vec<MaterialLine>, &'static str> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let name = parts[0];
        if name.is_empty() || name.chars().count() > 200 {
            return Err("admin-error-material");
        }
        let form = match parts.get(1).filter(|f| !f.is_empty()) {
            Some(f) => MaterialForm::from_label(f).ok_or("admin-error-material-form")?,
            None => MaterialForm::Original,
        };
        out.push(MaterialLine {
            name: name.to_string(),
            form,
            copies: crate::text::clean_line(parts.get(2).unwrap_or(&""), 50),
            note: crate::text::clean_line(parts.get(3).unwrap_or(&""), 200),
        });
    }
    if out.len() > 60 {
        return Err("admin-error-too-long");
    }
    Ok(out)
}

pub fn materials_text(list: &[crate::catalog::models::Material]) -> String {
    list.iter()
        .map(|m| {
            let mut s = format!("{} | {}", m.name, m.form.zh_label());
            if !m.copies.is_empty() || !m.note.is_empty() {
                s.push_str(&format!(" | {}", m.copies));
            }
            if !m.note.is_empty() {
                s.push_str(&format!(" | {}", m.note));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn save_item(
    conn: &mut DbConn,
    hall: HallId,
    id: Option<ServiceId>,
    f: &ItemForm,
    allowed: &dyn Fn(DepartmentId) -> bool,
) -> Result<ServiceId, SaveError> {
    let mut e = FieldErrors::new();
    let code = code(&mut e, "code", &f.code);
    let name = text(&mut e, "name", &f.name, 200);
    let department: Option<DepartmentId> = f.department_id.parse().ok();
    if department.is_none_or(|d| !allowed(d)) {
        e.push(("department_id", "admin-error-department"));
    }
    let category = f
        .category
        .parse::<Category>()
        .map_err(|_| e.push(("category", "admin-error-choice")))
        .ok();
    let delivery = f
        .delivery
        .parse::<Delivery>()
        .map_err(|_| e.push(("delivery", "admin-error-choice")))
        .ok();
    let subject = f
        .subject
        .parse::<Subject>()
        .map_err(|_| e.push(("subject", "admin-error-choice")))
        .ok();
    let legal = number(&mut e, "legal_days", &f.legal_days, 0, 365);
    let promised = number(&mut e, "promised_days", &f.promised_days, 0, 365);
    if delivery == Some(Delivery::Promised) && promised < 1 {
        e.push(("promised_days", "admin-error-promised"));
    }
    if legal > 0 && promised > legal {
        e.push(("promised_days", "admin-error-promised-legal"));
    }
    let fee = optional_text(&mut e, "fee", &f.fee, 100);
    let description = optional_text(&mut e, "description", &f.description, 2000);
    let quota = optional_number(&mut e, "walk_in_quota", &f.walk_in_quota, 0, 10_000);
    let target = optional_number(
        &mut e,
        "target_wait_minutes",
        &f.target_wait_minutes,
        1,
        600,
    );
    let avg = if f.avg_service_minutes.trim().is_empty() {
        10
    } else {
        number(
            &mut e,
            "avg_service_minutes",
            &f.avg_service_minutes,
            1,
            240,
        )
    };
    let materials = parse_materials(&f.materials)
        .map_err(|k| e.push(("materials", k)))
        .unwrap_or_default();
    let (Some(department), Some(category), Some(delivery), Some(subject)) =
        (department, category, delivery, subject)
    else {
        return Err(SaveError::Invalid(e));
    };
    if !e.is_empty() {
        return Err(SaveError::Invalid(e));
    }
    let active = id.is_none() || f.active.is_some();
    let bookable = f.bookable_online.is_some();
    write_transaction(conn, |conn| {
        let dept_hall: Option<HallId> = departments::table
            .find(department)
            .select(departments::hall_id)
            .first(conn)
            .optional()?;
        if dept_hall != Some(hall) {
            return Err(SaveError::Invalid(vec![(
                "department_id",
                "admin-error-department",
            )]));
        }
        let clash: Option<ServiceId> = service_items::table
            .filter(
                service_items::hall_id
                    .eq(hall)
                    .and(service_items::code.eq(&code)),
            )
            .select(service_items::id)
            .first(conn)
            .optional()?;
        if clash.is_some() && clash != id {
            return Err(SaveError::Invalid(vec![("code", "admin-error-code-taken")]));
        }
        let values = (
            service_items::code.eq(&code),
            service_items::name.eq(&name),
            service_items::department_id.eq(department),
            service_items::category.eq(category.as_str()),
            service_items::delivery.eq(delivery.as_str()),
            service_items::legal_days.eq(legal),
            service_items::promised_days.eq(if delivery == Delivery::OnTheSpot {
                0
            } else {
                promised
            }),
            service_items::fee.eq(&fee),
            service_items::subject.eq(subject.as_str()),
            service_items::description.eq(&description),
            service_items::bookable_online.eq(bookable),
            service_items::walk_in_quota.eq(quota),
            service_items::target_wait_minutes.eq(target),
            service_items::avg_service_minutes.eq(avg),
            service_items::active.eq(active),
        );
        let id = match id {
            Some(id) => {
                diesel::update(
                    service_items::table
                        .find(id)
                        .filter(service_items::hall_id.eq(hall)),
                )
                .set(values)
                .execute(conn)?;
                id
            }
            None => diesel::insert_into(service_items::table)
                .values((service_items::hall_id.eq(hall), values))
                .returning(service_items::id)
                .get_result(conn)?,
        };
        diesel::delete(service_materials::table.filter(service_materials::service_id.eq(id)))
            .execute(conn)?;
        for (i, m) in materials.iter().enumerate() {
            diesel::insert_into(service_materials::table)
                .values((
                    service_materials::service_id.eq(id),
                    service_materials::position.eq(i as i32 + 1),
                    service_materials::name.eq(&m.name),
                    service_materials::form.eq(m.form.as_str()),
                    service_materials::copies.eq(&m.copies),
                    service_materials::note.eq(&m.note),
                ))
                .execute(conn)?;
        }
        Ok(id)
    })
}

// ----- the window ↔ item matrix -----

/// Sets which of `windows` serve each of `items` (pairs outside those two
/// lists are untouched). Removing a pair that future bookings rely on is
/// refused. Returns (added, removed).
pub fn save_matrix(
    conn: &mut DbConn,
    items: &[ServiceId],
    windows: &[WindowId],
    wanted: &[(ServiceId, WindowId)],
    today: NaiveDate,
) -> Result<(usize, usize), SaveError> {
    write_transaction(conn, |conn| {
        let current: Vec<(WindowId, ServiceId)> = window_services::table
            .filter(window_services::service_id.eq_any(items))
            .filter(window_services::window_id.eq_any(windows))
            .select((window_services::window_id, window_services::service_id))
            .load(conn)?;
        let mut removed = 0;
        for (w, s) in &current {
            if !wanted.contains(&(*s, *w)) {
                let n = future_bookings(conn, today, Some(*w), Some(*s))?;
                if n > 0 {
                    return Err(SaveError::Stranded("admin-error-matrix-bookings", n));
                }
                removed += diesel::delete(window_services::table.find((*w, *s))).execute(conn)?;
            }
        }
        let mut added = 0;
        for (s, w) in wanted {
            if items.contains(s) && windows.contains(w) && !current.contains(&(*w, *s)) {
                added += diesel::insert_into(window_services::table)
                    .values((
                        window_services::window_id.eq(w),
                        window_services::service_id.eq(s),
                    ))
                    .execute(conn)?;
            }
        }
        Ok((added, removed))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn materials_are_read_one_a_line_with_optional_form_copies_and_note() {
        let list = parse_materials("居民身份证 | 原件\n\n户口簿｜复印件｜1份\n近期一寸免冠照片 | 原件 | 2张 | 白底\n结婚证").unwrap();
        assert_eq!(list.len(), 4);
        assert_eq!(
            list[1],
            MaterialLine {
                name: "户口簿".into(),
                form: MaterialForm::Copy,
                copies: "1份".into(),
                note: String::new()
            }
        );
        assert_eq!(list[2].note, "白底");
        assert_eq!(list[3].form, MaterialForm::Original);
        assert_eq!(
            parse_materials("身份证 | 扫描件"),
            Err("admin-error-material-form")
        );
        assert_eq!(parse_materials(" | 原件"), Err("admin-error-material"));
    }
}
