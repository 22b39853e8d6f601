//! Loading catalogue spreadsheets: every row goes through the catalogue's
//! one write path ([`super::edit`]) with the same rules as the admin forms.
//! A file loads in one transaction: a dry run shows what would change and
//! rolls back; any refusal names the line and column and changes nothing.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use super::edit::matrix::{Pairs, set_window_items};
use super::edit::{
    Booked, DepartmentForm, GuideForm, ItemForm, MaterialLine, SaveError, Target, WindowForm,
    Written, write_department, write_item, write_materials, write_window,
};
use super::labels::yes_no;
use super::sheet::{
    self, BadRow, DepartmentRow, ItemRow, Kind, MaterialRow, MatrixRow, WindowRow, column,
};
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId};
use crate::db::schema::{departments, halls, service_items, windows};
use crate::db::{DbConn, write_transaction};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Summary {
    fn count(&mut self, w: Written) {
        match w {
            Written::Created => self.created += 1,
            Written::Updated => self.updated += 1,
            Written::Unchanged => self.unchanged += 1,
        }
    }

    fn pairs(&mut self, p: Pairs) {
        self.created += p.added;
        self.removed += p.removed;
        self.unchanged += p.kept;
    }
}

#[derive(Debug, PartialEq)]
pub enum ImportError {
    Row(BadRow),
    /// A dry run ends by rolling back; it carries what would have happened.
    DryRun(Summary),
    Db(crate::db::DbFailure),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(e.into())
    }
}

impl From<BadRow> for ImportError {
    fn from(b: BadRow) -> Self {
        ImportError::Row(b)
    }
}

/// A refusal of the write path, named by line and column.
fn refused(kind: Kind, line: u64, e: SaveError) -> ImportError {
    match e {
        SaveError::Invalid(errors) => {
            let (field, key) = errors.first().copied().unwrap_or(("", "import-error-row"));
            ImportError::Row(BadRow::new(line, column(kind, field), key))
        }
        SaveError::Stranded(..) => ImportError::Row(BadRow::new(
            line,
            column(kind, "code"),
            "import-error-stranded",
        )),
        SaveError::NotFound => ImportError::Row(BadRow::new(line, "", "import-error-row")),
        SaveError::Db(f) => ImportError::Db(f),
    }
}

/// Codes of halls, departments, windows and items to their ids.
struct Refs {
    halls: HashMap<String, HallId>,
    /// Lookups already answered in this file (a file never creates what
    /// it refers to: departments come before windows and items, items
    /// before materials and the matrix).
    departments: HashMap<(HallId, String), DepartmentId>,
    items: HashMap<(HallId, String), ServiceId>,
}

impl Refs {
    fn hall(&mut self, conn: &mut DbConn, code: &str, line: u64) -> Result<HallId, ImportError> {
        if let Some(h) = self.halls.get(code) {
            return Ok(*h);
        }
        let h: HallId = halls::table
            .filter(halls::code.eq(code))
            .select(halls::id)
            .first(conn)
            .optional()?
            .ok_or_else(|| BadRow::new(line, "大厅", "import-error-hall"))?;
        self.halls.insert(code.to_string(), h);
        Ok(h)
    }

    fn department(
        &mut self,
        conn: &mut DbConn,
        hall: HallId,
        code: &str,
        line: u64,
    ) -> Result<DepartmentId, ImportError> {
        if let Some(d) = self.departments.get(&(hall, code.to_string())) {
            return Ok(*d);
        }
        let q = departments::table.filter(
            departments::hall_id
                .eq(hall)
                .and(departments::code.eq(code)),
        );
        let d = named(
            q.select(departments::id).first(conn).optional(),
            line,
            "部门",
            "import-error-department",
        )?;
        self.departments.insert((hall, code.to_string()), d);
        Ok(d)
    }

    fn item(
        &mut self,
        conn: &mut DbConn,
        hall: HallId,
        code: &str,
        line: u64,
    ) -> Result<ServiceId, ImportError> {
        if let Some(i) = self.items.get(&(hall, code.to_string())) {
            return Ok(*i);
        }
        let q = service_items::table.filter(
            service_items::hall_id
                .eq(hall)
                .and(service_items::code.eq(code)),
        );
        let i = named(
            q.select(service_items::id).first(conn).optional(),
            line,
            "事项编码",
            "import-error-item",
        )?;
        self.items.insert((hall, code.to_string()), i);
        Ok(i)
    }

    fn window(
        conn: &mut DbConn,
        hall: HallId,
        number: i32,
        line: u64,
    ) -> Result<WindowId, ImportError> {
        let q = windows::table.filter(windows::hall_id.eq(hall).and(windows::number.eq(number)));
        named(
            q.select(windows::id).first(conn).optional(),
            line,
            "窗口号",
            "import-error-window",
        )
    }
}

/// What a code names, or the row's refusal when it names nothing.
fn named<T>(
    found: QueryResult<Option<T>>,
    line: u64,
    column: &str,
    key: &'static str,
) -> Result<T, ImportError> {
    found?.ok_or_else(|| ImportError::Row(BadRow::new(line, column, key)))
}

/// Imports one file; `apply: false` is a dry run. `booked` counts the
/// future bookings a change may not strand.
pub fn import(
    conn: &mut DbConn,
    kind: Kind,
    text: &str,
    booked: Booked,
    apply: bool,
) -> Result<Summary, ImportError> {
    let run = |conn: &mut DbConn| {
        let mut refs = Refs {
            halls: HashMap::new(),
            departments: HashMap::new(),
            items: HashMap::new(),
        };
        let s = match kind {
            Kind::Departments => departments_file(conn, &mut refs, text)?,
            Kind::Windows => windows_file(conn, &mut refs, text, booked)?,
            Kind::Items => items_file(conn, &mut refs, text)?,
            Kind::Materials => materials_file(conn, &mut refs, text)?,
            Kind::Matrix => matrix_file(conn, &mut refs, text, booked)?,
        };
        if apply {
            Ok(s)
        } else {
            Err(ImportError::DryRun(s))
        }
    };
    write_transaction(conn, run).or_else(|e| match e {
        ImportError::DryRun(s) => Ok(s),
        other => Err(other),
    })
}

fn departments_file(
    conn: &mut DbConn,
    refs: &mut Refs,
    text: &str,
) -> Result<Summary, ImportError> {
    let mut s = Summary::default();
    for (line, r) in sheet::read::<DepartmentRow>(text)? {
        let hall = refs.hall(conn, &r.hall, line)?;
        let form = DepartmentForm {
            code: r.code,
            name: r.name,
            short_name: r.short_name,
            phone: r.phone,
            active: None,
        };
        let mut v = form
            .validate(false)
            .map_err(|e| refused(Kind::Departments, line, SaveError::Invalid(e)))?;
        v.active = None;
        let (_, w) = write_department(conn, hall, Target::ByKey, &v)
            .map_err(|e| refused(Kind::Departments, line, e))?;
        s.count(w);
    }
    Ok(s)
}

fn windows_file(
    conn: &mut DbConn,
    refs: &mut Refs,
    text: &str,
    booked: Booked,
) -> Result<Summary, ImportError> {
    let mut s = Summary::default();
    for (line, r) in sheet::read::<WindowRow>(text)? {
        let hall = refs.hall(conn, &r.hall, line)?;
        let department = refs.department(conn, hall, &r.department, line)?;
        let form = WindowForm {
            number: r.number.to_string(),
            name: r.name,
            zone: r.zone,
            department_id: department.to_string(),
            active: None,
        };
        let mut v = form
            .validate(false, &|_| true)
            .map_err(|e| refused(Kind::Windows, line, SaveError::Invalid(e)))?;
        v.active = None;
        let (_, w) = write_window(conn, hall, Target::ByKey, &v, booked)
            .map_err(|e| refused(Kind::Windows, line, e))?;
        s.count(w);
    }
    Ok(s)
}

fn items_file(conn: &mut DbConn, refs: &mut Refs, text: &str) -> Result<Summary, ImportError> {
    let mut s = Summary::default();
    for (line, r) in sheet::read::<ItemRow>(text)? {
        let hall = refs.hall(conn, &r.hall, line)?;
        let department = refs.department(conn, hall, &r.department, line)?;
        let bookable = yes_no(&r.bookable_online)
            .ok_or_else(|| BadRow::new(line, "网上预约", "import-error-value"))?;
        let guide = r
            .guide_form()
            .map_err(|column| BadRow::new(line, column, "import-error-value"))?;
        let has_guide = guide.is_some();
        let form = ItemForm {
            code: r.code,
            name: r.name,
            department_id: department.to_string(),
            category: r.category,
            delivery: r.delivery,
            legal_days: r.legal_days.to_string(),
            promised_days: r.promised_days.to_string(),
            fee: r.fee,
            subject: r.subject,
            description: r.description,
            bookable_online: bookable.then(String::new),
            guide: guide.unwrap_or_else(|| GuideForm::of(&Default::default())),
            ..ItemForm::default()
        };
        let mut v = form
            .validate(false, &|_| true)
            .map_err(|e| refused(Kind::Items, line, SaveError::Invalid(e)))?;
        // A 事项清单 carries neither the hall-floor settings, nor the clock
        // rules, nor the materials (their own file), nor the active flag:
        // all kept.
        (v.floor, v.clock, v.materials, v.active) = (None, None, None, None);
        if !has_guide {
            v.guide = None;
        }
        let (_, w) =
            write_item(conn, hall, Target::ByKey, &v).map_err(|e| refused(Kind::Items, line, e))?;
        s.count(w);
    }
    Ok(s)
}

/// Each item in the file gets exactly the listed materials.
fn materials_file(conn: &mut DbConn, refs: &mut Refs, text: &str) -> Result<Summary, ImportError> {
    let mut per_item: BTreeMap<ServiceId, Vec<(i32, u64, MaterialLine)>> = BTreeMap::new();
    for (line, r) in sheet::read::<MaterialRow>(text)? {
        let hall = refs.hall(conn, &r.hall, line)?;
        let item = refs.item(conn, hall, &r.item, line)?;
        let m = MaterialLine::new(&r.name, &r.form, &r.copies, &r.note)
            .and_then(|m| m.with_kinds(&r.medium, &r.necessity, &r.source))
            .map_err(|key| {
                let field = match key {
                    "admin-error-material-form" => "form",
                    "admin-error-material-medium" => "medium",
                    "admin-error-material-necessity" => "necessity",
                    "admin-error-material-source" => "source",
                    _ => "name",
                };
                BadRow::new(line, column(Kind::Materials, field), key)
            })?;
        per_item
            .entry(item)
            .or_default()
            .push((r.position, line, m));
    }
    let mut s = Summary::default();
    for (item, mut rows) in per_item {
        rows.sort_by_key(|(position, ..)| *position);
        let line = rows.first().map_or(1, |(_, l, _)| *l);
        let list: Vec<MaterialLine> = rows.into_iter().map(|(.., m)| m).collect();
        if write_materials(conn, item, &list).map_err(|e| refused(Kind::Materials, line, e))? {
            s.updated += 1;
        } else {
            s.unchanged += list.len();
        }
    }
    Ok(s)
}

/// Each window in the file serves exactly the listed items.
fn matrix_file(
    conn: &mut DbConn,
    refs: &mut Refs,
    text: &str,
    booked: Booked,
) -> Result<Summary, ImportError> {
    let mut per_window: BTreeMap<WindowId, (u64, Vec<ServiceId>)> = BTreeMap::new();
    for (line, r) in sheet::read::<MatrixRow>(text)? {
        let hall = refs.hall(conn, &r.hall, line)?;
        let window = Refs::window(conn, hall, r.window, line)?;
        let item = refs.item(conn, hall, &r.item, line)?;
        per_window
            .entry(window)
            .or_insert((line, Vec::new()))
            .1
            .push(item);
    }
    let mut s = Summary::default();
    for (window, (line, items)) in per_window {
        let pairs = set_window_items(conn, window, &items, booked)
            .map_err(|e| refused(Kind::Matrix, line, e))?;
        s.pairs(pairs);
    }
    Ok(s)
}
