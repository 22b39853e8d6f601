//! The catalogue as spreadsheets (Chinese headers, one file per kind): the
//! format of the built-in catalogue, of the exports and of the imports, so a
//! hall can load its real 事项清单.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

crate::text_enum!(
    Kind {
        Departments = "departments",
        Windows = "windows",
        Items = "items",
        Materials = "materials",
        Matrix = "window_items",
    }
);

/// A row type of a catalogue file: its header and its cells, in order.
pub trait Sheet: DeserializeOwned {
    const HEADER: &'static [&'static str];
    fn cells(self) -> Vec<String>;
}

/// A row that cannot be read: line (1 = header), column (empty when the
/// whole row is wrong) and message key.
#[derive(Debug, Clone, PartialEq)]
pub struct BadRow {
    pub line: u64,
    pub column: String,
    pub key: &'static str,
}

impl BadRow {
    pub fn new(line: u64, column: &str, key: &'static str) -> BadRow {
        BadRow {
            line,
            column: column.to_string(),
            key,
        }
    }
}

/// The most rows one file may hold.
const MAX_ROWS: usize = 20_000;

/// Reads every row of a file, each with its line; the first bad row stops
/// the reading and is named.
pub fn read<T: Sheet>(text: &str) -> Result<Vec<(u64, T)>, BadRow> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| BadRow::new(1, "", "import-error-header"))?
        .clone();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let row = record.and_then(|r| {
            // Undo the formula guard of our own exports.
            let cells: csv::StringRecord = r.iter().map(crate::web::spreadsheet::restore).collect();
            cells.deserialize::<T>(Some(&headers))
        });
        match row {
            Ok(r) => out.push((line, r)),
            Err(e) => {
                let column = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err
                        .field()
                        .and_then(|f| headers.get(f as usize))
                        .unwrap_or("")
                        .to_string(),
                    _ => String::new(),
                };
                let key = if column.is_empty() {
                    "import-error-row"
                } else {
                    "import-error-value"
                };
                return Err(BadRow { line, column, key });
            }
        }
        if out.len() > MAX_ROWS {
            return Err(BadRow::new(1, "", "import-error-too-many"));
        }
    }
    Ok(out)
}

/// A file of these rows, header first.
pub fn write<T: Sheet>(rows: Vec<T>) -> Vec<Vec<String>> {
    let header = T::HEADER.iter().map(|h| h.to_string()).collect();
    std::iter::once(header)
        .chain(rows.into_iter().map(Sheet::cells))
        .collect()
}

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
    #[serde(rename = "备注")]
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
    ];
    fn cells(self) -> Vec<String> {
        vec![
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
        ]
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
        "备注",
    ];
    fn cells(self) -> Vec<String> {
        vec![
            self.hall,
            self.item,
            self.position.to_string(),
            self.name,
            self.form,
            self.copies,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The header each row type writes is the one serde reads.
    fn header_matches<T: Sheet + Serialize>(row: T) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(&row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text.lines().next().unwrap(), T::HEADER.join(","));
        let written = write(vec![row]);
        assert_eq!(written[1].len(), T::HEADER.len());
    }

    #[test]
    fn every_sheet_writes_the_header_it_reads() {
        header_matches(DepartmentRow {
            hall: "H".into(),
            code: "C".into(),
            name: "N".into(),
            short_name: "S".into(),
            phone: String::new(),
        });
        header_matches(WindowRow {
            hall: "H".into(),
            number: 1,
            name: "N".into(),
            zone: "A".into(),
            department: "D".into(),
        });
        header_matches(ItemRow {
            hall: "H".into(),
            code: "C".into(),
            name: "N".into(),
            department: "D".into(),
            category: "c".into(),
            delivery: "d".into(),
            legal_days: 1,
            promised_days: 1,
            fee: String::new(),
            subject: "s".into(),
            bookable_online: "是".into(),
            description: String::new(),
        });
        header_matches(MaterialRow {
            hall: "H".into(),
            item: "I".into(),
            position: 1,
            name: "N".into(),
            form: "原件".into(),
            copies: String::new(),
            note: String::new(),
        });
        header_matches(MatrixRow {
            hall: "H".into(),
            window: 1,
            item: "I".into(),
        });
    }

    #[test]
    fn a_bad_value_names_its_line_and_column() {
        let text = "大厅,窗口号,事项编码\nWUHAI,1,A\nWUHAI,x,B\n";
        assert_eq!(
            read::<MatrixRow>(text).unwrap_err(),
            BadRow::new(3, "窗口号", "import-error-value")
        );
    }
}
