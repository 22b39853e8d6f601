//! An item's blank forms and filled-in examples (样表), kept in the
//! database so every instance serves the same files and a backup holds
//! them. Only document and image types are taken, named by their
//! extension and checked by their first bytes, and they are always served
//! as downloads.

use diesel::prelude::*;

use super::edit::SaveError;
use super::models::{FileKind, ServiceFile};
use crate::db::DbConn;
use crate::db::ids::{FileId, ServiceId};
use crate::db::schema::{service_files, service_items};

/// The largest file a hall may upload.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The most files one item may have.
const MAX_FILES: i64 = 20;

/// Accepted extensions, their content type, and the bytes such a file
/// starts with.
const TYPES: &[(&str, &str, &[u8])] = &[
    ("pdf", "application/pdf", b"%PDF"),
    ("png", "image/png", b"\x89PNG"),
    ("jpg", "image/jpeg", b"\xFF\xD8\xFF"),
    ("jpeg", "image/jpeg", b"\xFF\xD8\xFF"),
    ("doc", "application/msword", b"\xD0\xCF\x11\xE0"),
    ("xls", "application/vnd.ms-excel", b"\xD0\xCF\x11\xE0"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        b"PK\x03\x04",
    ),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        b"PK\x03\x04",
    ),
];

/// A file as uploaded, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub title: String,
    pub kind: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A checked upload: its kind, title, a safe file name and content type.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidFile {
    pub kind: FileKind,
    pub title: String,
    pub file_name: String,
    pub content_type: &'static str,
}

impl Upload {
    pub fn validate(&self) -> Result<ValidFile, SaveError> {
        let mut e = crate::text::FieldErrors::new();
        let title = crate::text::required(&mut e, "title", &self.title, 100);
        let kind = self.kind.parse::<FileKind>().ok();
        if kind.is_none() {
            e.push(("kind", "admin-error-choice"));
        }
        let file_name = safe_name(&self.file_name);
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, x)| x.to_ascii_lowercase());
        let kind_of = TYPES
            .iter()
            .find(|(x, _, magic)| ext.as_deref() == Some(*x) && self.content.starts_with(magic));
        let fits = !self.content.is_empty() && self.content.len() <= MAX_FILE_BYTES;
        match (kind, kind_of) {
            (Some(kind), Some((_, content_type, _))) if fits && e.is_empty() => Ok(ValidFile {
                kind,
                title,
                file_name,
                content_type,
            }),
            (_, found) => {
                if found.is_none() || !fits {
                    e.push(("file", "admin-error-file"));
                }
                Err(SaveError::Invalid(e))
            }
        }
    }
}

/// The last path part of a browser's file name, without control or
/// quoting characters, at most 100 characters.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    base.chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';'))
        .take(100)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Stores a checked file for the item.
pub fn add_file(
    conn: &mut DbConn,
    service: ServiceId,
    up: &Upload,
    now: chrono::NaiveDateTime,
) -> Result<FileId, SaveError> {
    let v = up.validate()?;
    let count: i64 = service_files::table
        .filter(service_files::service_id.eq(service))
        .count()
        .get_result(conn)?;
    if count >= MAX_FILES {
        return Err(SaveError::Invalid(vec![("file", "admin-error-too-long")]));
    }
    Ok(diesel::insert_into(service_files::table)
        .values((
            service_files::service_id.eq(service),
            service_files::kind.eq(v.kind.as_str()),
            service_files::title.eq(&v.title),
            service_files::file_name.eq(&v.file_name),
            service_files::content_type.eq(v.content_type),
            service_files::content.eq(&up.content),
            service_files::size_bytes.eq(up.content.len() as i32),
            service_files::uploaded_at.eq(now),
        ))
        .returning(service_files::id)
        .get_result(conn)?)
}

/// Removes one of the item's files.
pub fn delete_file(conn: &mut DbConn, service: ServiceId, file: FileId) -> Result<(), SaveError> {
    let n = diesel::delete(
        service_files::table
            .find(file)
            .filter(service_files::service_id.eq(service)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(SaveError::NotFound);
    }
    Ok(())
}

/// A file of an active item, with its content.
pub fn download(
    conn: &mut DbConn,
    service: ServiceId,
    file: FileId,
) -> QueryResult<Option<(ServiceFile, Vec<u8>)>> {
    service_files::table
        .inner_join(service_items::table)
        .filter(service_files::id.eq(file))
        .filter(service_files::service_id.eq(service))
        .filter(service_items::active.eq(true))
        .select((ServiceFile::as_select(), service_files::content))
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(name: &str, content: &[u8]) -> Upload {
        Upload {
            title: "申请表".into(),
            kind: "blank".into(),
            file_name: name.into(),
            content: content.to_vec(),
        }
    }

    #[test]
    fn only_documents_that_are_what_their_name_says() {
        let ok = up("C:\\表格\\申请表.PDF", b"%PDF-1.7 ...")
            .validate()
            .unwrap();
        assert_eq!(
            (ok.file_name.as_str(), ok.content_type),
            ("申请表.PDF", "application/pdf")
        );
        // An HTML page renamed .pdf, a script, an empty file: refused.
        for bad in [
            up("a.pdf", b"<html>"),
            up("a.html", b"<html>"),
            up("a.pdf", b""),
        ] {
            assert!(matches!(bad.validate(), Err(SaveError::Invalid(_))));
        }
        let big = up(
            "a.png",
            &[b"\x89PNG".as_slice(), &vec![0; MAX_FILE_BYTES]].concat(),
        );
        assert!(big.validate().is_err());
        assert_eq!(safe_name("../\"x\";.pdf"), "x.pdf");
    }
}
