//! The catalogue's JSON objects as `/api/v1` answers them (and the OpenAPI
//! document describes them).

use serde::Serialize;
use utoipa::ToSchema;

use super::models::{
    Category, Delivery, FileKind, MaterialForm, Medium, Necessity, ServiceGuide, Source, Subject,
};
use crate::db::ids::{DepartmentId, FileId, HallId, ServiceId, WindowId};
use crate::hall::models::HallLevel;

#[derive(Serialize, ToSchema)]
#[schema(as = Hall)]
pub struct HallJson {
    pub id: HallId,
    #[schema(example = "150300")]
    pub code: String,
    #[schema(example = "乌海市民服务中心")]
    pub name: String,
    pub level: HallLevel,
    pub parent_id: Option<HallId>,
    pub address: String,
    pub phone: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Department)]
pub struct DepartmentJson {
    pub id: DepartmentId,
    pub hall_id: HallId,
    pub code: String,
    #[schema(example = "乌海市公安局")]
    pub name: String,
    #[schema(example = "公安")]
    pub short_name: String,
    pub phone: String,
    pub window_count: i64,
    pub service_count: i64,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Window)]
pub struct WindowJson {
    pub id: WindowId,
    pub hall_id: HallId,
    pub number: i32,
    pub name: String,
    pub department_id: DepartmentId,
    pub zone: String,
    pub floor: i32,
    pub service_ids: Vec<ServiceId>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Service)]
pub struct ServiceJson {
    pub id: ServiceId,
    pub hall_id: HallId,
    pub code: String,
    #[schema(example = "居民身份证换领")]
    pub name: String,
    pub department_id: DepartmentId,
    pub category: Category,
    pub delivery: Delivery,
    /// Working days the hall promises (承诺时限).
    pub promised_days: i32,
    /// Working days the law allows (法定时限).
    pub legal_days: i32,
    pub subject: Subject,
    /// Whether a resident can book it online now: the item allows it and
    /// an open window serves it.
    pub bookable_online: bool,
}

impl ServiceJson {
    /// `served`: whether an active window serves it; an item nobody serves
    /// is not offered for booking.
    pub fn of(i: super::models::ServiceItem, served: bool) -> Self {
        ServiceJson {
            id: i.id,
            hall_id: i.hall_id,
            code: i.code,
            name: i.name,
            department_id: i.department_id,
            category: i.category,
            delivery: i.delivery,
            promised_days: i.promised_days,
            legal_days: i.legal_days,
            subject: i.subject,
            bookable_online: i.bookable_online && served,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = Material)]
pub struct MaterialJson {
    pub position: i32,
    pub name: String,
    pub form: MaterialForm,
    pub copies: String,
    pub note: String,
    pub medium: Medium,
    pub necessity: Necessity,
    pub source: Source,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ServiceFile)]
pub struct FileJson {
    pub id: FileId,
    pub kind: FileKind,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ServingWindow)]
pub struct WindowRefJson {
    pub id: WindowId,
    pub number: i32,
    pub name: String,
    pub zone: String,
    pub floor: i32,
    pub comprehensive: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ServiceDetail)]
pub struct ServiceDetailJson {
    #[serde(flatten)]
    pub item: ServiceJson,
    pub department_name: String,
    pub fee: String,
    pub description: String,
    pub department_phone: String,
    pub complaint_phone: String,
    /// The 办事指南 fields: legal basis, conditions, visits, online,
    /// by post, scope, fee basis, result and its delivery.
    #[serde(flatten)]
    pub guide: ServiceGuide,
    pub materials: Vec<MaterialJson>,
    pub files: Vec<FileJson>,
    pub window_numbers: Vec<i32>,
    pub windows: Vec<WindowRefJson>,
}
