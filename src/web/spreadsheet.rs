//! CSV files for spreadsheets: UTF-8 with a byte-order mark (Excel and WPS
//! open it as Chinese), CRLF line ends, and no cell a spreadsheet would run
//! as a formula.

use std::borrow::Cow;

use actix_web::HttpResponse;
use actix_web::http::header;

use crate::error::AppError;

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A cell as written: one that would start a formula gets a leading `'`
/// (shown by spreadsheets as plain text). Numbers like `-3` stay numbers.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(FORMULA_START) && cell.parse::<f64>().is_err();
    if risky {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as read back: the `'` that [`neutralise`] added is removed.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

pub fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Result<HttpResponse, AppError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in rows {
        let cells: Vec<Cow<str>> = r.iter().map(|c| neutralise(c)).collect();
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_come_back_unchanged() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
        ] {
            let written = neutralise(cell);
            assert!(written.starts_with('\''), "{cell}");
            assert_eq!(restore(&written), cell);
        }
        assert_eq!(neutralise("-3"), "-3", "a negative number stays a number");
        assert_eq!(neutralise("居民身份证"), "居民身份证");
        assert_eq!(
            restore("'quoted"),
            "'quoted",
            "only our own prefix is removed"
        );
    }
}
