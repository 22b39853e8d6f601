use diesel::prelude::*;
use serde::Serialize;

use crate::db::ids::{DepartmentId, FileId, HallId, MaterialId, ServiceId, WindowId, ZoneId};
use crate::db::schema::{
    departments, service_files, service_items, service_materials, window_services, windows,
};
use crate::i18n::Lang;
use crate::text_enum;

text_enum!(
    /// 行政许可 / 行政确认 / 行政给付 / 公共服务 / 其他
    Category {
        Licensing = "licensing",
        Confirmation = "confirmation",
        Benefit = "benefit",
        PublicService = "public_service",
        Other = "other",
    }
);

text_enum!(
    /// 即办件 (finished on the spot) or 承诺件 (finished within promised days).
    Delivery {
        OnTheSpot = "on_the_spot",
        Promised = "promised",
    }
);

text_enum!(
    /// Who applies: a natural person (自然人) or a legal entity (法人).
    Subject {
        Person = "person",
        LegalEntity = "legal_entity",
    }
);

text_enum!(
    /// How a material is presented: 原件, 复印件 or both.
    MaterialForm {
        Original = "original",
        Copy = "copy",
        OriginalAndCopy = "original_and_copy",
    }
);

text_enum!(
    /// 通办范围: where else the item can be handled.
    Scope {
        City = "city",
        Region = "region",
        CrossProvince = "cross_province",
    }
);

text_enum!(
    /// Whether a material is handed in on paper, electronically, or either.
    Medium {
        Paper = "paper",
        Electronic = "electronic",
        Either = "either",
    }
);

text_enum!(
    /// 必要性: always needed, may follow later (容缺), or only in a stated
    /// situation (情形).
    Necessity {
        Required = "required",
        Deferrable = "deferrable",
        Conditional = "conditional",
    }
);

text_enum!(
    /// 来源渠道: who produces the document.
    Source {
        Applicant = "applicant",
        Government = "government",
        Agency = "agency",
        Shared = "shared",
    }
);

/// Labels come from the translation layer: `category-licensing`, …
macro_rules! labelled {
    ($($ty:ident => $prefix:literal),*) => {$(
        impl $ty {
            pub fn label_key(self) -> String {
                format!(concat!($prefix, "-{}"), self.as_str())
            }
            pub fn label(self, lang: Lang) -> String {
                lang.t(&self.label_key())
            }
        }
    )*};
}
labelled!(
    Category => "category", Delivery => "delivery", Subject => "subject", MaterialForm => "form",
    Scope => "scope", Medium => "medium", Necessity => "necessity", Source => "source",
    FileKind => "file-kind"
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = departments)]
pub struct Department {
    pub id: DepartmentId,
    pub hall_id: HallId,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub phone: String,
    pub sort_order: i32,
    pub active: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = departments)]
pub struct NewDepartment<'a> {
    pub hall_id: HallId,
    pub code: &'a str,
    pub name: &'a str,
    pub short_name: &'a str,
    pub phone: &'a str,
    pub sort_order: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = windows)]
pub struct Window {
    pub id: WindowId,
    pub hall_id: HallId,
    pub number: i32,
    pub name: String,
    pub zone_id: ZoneId,
    pub department_id: DepartmentId,
    pub active: bool,
    pub paused: bool,
    pub current_clerk_id: Option<crate::db::ids::AccountId>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = windows)]
pub struct NewWindow<'a> {
    pub hall_id: HallId,
    pub number: i32,
    pub name: &'a str,
    pub zone_id: ZoneId,
    pub department_id: DepartmentId,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = service_items)]
pub struct ServiceItem {
    pub id: ServiceId,
    pub hall_id: HallId,
    pub department_id: DepartmentId,
    pub code: String,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub category: Category,
    #[diesel(deserialize_as = String)]
    pub delivery: Delivery,
    pub legal_days: i32,
    pub promised_days: i32,
    pub fee: String,
    #[diesel(deserialize_as = String)]
    pub subject: Subject,
    pub description: String,
    pub bookable_online: bool,
    pub active: bool,
    pub walk_in_quota: Option<i32>,
    pub target_wait_minutes: Option<i32>,
    pub avg_service_minutes: i32,
    /// How many working days a case's limit may be extended by (Art. 42).
    pub max_extension_days: i32,
    /// Whether a 补正 after acceptance stops the case's clock.
    pub supplement_stops_clock: bool,
}

impl ServiceItem {
    /// "当场办结" or "承诺 5 个工作日" in the visitor's language.
    pub fn time_limit(&self, lang: Lang) -> String {
        match self.delivery {
            Delivery::OnTheSpot => lang.t("time-limit-on-the-spot"),
            Delivery::Promised => lang.tn("time-limit-promised", self.promised_days.into()),
        }
    }

    pub fn legal_limit(&self, lang: Lang) -> String {
        if self.legal_days > 0 {
            lang.tn("time-limit-legal", self.legal_days.into())
        } else {
            lang.t("time-limit-none")
        }
    }
}

/// The 办事指南 fields of the national 实施清单 beyond the item's basics:
/// what a resident needs to know before the trip.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = service_items)]
pub struct ServiceGuide {
    /// 设定依据
    pub legal_basis: String,
    /// 受理条件
    pub conditions: String,
    /// 到办事现场次数: 0 零跑腿, 1 最多跑一次, more when the law requires.
    pub visits: i32,
    /// 是否网办
    pub online: bool,
    /// 是否支持物流快递 (证照寄递)
    pub by_post: bool,
    #[diesel(deserialize_as = String)]
    pub scope: Scope,
    /// 收费依据 (the 收费标准 is the item's `fee`)
    pub fee_basis: String,
    /// 审批结果: the certificate or document the applicant receives.
    pub result: String,
    /// How the result reaches the applicant.
    pub result_delivery: String,
}

impl Default for ServiceGuide {
    fn default() -> Self {
        ServiceGuide {
            legal_basis: String::new(),
            conditions: String::new(),
            visits: 1,
            online: false,
            by_post: false,
            scope: Scope::City,
            fee_basis: String::new(),
            result: String::new(),
            result_delivery: String::new(),
        }
    }
}

impl ServiceGuide {
    /// "零跑腿", "最多跑一次" or "需到现场 2 次".
    pub fn visits_label(&self, lang: Lang) -> String {
        match self.visits {
            0 => lang.t("visits-zero"),
            1 => lang.t("visits-one"),
            n => lang.tn("visits-more", n.into()),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = service_items)]
pub struct NewServiceItem<'a> {
    pub hall_id: HallId,
    pub department_id: DepartmentId,
    pub code: &'a str,
    pub name: &'a str,
    #[diesel(serialize_as = String)]
    pub category: Category,
    #[diesel(serialize_as = String)]
    pub delivery: Delivery,
    pub legal_days: i32,
    pub promised_days: i32,
    pub fee: &'a str,
    #[diesel(serialize_as = String)]
    pub subject: Subject,
    pub description: &'a str,
    pub bookable_online: bool,
}

/// One entry of the 一次性告知 list.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = service_materials)]
pub struct Material {
    pub id: MaterialId,
    pub service_id: ServiceId,
    pub position: i32,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub form: MaterialForm,
    pub copies: String,
    /// 填报须知: how to fill it in, or the situation it is needed in.
    pub note: String,
    #[diesel(deserialize_as = String)]
    pub medium: Medium,
    #[diesel(deserialize_as = String)]
    pub necessity: Necessity,
    #[diesel(deserialize_as = String)]
    pub source: Source,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = service_materials)]
pub struct NewMaterial {
    pub service_id: ServiceId,
    pub position: i32,
    pub name: String,
    #[diesel(serialize_as = String)]
    pub form: MaterialForm,
    pub copies: String,
    pub note: String,
    #[diesel(serialize_as = String)]
    pub medium: Medium,
    #[diesel(serialize_as = String)]
    pub necessity: Necessity,
    #[diesel(serialize_as = String)]
    pub source: Source,
}

text_enum!(
    /// A downloadable file of an item: a blank form or a filled-in example.
    FileKind {
        Blank = "blank",
        Sample = "sample",
    }
);

/// A file of an item, without its content (listed on the item page).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = service_files)]
pub struct ServiceFile {
    pub id: FileId,
    pub service_id: ServiceId,
    #[diesel(deserialize_as = String)]
    pub kind: FileKind,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
}

#[derive(Debug, Clone, Copy, Queryable, Selectable, Insertable)]
#[diesel(table_name = window_services)]
pub struct WindowService {
    pub window_id: WindowId,
    pub service_id: ServiceId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_value_has_a_label_in_both_languages() {
        let keys = Category::ALL
            .iter()
            .map(|c| c.label_key())
            .chain(Delivery::ALL.iter().map(|c| c.label_key()))
            .chain(Subject::ALL.iter().map(|c| c.label_key()))
            .chain(MaterialForm::ALL.iter().map(|c| c.label_key()))
            .chain(Scope::ALL.iter().map(|c| c.label_key()))
            .chain(Medium::ALL.iter().map(|c| c.label_key()))
            .chain(Necessity::ALL.iter().map(|c| c.label_key()))
            .chain(Source::ALL.iter().map(|c| c.label_key()))
            .chain(FileKind::ALL.iter().map(|c| c.label_key()));
        for key in keys {
            assert!(
                Lang::Zh.has(&key) && Lang::En.has(&key),
                "no label for {key}"
            );
        }
        assert_eq!(Category::Licensing.label(Lang::Zh), "行政许可");
    }
}
