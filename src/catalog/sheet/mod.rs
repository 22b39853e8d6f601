//! The catalogue as spreadsheets (Chinese headers, one file per kind): the
//! format of the built-in catalogue, of the exports and of the imports, so a
//! hall can load its real 事项清单.

use serde::de::DeserializeOwned;

mod rows;

pub use rows::{DepartmentRow, ItemRow, MaterialRow, MatrixRow, WindowRow};

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
    // Rows may stop early: a 事项清单 written before the 办事指南 columns
    // existed leaves them out. A row longer than the header is refused.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| BadRow::new(1, "", "import-error-header"))?
        .clone();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        if record.as_ref().is_ok_and(|r| r.len() > headers.len()) {
            return Err(BadRow::new(line, "", "import-error-row"));
        }
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

/// The spreadsheet column of each form field, per file.
pub fn column(kind: Kind, field: &str) -> &'static str {
    match (kind, field) {
        (Kind::Departments, "code") => "编码",
        (Kind::Departments | Kind::Windows, "name") => "名称",
        (Kind::Departments, "short_name") => "简称",
        (Kind::Departments, "phone") => "咨询电话",
        (Kind::Windows | Kind::Matrix, "number") => "窗口号",
        (Kind::Windows, "zone") => "分区",
        (_, "department_id") => "部门",
        (Kind::Items, "name") => "事项名称",
        (Kind::Items | Kind::Matrix, "code") => "事项编码",
        (Kind::Items, "category") => "事项类型",
        (Kind::Items, "delivery") => "办件类型",
        (Kind::Items, "legal_days") => "法定时限",
        (Kind::Items, "promised_days") => "承诺时限",
        (Kind::Items, "fee") => "收费",
        (Kind::Items, "subject") => "服务对象",
        (Kind::Items, "description") => "事项说明",
        (Kind::Items, "legal_basis") => "设定依据",
        (Kind::Items, "conditions") => "受理条件",
        (Kind::Items, "visits") => "到现场次数",
        (Kind::Items, "scope") => "通办范围",
        (Kind::Items, "fee_basis") => "收费依据",
        (Kind::Items, "result") => "审批结果",
        (Kind::Items, "result_delivery") => "结果送达",
        (Kind::Materials, "medium") => "介质",
        (Kind::Materials, "necessity") => "必要性",
        (Kind::Materials, "source") => "来源渠道",
        (Kind::Materials, "form") => "材料形式",
        (Kind::Materials, _) => "材料名称",
        _ => "",
    }
}

/// A file of these rows, header first.
pub fn write<T: Sheet>(rows: Vec<T>) -> Vec<Vec<String>> {
    let header = T::HEADER.iter().map(|h| h.to_string()).collect();
    std::iter::once(header)
        .chain(rows.into_iter().map(Sheet::cells))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

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
            legal_basis: None,
            conditions: None,
            visits: Some("1".into()),
            online: None,
            by_post: None,
            scope: None,
            fee_basis: None,
            result: None,
            result_delivery: None,
        });
        header_matches(MaterialRow {
            hall: "H".into(),
            item: "I".into(),
            position: 1,
            name: "N".into(),
            form: "原件".into(),
            copies: String::new(),
            medium: "纸质".into(),
            necessity: "必要".into(),
            source: "申请人自备".into(),
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
