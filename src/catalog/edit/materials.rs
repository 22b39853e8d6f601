//! An item's 一次性告知 list: every material a resident must bring, in order.

use diesel::prelude::*;

use super::SaveError;
use crate::catalog::labels::ZhLabel;
use crate::catalog::models::{Material, MaterialForm, Medium, Necessity, NewMaterial, Source};
use crate::db::DbConn;
use crate::db::ids::ServiceId;
use crate::db::schema::service_materials;
use crate::text;

#[derive(Debug, Clone, PartialEq)]
pub struct MaterialLine {
    pub name: String,
    pub form: MaterialForm,
    pub copies: String,
    /// 填报须知
    pub note: String,
    pub medium: Medium,
    pub necessity: Necessity,
    pub source: Source,
}

/// The most materials one item may list.
const MAX_MATERIALS: usize = 60;

impl MaterialLine {
    /// One material: a name of at most 200 characters; the form by its
    /// label or code (empty: the original).
    pub fn new(
        name: &str,
        form: &str,
        copies: &str,
        note: &str,
    ) -> Result<MaterialLine, &'static str> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err("admin-error-material");
        }
        let form = match form.trim() {
            "" => MaterialForm::Original,
            f => MaterialForm::from_label(f).ok_or("admin-error-material-form")?,
        };
        Ok(MaterialLine {
            name: name.to_string(),
            form,
            copies: text::clean_line(copies, 50),
            note: text::clean_line(note, 200),
            medium: Medium::Paper,
            necessity: Necessity::Required,
            source: Source::Applicant,
        })
    }

    /// Sets 纸质/电子, 必要性 and 来源渠道 by label or code; empty keeps the
    /// usual (paper, required, the applicant's own).
    pub fn with_kinds(
        mut self,
        medium: &str,
        necessity: &str,
        source: &str,
    ) -> Result<MaterialLine, &'static str> {
        fn pick<T: ZhLabel>(v: &str, keep: T, key: &'static str) -> Result<T, &'static str> {
            if v.trim().is_empty() {
                Ok(keep)
            } else {
                T::from_label(v).ok_or(key)
            }
        }
        self.medium = pick(medium, self.medium, "admin-error-material-medium")?;
        self.necessity = pick(necessity, self.necessity, "admin-error-material-necessity")?;
        self.source = pick(source, self.source, "admin-error-material-source")?;
        Ok(self)
    }

    /// Reads the parts after name, form and copies: each of medium,
    /// necessity and source is known by its label, whatever the order;
    /// the rest is the note.
    fn with_parts(mut self, parts: &[&str]) -> MaterialLine {
        let mut note = Vec::new();
        for p in parts.iter().filter(|p| !p.is_empty()) {
            if let Some(m) = Medium::from_label(p) {
                self.medium = m;
            } else if let Some(n) = Necessity::from_label(p) {
                self.necessity = n;
            } else if let Some(s) = Source::from_label(p) {
                self.source = s;
            } else {
                note.push(*p);
            }
        }
        self.note = text::clean_line(&note.join(" | "), 200);
        self
    }

    fn of(m: &Material) -> MaterialLine {
        MaterialLine {
            name: m.name.clone(),
            form: m.form,
            copies: m.copies.clone(),
            note: m.note.clone(),
            medium: m.medium,
            necessity: m.necessity,
            source: m.source,
        }
    }
}

/// Reads the 一次性告知 list, one material a line, in order.
pub fn parse_materials(text: &str) -> Result<Vec<MaterialLine>, &'static str> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or("");
        let line = MaterialLine::new(part(0), part(1), part(2), "")?;
        out.push(line.with_parts(parts.get(3..).unwrap_or_default()));
    }
    if out.len() > MAX_MATERIALS {
        return Err("admin-error-too-long");
    }
    Ok(out)
}

pub fn materials_text(list: &[Material]) -> String {
    list.iter()
        .map(|m| {
            let mut parts = vec![m.name.as_str(), m.form.zh_label()];
            let kinds = [
                (m.medium != Medium::Paper).then(|| m.medium.zh_label()),
                (m.necessity != Necessity::Required).then(|| m.necessity.zh_label()),
                (m.source != Source::Applicant).then(|| m.source.zh_label()),
            ];
            let rest: Vec<&str> = kinds
                .into_iter()
                .flatten()
                .chain((!m.note.is_empty()).then_some(m.note.as_str()))
                .collect();
            if !m.copies.is_empty() || !rest.is_empty() {
                parts.push(&m.copies);
            }
            parts.extend(rest);
            parts.join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Gives the item exactly these materials, in order; whether they changed.
pub fn write_materials(
    conn: &mut DbConn,
    item: ServiceId,
    list: &[MaterialLine],
) -> Result<bool, SaveError> {
    if list.len() > MAX_MATERIALS {
        return Err(SaveError::Invalid(vec![(
            "materials",
            "admin-error-too-long",
        )]));
    }
    let current: Vec<Material> = service_materials::table
        .filter(service_materials::service_id.eq(item))
        .order(service_materials::position)
        .select(Material::as_select())
        .load(conn)?;
    if current
        .iter()
        .map(MaterialLine::of)
        .eq(list.iter().cloned())
    {
        return Ok(false);
    }
    diesel::delete(service_materials::table.filter(service_materials::service_id.eq(item)))
        .execute(conn)?;
    let rows: Vec<NewMaterial> = list
        .iter()
        .enumerate()
        .map(|(i, m)| NewMaterial {
            service_id: item,
            position: i as i32 + 1,
            name: m.name.clone(),
            form: m.form,
            copies: m.copies.clone(),
            note: m.note.clone(),
            medium: m.medium,
            necessity: m.necessity,
            source: m.source,
        })
        .collect();
    // Multi-row inserts do not compile through `MultiConnection`.
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(service_materials::table)
            .values(rows)
            .execute(c)?,
        DbConn::Pg(c) => diesel::insert_into(service_materials::table)
            .values(rows)
            .execute(c)?,
    };
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn materials_are_read_one_a_line_with_optional_form_copies_and_note() {
        let list = parse_materials("居民身份证 | 原件\n\n户口簿｜复印件｜1份\n近期一寸免冠照片 | 原件 | 2张 | 白底\n结婚证").unwrap();
        assert_eq!(list.len(), 4);
        assert_eq!(
            list[1],
            MaterialLine {
                name: "户口簿".into(),
                form: MaterialForm::Copy,
                copies: "1份".into(),
                note: String::new(),
                medium: Medium::Paper,
                necessity: Necessity::Required,
                source: Source::Applicant,
            }
        );
        let full =
            parse_materials("营业执照 | 原件 | 1份 | 容缺 | 电子 | 政府部门核发 | 可后补").unwrap();
        assert_eq!(
            (
                full[0].medium,
                full[0].necessity,
                full[0].source,
                full[0].note.as_str()
            ),
            (
                Medium::Electronic,
                Necessity::Deferrable,
                Source::Government,
                "可后补"
            )
        );
        assert_eq!(list[2].note, "白底");
        assert_eq!(list[3].form, MaterialForm::Original);
        assert_eq!(
            parse_materials("身份证 | 扫描件"),
            Err("admin-error-material-form")
        );
        assert_eq!(parse_materials(" | 原件"), Err("admin-error-material"));
    }
}
