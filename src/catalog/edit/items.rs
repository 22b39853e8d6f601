//! Service items and their 一次性告知 materials.

use diesel::prelude::*;

use super::{SaveError, Target, Written, active_box, department_of_hall, resolve};
use crate::catalog::labels::ZhLabel;
use crate::catalog::models::{
    Category, Delivery, Material, MaterialForm, NewMaterial, ServiceItem, Subject,
};
use crate::db::ids::{DepartmentId, HallId, ServiceId};
use crate::db::schema::{service_items, service_materials};
use crate::db::{DbConn, write_transaction};
use crate::text::{self, FieldErrors};

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

/// How the hall floor handles an item: walk-in quota, target wait, the
/// average service time the estimates use.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub walk_in_quota: Option<i32>,
    pub target_wait_minutes: Option<i32>,
    pub avg_service_minutes: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidItem {
    pub code: String,
    pub name: String,
    pub department: DepartmentId,
    pub category: Category,
    pub delivery: Delivery,
    pub legal_days: i32,
    /// 0 for an item done on the spot.
    pub promised_days: i32,
    pub fee: String,
    pub subject: Subject,
    pub description: String,
    pub bookable_online: bool,
    /// `None` (spreadsheets do not carry them): left as they are.
    pub floor: Option<Floor>,
    pub materials: Option<Vec<MaterialLine>>,
    pub active: Option<bool>,
}

fn choice<T: ZhLabel>(e: &mut FieldErrors, field: &'static str, value: &str) -> Option<T> {
    let v = T::from_label(value);
    if v.is_none() {
        e.push((field, "admin-error-choice"));
    }
    v
}

impl ItemForm {
    /// `allowed(d)`: whether the editor may use department d.
    pub fn validate(
        &self,
        editing: bool,
        allowed: &dyn Fn(DepartmentId) -> bool,
    ) -> Result<ValidItem, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = text::code(&mut e, "code", &self.code);
        let name = text::required(&mut e, "name", &self.name, 200);
        let department: Option<DepartmentId> = self.department_id.trim().parse().ok();
        let department = department.filter(|d| allowed(*d));
        if department.is_none() {
            e.push(("department_id", "admin-error-department"));
        }
        let category = choice::<Category>(&mut e, "category", &self.category);
        let delivery = choice::<Delivery>(&mut e, "delivery", &self.delivery);
        let subject = choice::<Subject>(&mut e, "subject", &self.subject);
        let legal = text::number(&mut e, "legal_days", &self.legal_days, 0, 365);
        let promised = text::number(&mut e, "promised_days", &self.promised_days, 0, 365);
        if delivery == Some(Delivery::Promised) && promised < 1 {
            e.push(("promised_days", "admin-error-promised"));
        }
        if legal > 0 && promised > legal {
            e.push(("promised_days", "admin-error-promised-legal"));
        }
        let fee = text::optional(&mut e, "fee", &self.fee, 100);
        let description = text::optional(&mut e, "description", &self.description, 2000);
        let floor = Floor {
            walk_in_quota: text::optional_number(
                &mut e,
                "walk_in_quota",
                &self.walk_in_quota,
                0,
                10_000,
            ),
            target_wait_minutes: text::optional_number(
                &mut e,
                "target_wait_minutes",
                &self.target_wait_minutes,
                1,
                600,
            ),
            avg_service_minutes: text::optional_number(
                &mut e,
                "avg_service_minutes",
                &self.avg_service_minutes,
                1,
                240,
            )
            .unwrap_or(10),
        };
        let materials = parse_materials(&self.materials)
            .map_err(|k| e.push(("materials", k)))
            .unwrap_or_default();
        match (department, category, delivery, subject) {
            (Some(department), Some(category), Some(delivery), Some(subject)) if e.is_empty() => {
                Ok(ValidItem {
                    code,
                    name,
                    department,
                    category,
                    delivery,
                    legal_days: legal,
                    promised_days: if delivery == Delivery::OnTheSpot {
                        0
                    } else {
                        promised
                    },
                    fee,
                    subject,
                    description,
                    bookable_online: self.bookable_online.is_some(),
                    floor: Some(floor),
                    materials: Some(materials),
                    active: active_box(editing, &self.active),
                })
            }
            _ => Err(e),
        }
    }
}

impl ValidItem {
    fn same_as(&self, i: &ServiceItem) -> bool {
        i.name == self.name
            && i.department_id == self.department
            && i.category == self.category
            && i.delivery == self.delivery
            && i.legal_days == self.legal_days
            && i.promised_days == self.promised_days
            && i.fee == self.fee
            && i.subject == self.subject
            && i.description == self.description
            && i.bookable_online == self.bookable_online
            && self.floor.as_ref().is_none_or(|f| {
                f.walk_in_quota == i.walk_in_quota
                    && f.target_wait_minutes == i.target_wait_minutes
                    && f.avg_service_minutes == i.avg_service_minutes
            })
            && self.active.is_none_or(|a| a == i.active)
    }
}

/// Writes an item (and its materials, when the value carries them).
pub fn write_item(
    conn: &mut DbConn,
    hall: HallId,
    target: Target<ServiceId>,
    v: &ValidItem,
) -> Result<(ServiceId, Written), SaveError> {
    write_transaction(conn, |conn| {
        department_of_hall(conn, hall, v.department)?;
        let holder: Option<ServiceItem> = service_items::table
            .filter(
                service_items::hall_id
                    .eq(hall)
                    .and(service_items::code.eq(&v.code)),
            )
            .select(ServiceItem::as_select())
            .first(conn)
            .optional()?;
        let id = resolve(
            target,
            holder.as_ref().map(|i| i.id),
            ("code", "admin-error-code-taken"),
        )?;
        let values = (
            service_items::code.eq(&v.code),
            service_items::name.eq(&v.name),
            service_items::department_id.eq(v.department),
            service_items::category.eq(v.category.as_str()),
            service_items::delivery.eq(v.delivery.as_str()),
            service_items::legal_days.eq(v.legal_days),
            service_items::promised_days.eq(v.promised_days),
            service_items::fee.eq(&v.fee),
            service_items::subject.eq(v.subject.as_str()),
            service_items::description.eq(&v.description),
            service_items::bookable_online.eq(v.bookable_online),
        );
        let (id, mut written) = match id {
            None => {
                let id = diesel::insert_into(service_items::table)
                    .values((service_items::hall_id.eq(hall), values))
                    .returning(service_items::id)
                    .get_result(conn)?;
                (id, Written::Created)
            }
            Some(id) if holder.as_ref().is_some_and(|i| i.id == id && v.same_as(i)) => {
                (id, Written::Unchanged)
            }
            Some(id) => {
                let n = diesel::update(
                    service_items::table
                        .find(id)
                        .filter(service_items::hall_id.eq(hall)),
                )
                .set(values)
                .execute(conn)?;
                if n == 0 {
                    return Err(SaveError::NotFound);
                }
                (id, Written::Updated)
            }
        };
        if written != Written::Unchanged {
            if let Some(f) = &v.floor {
                diesel::update(service_items::table.find(id))
                    .set((
                        service_items::walk_in_quota.eq(f.walk_in_quota),
                        service_items::target_wait_minutes.eq(f.target_wait_minutes),
                        service_items::avg_service_minutes.eq(f.avg_service_minutes),
                    ))
                    .execute(conn)?;
            }
            if let Some(active) = v.active {
                diesel::update(service_items::table.find(id))
                    .set(service_items::active.eq(active))
                    .execute(conn)?;
            }
        }
        if let Some(list) = &v.materials
            && write_materials(conn, id, list)?
            && written == Written::Unchanged
        {
            written = Written::Updated;
        }
        Ok((id, written))
    })
}

/// The item form's save: validate, then write the item and its materials.
pub fn save_item(
    conn: &mut DbConn,
    hall: HallId,
    id: Option<ServiceId>,
    f: &ItemForm,
    allowed: &dyn Fn(DepartmentId) -> bool,
) -> Result<ServiceId, SaveError> {
    let v = f
        .validate(id.is_some(), allowed)
        .map_err(SaveError::Invalid)?;
    let target = id.map_or(Target::New, Target::Existing);
    Ok(write_item(conn, hall, target, &v)?.0)
}

// ----- materials -----

#[derive(Debug, Clone, PartialEq)]
pub struct MaterialLine {
    pub name: String,
    pub form: MaterialForm,
    pub copies: String,
    pub note: String,
}

/// The most materials one item may list.
const MAX_MATERIALS: usize = 60;

impl MaterialLine {
    /// One material: a name of at most 200 characters; the form by its
    /// label or code (empty: the original).
    pub fn new(
        name: &str,
        form: &str,
        copies: &str,
        note: &str,
    ) -> Result<MaterialLine, &'static str> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err("admin-error-material");
        }
        let form = match form.trim() {
            "" => MaterialForm::Original,
            f => MaterialForm::from_label(f).ok_or("admin-error-material-form")?,
        };
        Ok(MaterialLine {
            name: name.to_string(),
            form,
            copies: text::clean_line(copies, 50),
            note: text::clean_line(note, 200),
        })
    }

    fn of(m: &Material) -> MaterialLine {
        MaterialLine {
            name: m.name.clone(),
            form: m.form,
            copies: m.copies.clone(),
            note: m.note.clone(),
        }
    }
}

/// Reads the 一次性告知 list, one material a line, in order.
pub fn parse_materials(text: &str) -> Result<Vec<MaterialLine>, &'static str> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or("");
        out.push(MaterialLine::new(part(0), part(1), part(2), part(3))?);
    }
    if out.len() > MAX_MATERIALS {
        return Err("admin-error-too-long");
    }
    Ok(out)
}

pub fn materials_text(list: &[Material]) -> String {
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

/// Gives the item exactly these materials, in order; whether they changed.
pub fn write_materials(
    conn: &mut DbConn,
    item: ServiceId,
    list: &[MaterialLine],
) -> Result<bool, SaveError> {
    if list.len() > MAX_MATERIALS {
        return Err(SaveError::Invalid(vec![(
            "materials",
            "admin-error-too-long",
        )]));
    }
    let current: Vec<Material> = service_materials::table
        .filter(service_materials::service_id.eq(item))
        .order(service_materials::position)
        .select(Material::as_select())
        .load(conn)?;
    if current
        .iter()
        .map(MaterialLine::of)
        .eq(list.iter().cloned())
    {
        return Ok(false);
    }
    diesel::delete(service_materials::table.filter(service_materials::service_id.eq(item)))
        .execute(conn)?;
    let rows: Vec<NewMaterial> = list
        .iter()
        .enumerate()
        .map(|(i, m)| NewMaterial {
            service_id: item,
            position: i as i32 + 1,
            name: m.name.clone(),
            form: m.form,
            copies: m.copies.clone(),
            note: m.note.clone(),
        })
        .collect();
    // Multi-row inserts do not compile through `MultiConnection`.
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(service_materials::table)
            .values(rows)
            .execute(c)?,
        DbConn::Pg(c) => diesel::insert_into(service_materials::table)
            .values(rows)
            .execute(c)?,
    };
    Ok(true)
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
