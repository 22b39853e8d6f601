//! View structs for the catalogue pages: everything a template shows is
//! computed here, in the visitor's language.

use std::sync::Arc;

use askama::Template;
use chrono::{Datelike, NaiveDate};

use crate::catalog::models::{
    Category, Department, Material, ServiceFile, ServiceGuide, ServiceItem,
};
use crate::catalog::repo::{DepartmentSummary, HallFigures, WindowPlace};
use crate::catalog::snapshot::HallCatalogue;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, ServiceId};
use crate::error::AppError;
use crate::hall::calendar::WorkCalendar;
use crate::hall::models::{DayKind, Hall, OpeningHours};
use crate::hall::repo as hall_repo;
use crate::i18n::Lang;
use crate::web::PageCtx;

/// "11月28日 星期六" / "Sat 28 Nov".
pub fn date_label(lang: Lang, date: NaiveDate) -> String {
    let weekday = lang.t(&format!("weekday-{}", date.weekday().number_from_monday()));
    match lang {
        Lang::Zh => format!("{}月{}日 {}", date.month(), date.day(), weekday),
        Lang::En => format!(
            "{} {} {}",
            weekday,
            date.day(),
            lang.t(&format!("month-{}", date.month()))
        ),
    }
}

pub fn hours_label(lang: Lang, hours: Option<&OpeningHours>) -> String {
    match hours.map(|h| h.sessions()).filter(|s| !s.is_empty()) {
        Some(sessions) => sessions
            .iter()
            .map(|(s, e)| format!("{}–{}", s.format("%H:%M"), e.format("%H:%M")))
            .collect::<Vec<_>>()
            .join(" "),
        None => lang.t("hours-closed"),
    }
}

pub struct WeekRow {
    pub day: String,
    pub hours: String,
}

pub struct Closure {
    pub date: String,
    pub name: String,
    pub open: bool,
}

/// Opening hours, today's status and the coming holidays / 调休 days.
pub struct HallSchedule {
    pub today: String,
    pub open_today: bool,
    pub today_hours: String,
    pub week: Vec<WeekRow>,
    pub coming: Vec<Closure>,
}

impl HallSchedule {
    pub fn load(
        conn: &mut DbConn,
        hall: &Hall,
        today: NaiveDate,
        ctx: &PageCtx,
    ) -> Result<Self, AppError> {
        let week_hours = hall_repo::opening_hours_of(conn, hall.id)?;
        let days = hall_repo::calendar_between(conn, today, today + chrono::Duration::days(45))?;
        let calendar = WorkCalendar::new(&days);
        let today_hours = calendar.hours_on(today, &week_hours);
        let week = (1..=7)
            .map(|wd| WeekRow {
                day: ctx.t(&format!("weekday-{wd}")),
                hours: hours_label(ctx.lang, week_hours.iter().find(|h| h.weekday == wd)),
            })
            .collect();
        let coming = days
            .iter()
            .map(|d| Closure {
                date: date_label(ctx.lang, d.day),
                name: d.name.clone(),
                open: d.kind == DayKind::Workday,
            })
            .collect();
        Ok(HallSchedule {
            today: date_label(ctx.lang, today),
            open_today: today_hours.is_some(),
            today_hours: hours_label(ctx.lang, today_hours),
            week,
            coming,
        })
    }
}

#[derive(Template)]
#[template(path = "catalog/home.html")]
pub struct HomePage {
    pub ctx: PageCtx,
    pub hall: Hall,
    pub figures: HallFigures,
    pub departments: Vec<DepartmentSummary>,
    pub schedule: HallSchedule,
}

/// One line of a list of items.
pub struct ServiceRow {
    pub id: ServiceId,
    pub code: String,
    pub name: String,
    pub department: String,
    pub category: String,
    pub time_limit: String,
    pub bookable: bool,
}

impl ServiceRow {
    pub fn build(
        items: Vec<ServiceItem>,
        departments: &[DepartmentSummary],
        served: &std::collections::HashSet<crate::db::ids::ServiceId>,
        ctx: &PageCtx,
    ) -> Vec<ServiceRow> {
        items
            .into_iter()
            .map(|i| ServiceRow {
                department: departments
                    .iter()
                    .find(|d| d.department.id == i.department_id)
                    .map(|d| d.department.short_name.clone())
                    .unwrap_or_default(),
                category: i.category.label(ctx.lang),
                time_limit: i.time_limit(ctx.lang),
                bookable: i.bookable_online && served.contains(&i.id),
                id: i.id,
                code: i.code,
                name: i.name,
            })
            .collect()
    }
}

impl ServiceRow {
    /// Rows of a kept hall catalogue, by position, labelled in `lang`.
    pub fn from_kept(
        catalogue: &HallCatalogue,
        positions: &[usize],
        lang: Lang,
    ) -> Vec<ServiceRow> {
        let texts = catalogue.texts(lang);
        positions
            .iter()
            .filter_map(|&i| Some((catalogue.items.get(i)?, texts.get(i)?)))
            .map(|((item, ..), t)| ServiceRow {
                id: item.id,
                code: item.code.clone(),
                name: item.name.clone(),
                department: catalogue
                    .department_name(item.department_id)
                    .unwrap_or_default()
                    .to_string(),
                category: t.category.clone(),
                time_limit: t.time_limit.clone(),
                bookable: item.bookable_online && catalogue.served.contains(&item.id),
            })
            .collect()
    }
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "catalog/services.html")]
pub struct ServicesPage {
    pub ctx: PageCtx,
    pub hall: Hall,
    pub halls: Arc<Vec<Hall>>,
    pub catalogue: Arc<HallCatalogue>,
    pub rows: Vec<ServiceRow>,
    /// When nothing answers the query: the items nearest to it.
    pub nearest: Vec<ServiceRow>,
    pub q: String,
    pub department: Option<DepartmentId>,
    pub category: Option<Category>,
}

impl ServicesPage {
    pub fn department_options(&self) -> Vec<SelectOption> {
        self.catalogue
            .departments
            .iter()
            .map(|d| SelectOption {
                value: d.department.id.to_string(),
                label: d.department.name.clone(),
                selected: self.department == Some(d.department.id),
            })
            .collect()
    }

    pub fn category_options(&self) -> Vec<SelectOption> {
        Category::ALL
            .iter()
            .map(|c| SelectOption {
                value: c.as_str().to_string(),
                label: c.label(self.ctx.lang),
                selected: self.category == Some(*c),
            })
            .collect()
    }

    pub fn hall_options(&self) -> Vec<SelectOption> {
        crate::hall::models::picker(&self.halls, self.hall.id)
            .into_iter()
            .map(|h| SelectOption {
                value: h.id.to_string(),
                label: h.name.clone(),
                selected: h.id == self.hall.id,
            })
            .collect()
    }

    pub fn filtered(&self) -> bool {
        !self.q.is_empty() || self.department.is_some() || self.category.is_some()
    }
}

/// The facts of an item's 办事指南, as label / value pairs: what a resident
/// weighs first, then the particulars (codes, legal basis) folded away.
pub struct ServiceFacts {
    pub rows: Vec<(String, String)>,
    pub particulars: Vec<(String, String)>,
}

impl ServiceFacts {
    pub fn build(
        item: &ServiceItem,
        guide: &ServiceGuide,
        department: &Department,
        bookable: bool,
        ctx: &PageCtx,
    ) -> Self {
        let free = item.fee.is_empty() || item.fee == "免费";
        let fee = if free {
            ctx.t("fee-free")
        } else {
            item.fee.clone()
        };
        let bookable = if bookable {
            ctx.t("bookable-yes")
        } else if item.bookable_online {
            ctx.t("bookable-no-window")
        } else {
            ctx.t("bookable-no")
        };
        let mut rows = vec![
            (ctx.t("fact-promised"), item.time_limit(ctx.lang)),
            (ctx.t("fact-legal"), item.legal_limit(ctx.lang)),
            (ctx.t("fact-fee"), fee),
        ];
        if !free && !guide.fee_basis.is_empty() {
            rows.push((ctx.t("guide-fee-basis"), guide.fee_basis.clone()));
        }
        for (key, value) in [
            ("guide-result", &guide.result),
            ("guide-result-delivery", &guide.result_delivery),
            ("guide-conditions", &guide.conditions),
        ] {
            if !value.is_empty() {
                rows.push((ctx.t(key), value.clone()));
            }
        }
        rows.push((ctx.t("fact-online"), bookable));
        let mut particulars = vec![
            (ctx.t("guide-authority"), department.name.clone()),
            (ctx.t("fact-code"), item.code.clone()),
            (ctx.t("fact-category"), item.category.label(ctx.lang)),
            (ctx.t("fact-delivery"), item.delivery.label(ctx.lang)),
            (ctx.t("fact-subject"), item.subject.label(ctx.lang)),
            (ctx.t("guide-scope"), guide.scope.label(ctx.lang)),
        ];
        if !guide.legal_basis.is_empty() {
            particulars.push((ctx.t("guide-legal-basis"), guide.legal_basis.clone()));
        }
        ServiceFacts { rows, particulars }
    }
}

#[derive(Template)]
#[template(path = "catalog/service.html")]
pub struct ServicePage {
    pub ctx: PageCtx,
    pub item: ServiceItem,
    pub guide: ServiceGuide,
    pub facts: ServiceFacts,
    pub department: Department,
    pub hall: Hall,
    pub materials: Vec<Material>,
    pub files: Vec<ServiceFile>,
    pub windows: Vec<WindowPlace>,
    pub schedule: HallSchedule,
    /// Bookable online now: the item allows it and a window serves it.
    pub bookable: bool,
}

impl ServicePage {
    /// "原件 · 1份 · 纸质".
    pub fn material_form(&self, m: &Material) -> String {
        let mut parts = vec![m.form.label(self.ctx.lang)];
        if !m.copies.is_empty() {
            parts.push(m.copies.clone());
        }
        parts.push(m.medium.label(self.ctx.lang));
        parts.join(" · ")
    }

    pub fn file_size(&self, f: &ServiceFile) -> String {
        let kb = (f.size_bytes + 1023) / 1024;
        if kb >= 1024 {
            format!("{:.1} MB", f64::from(kb) / 1024.0)
        } else {
            format!("{kb} KB")
        }
    }
}

#[derive(Template)]
#[template(path = "catalog/departments.html")]
pub struct DepartmentsPage {
    pub ctx: PageCtx,
    pub hall: Hall,
    pub departments: Vec<DepartmentSummary>,
}

#[derive(Template)]
#[template(path = "catalog/department.html")]
pub struct DepartmentPage {
    pub ctx: PageCtx,
    pub department: Department,
    pub hall: Hall,
    pub windows: Vec<WindowPlace>,
    pub rows: Vec<ServiceRow>,
}

pub struct HallEntry {
    pub depth: usize,
    /// Halls under this one when the network is shown level by level.
    pub below: usize,
    pub hall: Hall,
    pub figures: HallFigures,
}

impl HallEntry {
    pub fn level_key(&self) -> String {
        format!("level-{}", self.hall.level.as_str())
    }
}

#[derive(Template)]
#[template(path = "catalog/halls.html")]
pub struct HallsPage {
    pub ctx: PageCtx,
    pub entries: Vec<HallEntry>,
}
