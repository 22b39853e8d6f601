//! `/admin/items`: the hall's service items and their 一次性告知 materials.

use actix_web::web;
use askama::Template;
use diesel::prelude::*;

use super::Scope;
use super::editor::{self, At, Editor, ListQuery};
use crate::catalog::edit::{GuideForm, ItemForm, SaveError, materials_text, save_item};
use crate::catalog::models::{
    Category, Delivery, Department, Scope as GuideScope, ServiceFile, ServiceGuide, ServiceItem,
    Subject,
};
use crate::catalog::repo as catalog_repo;
use crate::db::DbConn;
use crate::db::ids::ServiceId;
use crate::db::schema::service_items;
use crate::error::AppResult;
use crate::hall::models::Hall;
use crate::web::PageCtx;
use crate::web::forms::FormErrors;

#[derive(Template)]
#[template(path = "admin/items.html")]
pub struct ItemsPage {
    ctx: PageCtx,
    hall: Hall,
    halls: Vec<Hall>,
    rows: Vec<ServiceItem>,
    departments: Vec<Department>,
    department: Option<i32>,
    q: String,
    saved: bool,
    /// Active items of this list that no active window serves.
    unserved: Vec<ServiceItem>,
}

#[derive(Template)]
#[template(path = "admin/item_form.html")]
pub struct ItemFormPage {
    ctx: PageCtx,
    hall: Hall,
    id: Option<i32>,
    form: ItemForm,
    errors: FormErrors,
    departments: Vec<Department>,
    files: Vec<ServiceFile>,
}

impl ItemFormPage {
    fn scopes(&self) -> Vec<(String, String)> {
        GuideScope::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label(self.ctx.lang)))
            .collect()
    }
    fn categories(&self) -> Vec<(String, String)> {
        Category::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label(self.ctx.lang)))
            .collect()
    }
    fn deliveries(&self) -> Vec<(String, String)> {
        Delivery::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label(self.ctx.lang)))
            .collect()
    }
    fn subjects(&self) -> Vec<(String, String)> {
        Subject::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), c.label(self.ctx.lang)))
            .collect()
    }
}

pub struct Items;

impl Editor for Items {
    type Id = ServiceId;
    type Form = ItemForm;
    type List = ItemsPage;
    type Page = ItemFormPage;
    const LIST: &'static str = "/admin/items";
    const ACTION: &'static str = "admin.item.save";
    const TARGET: &'static str = "service";
    const ADMIN_CREATES: bool = false;

    fn list(
        conn: &mut DbConn,
        scope: &Scope,
        hall: Hall,
        q: &ListQuery,
        ctx: PageCtx,
    ) -> AppResult<ItemsPage> {
        let departments = scope.departments(conn, hall.id)?;
        let chosen = scope
            .department()
            .or_else(|| q.department.as_deref().and_then(|d| d.parse().ok()));
        let text = crate::text::clean_line(&q.q.clone().unwrap_or_default(), 50);
        let mut query = service_items::table
            .filter(service_items::hall_id.eq(hall.id))
            .order(service_items::code)
            .into_boxed();
        if let Some(d) = chosen {
            query = query.filter(service_items::department_id.eq(d));
        }
        if !text.trim().is_empty() {
            let p = crate::catalog::search::contains_pattern(text.trim());
            query = query.filter(
                service_items::name
                    .like(p.clone())
                    .escape('\\')
                    .or(service_items::code.like(p.to_uppercase()).escape('\\')),
            );
        }
        let rows = query
            .limit(500)
            .select(ServiceItem::as_select())
            .load(conn)?;
        let halls = scope.halls(conn)?;
        let served = crate::catalog::repo::served_services(conn, Some(hall.id))?;
        let unserved = rows
            .iter()
            .filter(|i| i.active && !served.contains(&i.id))
            .cloned()
            .collect();
        Ok(ItemsPage {
            unserved,
            ctx,
            hall,
            halls,
            rows,
            departments,
            department: chosen.map(|d| d.0),
            q: text,
            saved: q.saved.is_some(),
        })
    }

    fn load(conn: &mut DbConn, scope: &Scope, id: ServiceId) -> AppResult<(ItemForm, Hall)> {
        let (i, hall) = scope.own_item(conn, id)?;
        let materials = materials_text(&catalog_repo::materials_of(conn, i.id)?);
        let guide = GuideForm::of(&catalog_repo::guide_of(conn, i.id)?);
        let form = ItemForm {
            code: i.code,
            name: i.name,
            department_id: i.department_id.to_string(),
            category: i.category.as_str().into(),
            delivery: i.delivery.as_str().into(),
            legal_days: i.legal_days.to_string(),
            promised_days: i.promised_days.to_string(),
            fee: i.fee,
            subject: i.subject.as_str().into(),
            description: i.description,
            bookable_online: i.bookable_online.then(|| "on".into()),
            walk_in_quota: i.walk_in_quota.map(|q| q.to_string()).unwrap_or_default(),
            target_wait_minutes: i
                .target_wait_minutes
                .map(|q| q.to_string())
                .unwrap_or_default(),
            avg_service_minutes: i.avg_service_minutes.to_string(),
            active: i.active.then(|| "on".into()),
            max_extension_days: i.max_extension_days.to_string(),
            supplement_stops_clock: i.supplement_stops_clock.then(|| "on".into()),
            materials,
            guide,
        };
        Ok((form, hall))
    }

    fn hall_of(conn: &mut DbConn, scope: &Scope, id: ServiceId) -> AppResult<Hall> {
        Ok(scope.own_item(conn, id)?.1)
    }

    fn blank(scope: &Scope) -> ItemForm {
        ItemForm {
            active: Some("on".into()),
            bookable_online: Some("on".into()),
            category: "public_service".into(),
            delivery: "on_the_spot".into(),
            subject: "person".into(),
            legal_days: "0".into(),
            promised_days: "0".into(),
            avg_service_minutes: "10".into(),
            max_extension_days: "10".into(),
            department_id: scope
                .department()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            materials: "申请人居民身份证 | 原件".into(),
            guide: GuideForm::of(&ServiceGuide::default()),
            ..Default::default()
        }
    }

    fn save(
        conn: &mut DbConn,
        at: &At<ServiceId>,
        form: &ItemForm,
    ) -> Result<ServiceId, SaveError> {
        save_item(conn, at.hall.id, at.id, form, &|d| at.scope.owns(d))
    }

    fn page(
        conn: &mut DbConn,
        at: &At<ServiceId>,
        ctx: PageCtx,
        form: ItemForm,
        errors: FormErrors,
    ) -> AppResult<ItemFormPage> {
        Ok(ItemFormPage {
            departments: at.scope.departments(conn, at.hall.id)?,
            ctx,
            hall: at.hall.clone(),
            id: at.id.map(|i| i.0),
            files: match at.id {
                Some(i) => catalog_repo::files_of(conn, i)?,
                None => Vec::new(),
            },
            form,
            errors,
        })
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    editor::routes::<Items>(cfg);
}
