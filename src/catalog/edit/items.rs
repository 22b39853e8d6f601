//! Service items and their 一次性告知 materials.

use diesel::prelude::*;

use super::guide::{GuideForm, write_guide};
use super::materials::{MaterialLine, parse_materials, write_materials};
use super::{SaveError, Target, Written, active_box, department_of_hall, resolve};
use crate::catalog::labels::ZhLabel;
use crate::catalog::models::{Category, Delivery, ServiceGuide, ServiceItem, Subject};
use crate::db::ids::{DepartmentId, HallId, ServiceId};
use crate::db::schema::service_items;
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
    #[serde(default)]
    pub max_extension_days: String,
    pub supplement_stops_clock: Option<String>,
    /// One material a line: `name | form | copies | note`.
    #[serde(default)]
    pub materials: String,
    #[serde(flatten)]
    pub guide: GuideForm,
}

/// How the hall floor handles an item: walk-in quota, target wait, the
/// average service time the estimates use.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub walk_in_quota: Option<i32>,
    pub target_wait_minutes: Option<i32>,
    pub avg_service_minutes: i32,
}

/// The item's own rules for a case's clock (行政许可法 Art. 42, 45): the
/// most working days one extension may add (0: none allowed), and whether
/// a 补正 after acceptance stops the clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockRules {
    pub max_extension_days: i32,
    pub supplement_stops_clock: bool,
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
    /// `None` (spreadsheets do not carry them): left as they are.
    pub clock: Option<ClockRules>,
    /// `None` (an older 事项清单 without these columns): left as they are.
    pub guide: Option<ServiceGuide>,
    pub materials: Option<Vec<MaterialLine>>,
    pub active: Option<bool>,
}

pub(super) fn choice<T: ZhLabel>(
    e: &mut FieldErrors,
    field: &'static str,
    value: &str,
) -> Option<T> {
    let v = T::from_label(value);
    if v.is_none() {
        e.push((field, "admin-error-choice"));
    }
    v
}

impl ItemForm {
    fn floor(&self, e: &mut FieldErrors) -> Floor {
        Floor {
            walk_in_quota: text::optional_number(
                e,
                "walk_in_quota",
                &self.walk_in_quota,
                0,
                10_000,
            ),
            target_wait_minutes: text::optional_number(
                e,
                "target_wait_minutes",
                &self.target_wait_minutes,
                1,
                600,
            ),
            avg_service_minutes: text::optional_number(
                e,
                "avg_service_minutes",
                &self.avg_service_minutes,
                1,
                240,
            )
            .unwrap_or(10),
        }
    }

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
        let floor = self.floor(&mut e);
        let clock = ClockRules {
            // Left empty: the law's own +10 working days.
            max_extension_days: text::optional_number(
                &mut e,
                "max_extension_days",
                &self.max_extension_days,
                0,
                60,
            )
            .unwrap_or(10),
            supplement_stops_clock: self.supplement_stops_clock.is_some(),
        };
        let guide = self.guide.validate(&mut e);
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
                    clock: Some(clock),
                    guide,
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
            && self.clock.is_none_or(|c| {
                c.max_extension_days == i.max_extension_days
                    && c.supplement_stops_clock == i.supplement_stops_clock
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
            write_floor_and_active(conn, id, v)?;
        }
        if let Some(g) = &v.guide
            && crate::catalog::repo::guide_of(conn, id)? != *g
        {
            write_guide(conn, id, g)?;
            if written == Written::Unchanged {
                written = Written::Updated;
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

/// What only the form carries: the hall-floor settings, the clock rules and
/// the active flag.
fn write_floor_and_active(conn: &mut DbConn, id: ServiceId, v: &ValidItem) -> QueryResult<()> {
    if let Some(f) = &v.floor {
        diesel::update(service_items::table.find(id))
            .set((
                service_items::walk_in_quota.eq(f.walk_in_quota),
                service_items::target_wait_minutes.eq(f.target_wait_minutes),
                service_items::avg_service_minutes.eq(f.avg_service_minutes),
            ))
            .execute(conn)?;
    }
    if let Some(c) = &v.clock {
        diesel::update(service_items::table.find(id))
            .set((
                service_items::max_extension_days.eq(c.max_extension_days),
                service_items::supplement_stops_clock.eq(c.supplement_stops_clock),
            ))
            .execute(conn)?;
    }
    if let Some(active) = v.active {
        diesel::update(service_items::table.find(id))
            .set(service_items::active.eq(active))
            .execute(conn)?;
    }
    Ok(())
}
