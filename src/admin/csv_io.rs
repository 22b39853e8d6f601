//! Catalogue import and export as CSV, in the same spreadsheet format as the
//! built-in catalogue (Chinese headers), so a hall can load its real 事项清单.
//! An import runs in one transaction: a dry run shows what would change and
//! rolls back; any error names the line and column and changes nothing.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Scope;
use super::stats_pages::csv_response;
use crate::accounts::Identity;
use crate::audit::audit_action;
use crate::booking::models::BookingStatus;
use crate::catalog::models::{Category, Delivery, MaterialForm, Subject};
use crate::clock::local;
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId, ZoneId};
use crate::db::schema::{
    bookings, departments, halls, service_items, service_materials, window_services, windows, zones,
};
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult};
use crate::seed::catalogue::{DepartmentRow, ItemRow, MaterialRow, MatrixRow, WindowRow};
use crate::seed::labels::{ZhLabel, yes_no};
use crate::web::forms::private_page;
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

crate::text_enum!(
    Kind {
        Departments = "departments",
        Windows = "windows",
        Items = "items",
        Materials = "materials",
        Matrix = "window_items",
    }
);

fn hall_codes(conn: &mut DbConn) -> QueryResult<HashMap<HallId, String>> {
    Ok(halls::table
        .select((halls::id, halls::code))
        .load::<(HallId, String)>(conn)?
        .into_iter()
        .collect())
}

fn to_csv<T: serde::Serialize>(rows: &[T]) -> Result<Vec<Vec<String>>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    reader
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(str::to_string).collect())
                .map_err(|e| AppError::Internal(e.to_string()))
        })
        .collect()
}

/// The rows of one export file, in a stable order.
pub fn export(conn: &mut DbConn, kind: Kind) -> Result<Vec<Vec<String>>, AppError> {
    let codes = hall_codes(conn)?;
    let hall = |h: HallId| codes.get(&h).cloned().unwrap_or_default();
    let dept_codes: HashMap<DepartmentId, String> = departments::table
        .select((departments::id, departments::code))
        .load(conn)?
        .into_iter()
        .collect();
    let with_header = |rows: Vec<Vec<String>>, header: Option<Vec<String>>| -> Vec<Vec<String>> {
        match header {
            Some(h) if rows.is_empty() => vec![h],
            _ => rows,
        }
    };
    Ok(match kind {
        Kind::Departments => {
            let list: Vec<(HallId, String, String, String, String)> = departments::table
                .order((
                    departments::hall_id,
                    departments::sort_order,
                    departments::id,
                ))
                .select((
                    departments::hall_id,
                    departments::code,
                    departments::name,
                    departments::short_name,
                    departments::phone,
                ))
                .load(conn)?;
            let rows: Vec<DepartmentRow> = list
                .into_iter()
                .map(|(h, code, name, short_name, phone)| DepartmentRow {
                    hall: hall(h),
                    code,
                    name,
                    short_name,
                    phone,
                })
                .collect();
            with_header(
                to_csv(&rows)?,
                Some(
                    vec!["大厅", "编码", "名称", "简称", "咨询电话"]
                        .into_iter()
                        .map(String::from)
                        .collect(),
                ),
            )
        }
        Kind::Windows => {
            let list: Vec<(HallId, i32, String, String, DepartmentId)> = windows::table
                .inner_join(zones::table)
                .order((windows::hall_id, windows::number))
                .select((
                    windows::hall_id,
                    windows::number,
                    windows::name,
                    zones::letter,
                    windows::department_id,
                ))
                .load(conn)?;
            let rows: Vec<WindowRow> = list
                .into_iter()
                .map(|(h, number, name, zone, d)| WindowRow {
                    hall: hall(h),
                    number,
                    name,
                    zone,
                    department: dept_codes.get(&d).cloned().unwrap_or_default(),
                })
                .collect();
            to_csv(&rows)?
        }
        Kind::Items => {
            let list: Vec<crate::catalog::models::ServiceItem> = service_items::table
                .order((service_items::hall_id, service_items::code))
                .select(crate::catalog::models::ServiceItem::as_select())
                .load(conn)?;
            let rows: Vec<ItemRow> = list
                .into_iter()
                .map(|i| ItemRow {
                    hall: hall(i.hall_id),
                    code: i.code,
                    name: i.name,
                    department: dept_codes
                        .get(&i.department_id)
                        .cloned()
                        .unwrap_or_default(),
                    category: i.category.zh_label().to_string(),
                    delivery: i.delivery.zh_label().to_string(),
                    legal_days: i.legal_days,
                    promised_days: i.promised_days,
                    fee: i.fee,
                    subject: i.subject.zh_label().to_string(),
                    bookable_online: if i.bookable_online {
                        "是".into()
                    } else {
                        "否".into()
                    },
                    description: i.description,
                })
                .collect();
            to_csv(&rows)?
        }
        Kind::Materials => {
            let list: Vec<(HallId, String, i32, String, String, String, String)> =
                service_materials::table
                    .inner_join(service_items::table)
                    .order((
                        service_items::hall_id,
                        service_items::code,
                        service_materials::position,
                    ))
                    .select((
                        service_items::hall_id,
                        service_items::code,
                        service_materials::position,
                        service_materials::name,
                        service_materials::form,
                        service_materials::copies,
                        service_materials::note,
                    ))
                    .load(conn)?;
            let rows: Vec<MaterialRow> = list
                .into_iter()
                .map(
                    |(h, item, position, name, form, copies, note)| MaterialRow {
                        hall: hall(h),
                        item,
                        position,
                        name,
                        form: form
                            .parse::<MaterialForm>()
                            .map(|f| f.zh_label().to_string())
                            .unwrap_or(form),
                        copies,
                        note,
                    },
                )
                .collect();
            to_csv(&rows)?
        }
        Kind::Matrix => {
            let list: Vec<(HallId, i32, String)> = window_services::table
                .inner_join(windows::table)
                .inner_join(service_items::table)
                .order((windows::hall_id, windows::number, service_items::code))
                .select((windows::hall_id, windows::number, service_items::code))
                .load(conn)?;
            let rows: Vec<MatrixRow> = list
                .into_iter()
                .map(|(h, window, item)| MatrixRow {
                    hall: hall(h),
                    window,
                    item,
                })
                .collect();
            to_csv(&rows)?
        }
    })
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
}

#[derive(Debug, PartialEq)]
pub enum ImportError {
    /// Line (1 = header), column, message key.
    Row(u64, String, &'static str),
    /// A dry run ends by rolling back; it carries what would have happened.
    DryRun(Summary),
    Db(crate::db::DbFailure),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(e.into())
    }
}

fn read<T: DeserializeOwned>(text: &str) -> Result<Vec<(u64, T)>, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| ImportError::Row(1, String::new(), "import-error-header"))?
        .clone();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let row = record.and_then(|r| {
            // Undo the formula guard of our own exports.
            let cells: csv::StringRecord = r.iter().map(super::spreadsheet::restore).collect();
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
                return Err(ImportError::Row(line, column, key));
            }
        }
    }
    if out.len() > 20_000 {
        return Err(ImportError::Row(1, String::new(), "import-error-too-many"));
    }
    Ok(out)
}

fn bad(line: u64, column: &str, key: &'static str) -> ImportError {
    ImportError::Row(line, column.to_string(), key)
}

fn hall_id(
    conn: &mut DbConn,
    cache: &mut HashMap<String, HallId>,
    code: &str,
    line: u64,
) -> Result<HallId, ImportError> {
    if let Some(h) = cache.get(code) {
        return Ok(*h);
    }
    let h: HallId = halls::table
        .filter(halls::code.eq(code))
        .select(halls::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| bad(line, "大厅", "import-error-hall"))?;
    cache.insert(code.to_string(), h);
    Ok(h)
}

fn department(
    conn: &mut DbConn,
    hall: HallId,
    code: &str,
    line: u64,
) -> Result<DepartmentId, ImportError> {
    departments::table
        .filter(
            departments::hall_id
                .eq(hall)
                .and(departments::code.eq(code)),
        )
        .select(departments::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| bad(line, "部门", "import-error-department"))
}

fn item_id(
    conn: &mut DbConn,
    hall: HallId,
    code: &str,
    line: u64,
) -> Result<ServiceId, ImportError> {
    service_items::table
        .filter(
            service_items::hall_id
                .eq(hall)
                .and(service_items::code.eq(code)),
        )
        .select(service_items::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| bad(line, "事项编码", "import-error-item"))
}

fn check_text(value: &str, line: u64, column: &str, max: usize) -> Result<(), ImportError> {
    if value.trim().is_empty() || value.chars().count() > max {
        Err(bad(line, column, "import-error-text"))
    } else {
        Ok(())
    }
}

/// Imports one file; `apply: false` is a dry run.
pub fn import(
    conn: &mut DbConn,
    kind: Kind,
    text: &str,
    today: NaiveDate,
    apply: bool,
) -> Result<Summary, ImportError> {
    write_transaction(conn, |conn| {
        let mut s = Summary::default();
        let mut halls_cache = HashMap::new();
        match kind {
            Kind::Departments => {
                for (line, r) in read::<DepartmentRow>(text)? {
                    let hall = hall_id(conn, &mut halls_cache, &r.hall, line)?;
                    check_text(&r.code, line, "编码", 20)?;
                    check_text(&r.name, line, "名称", 100)?;
                    check_text(&r.short_name, line, "简称", 20)?;
                    let existing: Option<(DepartmentId, String, String, String)> =
                        departments::table
                            .filter(
                                departments::hall_id
                                    .eq(hall)
                                    .and(departments::code.eq(&r.code)),
                            )
                            .select((
                                departments::id,
                                departments::name,
                                departments::short_name,
                                departments::phone,
                            ))
                            .first(conn)
                            .optional()?;
                    match existing {
                        Some((_, n, sn, p))
                            if n == r.name && sn == r.short_name && p == r.phone =>
                        {
                            s.unchanged += 1
                        }
                        Some((id, ..)) => {
                            diesel::update(departments::table.find(id))
                                .set((
                                    departments::name.eq(&r.name),
                                    departments::short_name.eq(&r.short_name),
                                    departments::phone.eq(&r.phone),
                                ))
                                .execute(conn)?;
                            s.updated += 1;
                        }
                        None => {
                            diesel::insert_into(departments::table)
                                .values((
                                    departments::hall_id.eq(hall),
                                    departments::code.eq(&r.code),
                                    departments::name.eq(&r.name),
                                    departments::short_name.eq(&r.short_name),
                                    departments::phone.eq(&r.phone),
                                    departments::sort_order.eq(line as i32),
                                ))
                                .execute(conn)?;
                            s.created += 1;
                        }
                    }
                }
            }
            Kind::Windows => {
                for (line, r) in read::<WindowRow>(text)? {
                    let hall = hall_id(conn, &mut halls_cache, &r.hall, line)?;
                    if !(1..=999).contains(&r.number) {
                        return Err(bad(line, "窗口号", "import-error-value"));
                    }
                    check_text(&r.name, line, "名称", 50)?;
                    let zone: ZoneId = zones::table
                        .filter(zones::hall_id.eq(hall).and(zones::letter.eq(&r.zone)))
                        .select(zones::id)
                        .first(conn)
                        .optional()?
                        .ok_or_else(|| bad(line, "分区", "import-error-zone"))?;
                    let dept = department(conn, hall, &r.department, line)?;
                    let existing: Option<(WindowId, String, ZoneId, DepartmentId)> = windows::table
                        .filter(windows::hall_id.eq(hall).and(windows::number.eq(r.number)))
                        .select((
                            windows::id,
                            windows::name,
                            windows::zone_id,
                            windows::department_id,
                        ))
                        .first(conn)
                        .optional()?;
                    match existing {
                        Some((_, n, z, d)) if n == r.name && z == zone && d == dept => {
                            s.unchanged += 1
                        }
                        Some((id, ..)) => {
                            diesel::update(windows::table.find(id))
                                .set((
                                    windows::name.eq(&r.name),
                                    windows::zone_id.eq(zone),
                                    windows::department_id.eq(dept),
                                ))
                                .execute(conn)?;
                            s.updated += 1;
                        }
                        None => {
                            diesel::insert_into(windows::table)
                                .values((
                                    windows::hall_id.eq(hall),
                                    windows::number.eq(r.number),
                                    windows::name.eq(&r.name),
                                    windows::zone_id.eq(zone),
                                    windows::department_id.eq(dept),
                                ))
                                .execute(conn)?;
                            s.created += 1;
                        }
                    }
                }
            }
            Kind::Items => {
                for (line, r) in read::<ItemRow>(text)? {
                    let hall = hall_id(conn, &mut halls_cache, &r.hall, line)?;
                    check_text(&r.code, line, "事项编码", 20)?;
                    check_text(&r.name, line, "事项名称", 200)?;
                    let dept = department(conn, hall, &r.department, line)?;
                    let category = Category::from_label(&r.category)
                        .ok_or_else(|| bad(line, "事项类型", "import-error-value"))?;
                    let delivery = Delivery::from_label(&r.delivery)
                        .ok_or_else(|| bad(line, "办件类型", "import-error-value"))?;
                    let subject = Subject::from_label(&r.subject)
                        .ok_or_else(|| bad(line, "服务对象", "import-error-value"))?;
                    let bookable = yes_no(&r.bookable_online)
                        .ok_or_else(|| bad(line, "网上预约", "import-error-value"))?;
                    if !(0..=365).contains(&r.legal_days) {
                        return Err(bad(line, "法定时限", "import-error-value"));
                    }
                    if !(0..=365).contains(&r.promised_days)
                        || (delivery == Delivery::Promised && r.promised_days < 1)
                    {
                        return Err(bad(line, "承诺时限", "import-error-value"));
                    }
                    let values = (
                        service_items::name.eq(&r.name),
                        service_items::department_id.eq(dept),
                        service_items::category.eq(category.as_str()),
                        service_items::delivery.eq(delivery.as_str()),
                        service_items::legal_days.eq(r.legal_days),
                        service_items::promised_days.eq(r.promised_days),
                        service_items::fee.eq(&r.fee),
                        service_items::subject.eq(subject.as_str()),
                        service_items::description.eq(&r.description),
                        service_items::bookable_online.eq(bookable),
                    );
                    let existing: Option<crate::catalog::models::ServiceItem> =
                        service_items::table
                            .filter(
                                service_items::hall_id
                                    .eq(hall)
                                    .and(service_items::code.eq(&r.code)),
                            )
                            .select(crate::catalog::models::ServiceItem::as_select())
                            .first(conn)
                            .optional()?;
                    match existing {
                        Some(i)
                            if i.name == r.name
                                && i.department_id == dept
                                && i.category == category
                                && i.delivery == delivery
                                && i.legal_days == r.legal_days
                                && i.promised_days == r.promised_days
                                && i.fee == r.fee
                                && i.subject == subject
                                && i.description == r.description
                                && i.bookable_online == bookable =>
                        {
                            s.unchanged += 1
                        }
                        Some(i) => {
                            diesel::update(service_items::table.find(i.id))
                                .set(values)
                                .execute(conn)?;
                            s.updated += 1;
                        }
                        None => {
                            diesel::insert_into(service_items::table)
                                .values((
                                    service_items::hall_id.eq(hall),
                                    service_items::code.eq(&r.code),
                                    values,
                                ))
                                .execute(conn)?;
                            s.created += 1;
                        }
                    }
                }
            }
            Kind::Materials => {
                // Each item in the file gets exactly the listed materials.
                let mut per_item: BTreeMap<ServiceId, Vec<(u64, MaterialRow)>> = BTreeMap::new();
                for (line, r) in read::<MaterialRow>(text)? {
                    let hall = hall_id(conn, &mut halls_cache, &r.hall, line)?;
                    let item = item_id(conn, hall, &r.item, line)?;
                    check_text(&r.name, line, "材料名称", 200)?;
                    MaterialForm::from_label(&r.form)
                        .ok_or_else(|| bad(line, "材料形式", "import-error-value"))?;
                    per_item.entry(item).or_default().push((line, r));
                }
                for (item, mut rows) in per_item {
                    rows.sort_by_key(|(_, r)| r.position);
                    let current: Vec<(String, String, String, String)> = service_materials::table
                        .filter(service_materials::service_id.eq(item))
                        .order(service_materials::position)
                        .select((
                            service_materials::name,
                            service_materials::form,
                            service_materials::copies,
                            service_materials::note,
                        ))
                        .load(conn)?;
                    let wanted: Vec<(String, String, String, String)> = rows
                        .iter()
                        .map(|(_, r)| {
                            (
                                r.name.clone(),
                                MaterialForm::from_label(&r.form)
                                    .map(|f| f.as_str().to_string())
                                    .unwrap_or_default(),
                                r.copies.clone(),
                                r.note.clone(),
                            )
                        })
                        .collect();
                    if current == wanted {
                        s.unchanged += wanted.len();
                        continue;
                    }
                    diesel::delete(
                        service_materials::table.filter(service_materials::service_id.eq(item)),
                    )
                    .execute(conn)?;
                    for (i, (name, form, copies, note)) in wanted.iter().enumerate() {
                        diesel::insert_into(service_materials::table)
                            .values((
                                service_materials::service_id.eq(item),
                                service_materials::position.eq(i as i32 + 1),
                                service_materials::name.eq(name),
                                service_materials::form.eq(form),
                                service_materials::copies.eq(copies),
                                service_materials::note.eq(note),
                            ))
                            .execute(conn)?;
                    }
                    s.updated += 1;
                }
            }
            Kind::Matrix => {
                // Each window in the file serves exactly the listed items.
                let mut per_window: BTreeMap<WindowId, Vec<ServiceId>> = BTreeMap::new();
                let mut first_line: HashMap<WindowId, u64> = HashMap::new();
                for (line, r) in read::<MatrixRow>(text)? {
                    let hall = hall_id(conn, &mut halls_cache, &r.hall, line)?;
                    let window: WindowId = windows::table
                        .filter(windows::hall_id.eq(hall).and(windows::number.eq(r.window)))
                        .select(windows::id)
                        .first(conn)
                        .optional()?
                        .ok_or_else(|| bad(line, "窗口号", "import-error-window"))?;
                    let item = item_id(conn, hall, &r.item, line)?;
                    first_line.entry(window).or_insert(line);
                    per_window.entry(window).or_default().push(item);
                }
                for (window, items) in per_window {
                    let current: Vec<ServiceId> = window_services::table
                        .filter(window_services::window_id.eq(window))
                        .select(window_services::service_id)
                        .load(conn)?;
                    for old in current.iter().filter(|c| !items.contains(c)) {
                        let booked: i64 = bookings::table
                            .filter(
                                bookings::window_id
                                    .eq(window)
                                    .and(bookings::service_id.eq(old)),
                            )
                            .filter(bookings::day.ge(today))
                            .filter(bookings::status.eq_any(BookingStatus::active_strs()))
                            .count()
                            .get_result(conn)?;
                        if booked > 0 {
                            return Err(bad(
                                first_line.get(&window).copied().unwrap_or(1),
                                "事项编码",
                                "import-error-stranded",
                            ));
                        }
                        s.removed += diesel::delete(window_services::table.find((window, *old)))
                            .execute(conn)?;
                    }
                    for new in items.iter() {
                        if current.contains(new) {
                            s.unchanged += 1;
                        } else {
                            let added = match conn {
                                DbConn::Sqlite(c) => diesel::insert_into(window_services::table)
                                    .values((
                                        window_services::window_id.eq(window),
                                        window_services::service_id.eq(new),
                                    ))
                                    .on_conflict_do_nothing()
                                    .execute(c)?,
                                DbConn::Pg(c) => diesel::insert_into(window_services::table)
                                    .values((
                                        window_services::window_id.eq(window),
                                        window_services::service_id.eq(new),
                                    ))
                                    .on_conflict_do_nothing()
                                    .execute(c)?,
                            };
                            s.created += added;
                        }
                    }
                }
            }
        }
        if apply {
            Ok(s)
        } else {
            Err(ImportError::DryRun(s))
        }
    })
    .or_else(|e| match e {
        ImportError::DryRun(s) => Ok(s),
        other => Err(other),
    })
}

#[get("/admin/export/{file}")]
async fn export_file(
    state: web::Data<AppState>,
    identity: Identity,
    file: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let name = file.into_inner();
    let kind: Kind = name
        .strip_suffix(".csv")
        .and_then(|k| k.parse().ok())
        .ok_or(AppError::NotFound)?;
    let rows = state.db.run(move |conn| export(conn, kind)).await?;
    csv_response(&name, rows)
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    ctx: PageCtx,
    kinds: Vec<(String, bool)>,
    text: String,
    summary: Option<Summary>,
    applied: bool,
    error: String,
}

async fn import_form(ctx: PageCtx, identity: Identity) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let kinds = Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), *k == Kind::Items))
        .collect();
    private_page(
        StatusCode::OK,
        &ImportPage {
            ctx,
            kinds,
            text: String::new(),
            summary: None,
            applied: false,
            error: String::new(),
        },
    )
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    apply: Option<String>,
}

async fn import_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<ImportForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let form = form.into_inner();
    let kind: Kind = form
        .kind
        .parse()
        .map_err(|_| AppError::invalid("invalid_kind", "unknown file kind"))?;
    let apply = form.apply.is_some();
    let today = local(state.clock.now_utc(), state.tz()).date();
    let text = form.text.clone();
    let result = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(import(conn, kind, &text, today, apply)) })
        .await?;
    if apply {
        let audit_result: Result<(), AppError> = result
            .as_ref()
            .map(|_| ())
            .map_err(|e| AppError::invalid("invalid", format!("{e:?}")));
        audit_action(
            &state,
            scope.account.actor(&client_ip(&req)),
            "admin.catalogue.import",
            kind.as_str().to_string(),
            &audit_result,
        )
        .await;
    }
    let kinds = Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), *k == kind))
        .collect();
    match result {
        Ok(summary) => private_page(
            StatusCode::OK,
            &ImportPage {
                ctx,
                kinds,
                text: if apply { String::new() } else { form.text },
                summary: Some(summary),
                applied: apply,
                error: String::new(),
            },
        ),
        Err(ImportError::Row(line, column, key)) => {
            let error = ctx.lang.t_args(
                "import-error-at",
                &[
                    ("line", (line as i64).into()),
                    ("column", column.into()),
                    ("problem", ctx.t(key).into()),
                ],
            );
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ImportPage {
                    ctx,
                    kinds,
                    text: form.text,
                    summary: None,
                    applied: false,
                    error,
                },
            )
        }
        Err(ImportError::Db(f)) => Err(f.into()),
        Err(ImportError::DryRun(_)) => Err(AppError::Internal("dry run escaped".into())),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export_file).service(
        web::resource("/admin/import")
            .app_data(web::FormConfig::default().limit(4 * 1024 * 1024))
            .route(web::get().to(import_form))
            .route(web::post().to(import_post)),
    );
}
