//! The row of each catalogue file, with the file's Chinese headers.

use serde::{Deserialize, Serialize};

use super::Sheet;
use crate::catalog::edit::GuideForm;
use crate::catalog::labels::yes_no;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct DepartmentRow {
    #[serde(rename = "大厅")]
    pub hall: String,
    #[serde(rename = "编码")]
    pub code: String,
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "简称")]
    pub short_name: String,
    #[serde(rename = "咨询电话")]
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct WindowRow {
    #[serde(rename = "大厅")]
    pub hall: String,
    #[serde(rename = "窗口号")]
    pub number: i32,
    #[serde(rename = "名称")]
    pub name: String,
    #[serde(rename = "分区")]
    pub zone: String,
    #[serde(rename = "部门")]
    pub department: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct ItemRow {
    #[serde(rename = "大厅")]
    pub hall: String,
    #[serde(rename = "事项编码")]
    pub code: String,
    #[serde(rename = "事项名称")]
    pub name: String,
    #[serde(rename = "部门")]
    pub department: String,
    #[serde(rename = "事项类型")]
    pub category: String,
    #[serde(rename = "办件类型")]
    pub delivery: String,
    #[serde(rename = "法定时限")]
    pub legal_days: i32,
    #[serde(rename = "承诺时限")]
    pub promised_days: i32,
    #[serde(rename = "收费")]
    pub fee: String,
    #[serde(rename = "服务对象")]
    pub subject: String,
    #[serde(rename = "网上预约")]
    pub bookable_online: String,
    #[serde(rename = "事项说明")]
    pub description: String,
    // The 办事指南 columns; a file without them leaves the guide as it is
    // (not `flatten`: the csv crate would read "1" as a number there).
    #[serde(rename = "设定依据", default)]
    pub legal_basis: Option<String>,
    #[serde(rename = "受理条件", default)]
    pub conditions: Option<String>,
    #[serde(rename = "到现场次数", default)]
    pub visits: Option<String>,
    #[serde(rename = "网上办理", default)]
    pub online: Option<String>,
    #[serde(rename = "物流快递", default)]
    pub by_post: Option<String>,
    #[serde(rename = "通办范围", default)]
    pub scope: Option<String>,
    #[serde(rename = "收费依据", default)]
    pub fee_basis: Option<String>,
    #[serde(rename = "审批结果", default)]
    pub result: Option<String>,
    #[serde(rename = "结果送达", default)]
    pub result_delivery: Option<String>,
}

impl ItemRow {
    /// The 办事指南 cells as the item form reads them, or `None` when the
    /// file has none of them (empty cells count as absent); a 是/否 cell
    /// that is neither gives its column.
    pub fn guide_form(&self) -> Result<Option<GuideForm>, &'static str> {
        if self.guide_cells().iter().all(|c| c.is_none()) {
            return Ok(None);
        }
        let flag = |v: &Option<String>, column: &'static str| match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => yes_no(v).map(|b| b.then(String::new)).ok_or(column),
        };
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(Some(GuideForm {
            online: flag(&self.online, "网上办理")?,
            by_post: flag(&self.by_post, "物流快递")?,
            legal_basis: text(&self.legal_basis),
            conditions: text(&self.conditions),
            visits: text(&self.visits),
            scope: text(&self.scope),
            fee_basis: text(&self.fee_basis),
            result: text(&self.result),
            result_delivery: text(&self.result_delivery),
        }))
    }

    fn guide_cells(&self) -> [&Option<String>; 9] {
        [
            &self.legal_basis,
            &self.conditions,
            &self.visits,
            &self.online,
            &self.by_post,
            &self.scope,
            &self.fee_basis,
            &self.result,
            &self.result_delivery,
        ]
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct MaterialRow {
    #[serde(rename = "大厅")]
    pub hall: String,
    #[serde(rename = "事项编码")]
    pub item: String,
    #[serde(rename = "序号")]
    pub position: i32,
    #[serde(rename = "材料名称")]
    pub name: String,
    #[serde(rename = "材料形式")]
    pub form: String,
    #[serde(rename = "份数")]
    pub copies: String,
    #[serde(rename = "介质", default)]
    pub medium: String,
    #[serde(rename = "必要性", default)]
    pub necessity: String,
    #[serde(rename = "来源渠道", default)]
    pub source: String,
    /// Older files call it 备注.
    #[serde(rename = "填报须知", alias = "备注")]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct MatrixRow {
    #[serde(rename = "大厅")]
    pub hall: String,
    #[serde(rename = "窗口号")]
    pub window: i32,
    #[serde(rename = "事项编码")]
    pub item: String,
}

impl Sheet for DepartmentRow {
    const HEADER: &'static [&'static str] = &["大厅", "编码", "名称", "简称", "咨询电话"];
    fn cells(self) -> Vec<String> {
        vec![self.hall, self.code, self.name, self.short_name, self.phone]
    }
}

impl Sheet for WindowRow {
    const HEADER: &'static [&'static str] = &["大厅", "窗口号", "名称", "分区", "部门"];
    fn cells(self) -> Vec<String> {
        vec![
            self.hall,
            self.number.to_string(),
            self.name,
            self.zone,
            self.department,
        ]
    }
}

impl Sheet for ItemRow {
    const HEADER: &'static [&'static str] = &[
        "大厅",
        "事项编码",
        "事项名称",
        "部门",
        "事项类型",
        "办件类型",
        "法定时限",
        "承诺时限",
        "收费",
        "服务对象",
        "网上预约",
        "事项说明",
        "设定依据",
        "受理条件",
        "到现场次数",
        "网上办理",
        "物流快递",
        "通办范围",
        "收费依据",
        "审批结果",
        "结果送达",
    ];
    fn cells(self) -> Vec<String> {
        let guide = self.guide_cells().map(|c| c.clone().unwrap_or_default());
        let mut cells = vec![
            self.hall,
            self.code,
            self.name,
            self.department,
            self.category,
            self.delivery,
            self.legal_days.to_string(),
            self.promised_days.to_string(),
            self.fee,
            self.subject,
            self.bookable_online,
            self.description,
        ];
        cells.extend(guide);
        cells
    }
}

impl Sheet for MaterialRow {
    const HEADER: &'static [&'static str] = &[
        "大厅",
        "事项编码",
        "序号",
        "材料名称",
        "材料形式",
        "份数",
        "介质",
        "必要性",
        "来源渠道",
        "填报须知",
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.hall,
            self.item,
            self.position.to_string(),
            self.name,
            self.form,
            self.copies,
            self.medium,
            self.necessity,
            self.source,
            self.note,
        ]
    }
}

impl Sheet for MatrixRow {
    const HEADER: &'static [&'static str] = &["大厅", "窗口号", "事项编码"];
    fn cells(self) -> Vec<String> {
        vec![self.hall, self.window.to_string(), self.item]
    }
}
