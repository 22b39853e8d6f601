//! An item's 一次性告知 list: every material a resident must bring, in order.

use diesel::prelude::*;

use super::SaveError;
use crate::catalog::labels::ZhLabel;
use crate::catalog::models::{Material, MaterialForm, NewMaterial};
use crate::db::DbConn;
use crate::db::ids::ServiceId;
use crate::db::schema::service_materials;
use crate::text;

#[derive(Debug, Clone, PartialEq)]
pub struct MaterialLine {
    pub name: String,
    pub form: MaterialForm,
    pub copies: String,
    pub note: String,
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
        })
    }

    fn of(m: &Material) -> MaterialLine {
        MaterialLine {
            name: m.name.clone(),
            form: m.form,
            copies: m.copies.clone(),
            note: m.note.clone(),
        }
    }
}

/// Reads the 一次性告知 list, one material a line, in order.
pub fn parse_materials(text: &str) -> Result<Vec<MaterialLine>, &'static str> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or("");
        out.push(MaterialLine::new(part(0), part(1), part(2), part(3))?);
    }
    if out.len() > MAX_MATERIALS {
        return Err("admin-error-too-long");
    }
    Ok(out)
}

pub fn materials_text(list: &[Material]) -> String {
    list.iter()
        .map(|m| {
            let mut s = format!("{} | {}", m.name, m.form.zh_label());
            if !m.copies.is_empty() || !m.note.is_empty() {
                s.push_str(&format!(" | {}", m.copies));
            }
            if !m.note.is_empty() {
                s.push_str(&format!(" | {}", m.note));
            }
            s
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
                note: String::new()
            }
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
