use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::labels::{ZhLabel, yes_no};
use crate::catalog::models::{
    Category, Delivery, MaterialForm, NewDepartment, NewMaterial, NewServiceItem, NewWindow,
    Subject, WindowService,
};
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId, ZoneId};
use crate::db::schema::{
    calendar_days, departments, halls, opening_hours, service_items, service_materials,
    window_services, windows, zones,
};
use crate::hall::models::{CalendarDay, DayKind, HallLevel, NewHall, NewZone, OpeningHours};

/// The built-in catalogue files, in loading order.
pub const FILES: &[(&str, &str)] = &[
    ("halls.csv", include_str!("../../data/catalogue/halls.csv")),
    ("zones.csv", include_str!("../../data/catalogue/zones.csv")),
    (
        "opening_hours.csv",
        include_str!("../../data/catalogue/opening_hours.csv"),
    ),
    (
        "departments.csv",
        include_str!("../../data/catalogue/departments.csv"),
    ),
    (
        "windows.csv",
        include_str!("../../data/catalogue/windows.csv"),
    ),
    ("items.csv", include_str!("../../data/catalogue/items.csv")),
    (
        "materials.csv",
        include_str!("../../data/catalogue/materials.csv"),
    ),
    (
        "window_items.csv",
        include_str!("../../data/catalogue/window_items.csv"),
    ),
    (
        "calendar.csv",
        include_str!("../../data/catalogue/calendar.csv"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{file} line {line}: {message}")]
    Row {
        file: &'static str,
        line: u64,
        message: String,
    },
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub already_seeded: bool,
    pub halls: usize,
    pub departments: usize,
    pub windows: usize,
    pub services: usize,
    pub materials: usize,
    pub matrix: usize,
    pub calendar_days: usize,
}

#[derive(Deserialize)]
struct HallRow {
    #[serde(rename = "编码")]
    code: String,
    #[serde(rename = "名称")]
    name: String,
    #[serde(rename = "层级")]
    level: String,
    #[serde(rename = "上级编码")]
    parent: String,
    #[serde(rename = "地址")]
    address: String,
    #[serde(rename = "咨询电话")]
    phone: String,
    #[serde(rename = "时段分钟")]
    slot_minutes: i32,
    #[serde(rename = "每窗口每时段容量")]
    slot_capacity: i32,
    #[serde(rename = "网上预约占比")]
    online_share_percent: i32,
}

#[derive(Deserialize)]
struct ZoneRow {
    #[serde(rename = "大厅")]
    hall: String,
    #[serde(rename = "分区")]
    letter: String,
    #[serde(rename = "名称")]
    name: String,
    #[serde(rename = "楼层")]
    floor: i32,
}

#[derive(Deserialize)]
struct HoursRow {
    #[serde(rename = "大厅")]
    hall: String,
    #[serde(rename = "星期")]
    weekday: i32,
    #[serde(rename = "上午开始")]
    morning_start: String,
    #[serde(rename = "上午结束")]
    morning_end: String,
    #[serde(rename = "下午开始")]
    afternoon_start: String,
    #[serde(rename = "下午结束")]
    afternoon_end: String,
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

#[derive(Deserialize)]
struct CalendarRow {
    #[serde(rename = "日期")]
    day: String,
    #[serde(rename = "类型")]
    kind: String,
    #[serde(rename = "说明")]
    name: String,
}

fn file_text(name: &'static str) -> &'static str {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_default()
}

/// Reads every row of a compiled-in file; a bad row names its line.
fn rows<T: DeserializeOwned>(file: &'static str) -> Result<Vec<(u64, T)>, SeedError> {
    let mut reader = csv::Reader::from_reader(file_text(file).as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<T>().enumerate() {
        let line = i as u64 + 2; // line 1 is the header
        out.push((line, row.map_err(|e| bad(file, line, e.to_string()))?));
    }
    Ok(out)
}

fn bad(file: &'static str, line: u64, message: impl Into<String>) -> SeedError {
    SeedError::Row {
        file,
        line,
        message: message.into(),
    }
}

fn label<T: ZhLabel>(
    file: &'static str,
    line: u64,
    column: &str,
    value: &str,
) -> Result<T, SeedError> {
    T::from_label(value).ok_or_else(|| {
        bad(
            file,
            line,
            format!("column {column}: unknown value '{value}'"),
        )
    })
}

fn time(file: &'static str, line: u64, value: &str) -> Result<Option<NaiveTime>, SeedError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    NaiveTime::parse_from_str(value.trim(), "%H:%M")
        .map(Some)
        .map_err(|_| bad(file, line, format!("'{value}' is not a time HH:MM")))
}

fn lookup<K: std::hash::Hash + Eq + std::fmt::Debug, V: Copy>(
    map: &HashMap<K, V>,
    key: K,
    file: &'static str,
    line: u64,
) -> Result<V, SeedError> {
    map.get(&key)
        .copied()
        .ok_or_else(|| bad(file, line, format!("unknown reference {key:?}")))
}

/// Loads the built-in catalogue into an empty database. Returns
/// `already_seeded` without touching anything when halls exist.
pub fn seed_catalogue(
    conn: &mut DbConn,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(&str),
) -> Result<SeedReport, SeedError> {
    crate::db::write_transaction(conn, |conn| {
        let existing: i64 = halls::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(SeedReport {
                already_seeded: true,
                ..Default::default()
            });
        }
        let mut report = SeedReport::default();

        let mut hall_ids: HashMap<String, HallId> = HashMap::new();
        for (line, r) in rows::<HallRow>("halls.csv")? {
            let level: HallLevel = label("halls.csv", line, "层级", &r.level)?;
            let parent_id = match r.parent.trim() {
                "" => None,
                p => Some(lookup(&hall_ids, p.to_string(), "halls.csv", line)?),
            };
            let id = diesel::insert_into(halls::table)
                .values(NewHall {
                    code: &r.code,
                    name: &r.name,
                    level,
                    parent_id,
                    address: &r.address,
                    phone: &r.phone,
                    slot_minutes: r.slot_minutes,
                    slot_capacity: r.slot_capacity,
                    online_share_percent: r.online_share_percent,
                    created_at: now,
                })
                .returning(halls::id)
                .get_result::<HallId>(conn)?;
            hall_ids.insert(r.code, id);
        }
        report.halls = hall_ids.len();
        progress(&format!("halls: {}", report.halls));

        let mut zone_ids: HashMap<(HallId, String), ZoneId> = HashMap::new();
        for (line, r) in rows::<ZoneRow>("zones.csv")? {
            let hall_id = lookup(&hall_ids, r.hall.clone(), "zones.csv", line)?;
            let id = diesel::insert_into(zones::table)
                .values(NewZone {
                    hall_id,
                    letter: &r.letter,
                    name: &r.name,
                    floor: r.floor,
                })
                .returning(zones::id)
                .get_result::<ZoneId>(conn)?;
            zone_ids.insert((hall_id, r.letter), id);
        }

        for (line, r) in rows::<HoursRow>("opening_hours.csv")? {
            if !(1..=7).contains(&r.weekday) {
                return Err(bad(
                    "opening_hours.csv",
                    line,
                    "星期 must be 1 (Monday) to 7 (Sunday)",
                ));
            }
            diesel::insert_into(opening_hours::table)
                .values(OpeningHours {
                    hall_id: lookup(&hall_ids, r.hall.clone(), "opening_hours.csv", line)?,
                    weekday: r.weekday,
                    morning_start: time("opening_hours.csv", line, &r.morning_start)?,
                    morning_end: time("opening_hours.csv", line, &r.morning_end)?,
                    afternoon_start: time("opening_hours.csv", line, &r.afternoon_start)?,
                    afternoon_end: time("opening_hours.csv", line, &r.afternoon_end)?,
                })
                .execute(conn)?;
        }

        let mut dept_ids: HashMap<(HallId, String), DepartmentId> = HashMap::new();
        for (order, (line, r)) in rows::<DepartmentRow>("departments.csv")?
            .into_iter()
            .enumerate()
        {
            let hall_id = lookup(&hall_ids, r.hall.clone(), "departments.csv", line)?;
            let id = diesel::insert_into(departments::table)
                .values(NewDepartment {
                    hall_id,
                    code: &r.code,
                    name: &r.name,
                    short_name: &r.short_name,
                    phone: &r.phone,
                    sort_order: order as i32,
                })
                .returning(departments::id)
                .get_result::<DepartmentId>(conn)?;
            dept_ids.insert((hall_id, r.code), id);
        }
        report.departments = dept_ids.len();
        progress(&format!("departments: {}", report.departments));

        let mut window_ids: HashMap<(HallId, i32), WindowId> = HashMap::new();
        for (line, r) in rows::<WindowRow>("windows.csv")? {
            let hall_id = lookup(&hall_ids, r.hall.clone(), "windows.csv", line)?;
            let id = diesel::insert_into(windows::table)
                .values(NewWindow {
                    hall_id,
                    number: r.number,
                    name: &r.name,
                    zone_id: lookup(&zone_ids, (hall_id, r.zone.clone()), "windows.csv", line)?,
                    department_id: lookup(
                        &dept_ids,
                        (hall_id, r.department.clone()),
                        "windows.csv",
                        line,
                    )?,
                })
                .returning(windows::id)
                .get_result::<WindowId>(conn)?;
            window_ids.insert((hall_id, r.number), id);
        }
        report.windows = window_ids.len();
        progress(&format!("windows: {}", report.windows));

        let mut item_ids: HashMap<(HallId, String), ServiceId> = HashMap::new();
        for (line, r) in rows::<ItemRow>("items.csv")? {
            let f = "items.csv";
            let hall_id = lookup(&hall_ids, r.hall.clone(), f, line)?;
            let delivery: Delivery = label(f, line, "办件类型", &r.delivery)?;
            if delivery == Delivery::Promised && r.promised_days <= 0 {
                return Err(bad(f, line, "a 承诺件 needs 承诺时限 > 0"));
            }
            let id = diesel::insert_into(service_items::table)
                .values(NewServiceItem {
                    hall_id,
                    department_id: lookup(&dept_ids, (hall_id, r.department.clone()), f, line)?,
                    code: &r.code,
                    name: &r.name,
                    category: label::<Category>(f, line, "事项类型", &r.category)?,
                    delivery,
                    legal_days: r.legal_days,
                    promised_days: r.promised_days,
                    fee: &r.fee,
                    subject: label::<Subject>(f, line, "服务对象", &r.subject)?,
                    description: &r.description,
                    bookable_online: yes_no(&r.bookable_online)
                        .ok_or_else(|| bad(f, line, "网上预约 must be 是 or 否"))?,
                })
                .returning(service_items::id)
                .get_result::<ServiceId>(conn)?;
            item_ids.insert((hall_id, r.code), id);
        }
        report.services = item_ids.len();
        progress(&format!("service items: {}", report.services));

        let mut materials = Vec::new();
        for (line, r) in rows::<MaterialRow>("materials.csv")? {
            let hall_id = lookup(&hall_ids, r.hall.clone(), "materials.csv", line)?;
            materials.push(NewMaterial {
                service_id: lookup(&item_ids, (hall_id, r.item.clone()), "materials.csv", line)?,
                position: r.position,
                name: r.name,
                form: label::<MaterialForm>("materials.csv", line, "材料形式", &r.form)?,
                copies: r.copies,
                note: r.note,
            });
        }
        report.materials = insert_materials(conn, &materials)?;
        progress(&format!("materials (一次性告知): {}", report.materials));

        let mut matrix = Vec::new();
        for (line, r) in rows::<MatrixRow>("window_items.csv")? {
            let hall_id = lookup(&hall_ids, r.hall.clone(), "window_items.csv", line)?;
            matrix.push(WindowService {
                window_id: lookup(&window_ids, (hall_id, r.window), "window_items.csv", line)?,
                service_id: lookup(
                    &item_ids,
                    (hall_id, r.item.clone()),
                    "window_items.csv",
                    line,
                )?,
            });
        }
        report.matrix = insert_matrix(conn, &matrix)?;
        progress(&format!("window ↔ item matrix: {}", report.matrix));

        let mut days = Vec::new();
        for (line, r) in rows::<CalendarRow>("calendar.csv")? {
            let day = NaiveDate::parse_from_str(r.day.trim(), "%Y-%m-%d").map_err(|_| {
                bad(
                    "calendar.csv",
                    line,
                    format!("'{}' is not a date YYYY-MM-DD", r.day),
                )
            })?;
            let kind: DayKind = label("calendar.csv", line, "类型", &r.kind)?;
            days.push(CalendarDay {
                day,
                kind,
                name: r.name,
            });
        }
        for d in &days {
            let exists: i64 = calendar_days::table
                .filter(calendar_days::day.eq(d.day))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                diesel::insert_into(calendar_days::table)
                    .values(d.clone())
                    .execute(conn)?;
                report.calendar_days += 1;
            }
        }
        progress(&format!(
            "calendar days (holidays and 调休): {}",
            report.calendar_days
        ));
        Ok(report)
    })
}

/// Multi-row inserts do not compile through `MultiConnection`, so they go
/// to the concrete connection; chunks stay well under both backends'
/// bind-parameter limits.
fn insert_materials(conn: &mut DbConn, rows: &[NewMaterial]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(500) {
        n += match conn {
            DbConn::Sqlite(c) => diesel::insert_into(service_materials::table)
                .values(chunk.to_vec())
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(service_materials::table)
                .values(chunk.to_vec())
                .execute(c)?,
        };
    }
    Ok(n)
}

fn insert_matrix(conn: &mut DbConn, rows: &[WindowService]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(1000) {
        n += match conn {
            DbConn::Sqlite(c) => diesel::insert_into(window_services::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(window_services::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(n)
}
