use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::catalog::import::{ImportError, import};
use crate::catalog::sheet::{BadRow, Kind};
use crate::db::DbConn;
use crate::db::ids::HallId;
use crate::db::schema::{
    calendar_days, departments, halls, service_items, service_materials, window_services, windows,
    zones,
};
use crate::hall::edit::{calendar_entry, day_hours, write_calendar, write_week};
use crate::hall::labels::ZhLabel;
use crate::hall::models::{HallLevel, NewHall, NewZone, OpeningHours};

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
    #[serde(rename = "监督投诉电话", default)]
    complaint_phone: String,
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

#[derive(Deserialize)]
struct CalendarRow {
    #[serde(rename = "日期")]
    day: String,
    #[serde(rename = "类型")]
    kind: String,
    #[serde(rename = "说明")]
    name: String,
}

fn file_text<'a>(files: &[(&str, &'a str)], name: &str) -> &'a str {
    files
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_default()
}

/// Reads every row of a compiled-in file; a bad row names its line.
fn rows<T: DeserializeOwned>(
    files: &[(&str, &str)],
    file: &'static str,
) -> Result<Vec<(u64, T)>, SeedError> {
    let mut reader = csv::Reader::from_reader(file_text(files, file).as_bytes());
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
    seed_files(conn, FILES, now, progress)
}

/// Loads catalogue files (named as in [`FILES`]) into an empty database.
type Files<'a> = [(&'a str, &'a str)];

/// The halls, by code.
fn seed_halls(
    conn: &mut DbConn,
    files: &Files,
    now: NaiveDateTime,
) -> Result<HashMap<String, HallId>, SeedError> {
    let mut hall_ids: HashMap<String, HallId> = HashMap::new();
    for (line, r) in rows::<HallRow>(files, "halls.csv")? {
        let level = HallLevel::from_label(&r.level)
            .ok_or_else(|| bad("halls.csv", line, "column 层级: admin-error-choice"))?;
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
                complaint_phone: if r.complaint_phone.is_empty() {
                    "12345"
                } else {
                    &r.complaint_phone
                },
                slot_minutes: r.slot_minutes,
                slot_capacity: r.slot_capacity,
                online_share_percent: r.online_share_percent,
                created_at: now,
            })
            .returning(halls::id)
            .get_result::<HallId>(conn)?;
        hall_ids.insert(r.code, id);
    }
    Ok(hall_ids)
}

fn seed_zones(
    conn: &mut DbConn,
    files: &Files,
    hall_ids: &HashMap<String, HallId>,
) -> Result<(), SeedError> {
    for (line, r) in rows::<ZoneRow>(files, "zones.csv")? {
        let hall_id = lookup(hall_ids, r.hall.clone(), "zones.csv", line)?;
        diesel::insert_into(zones::table)
            .values(NewZone {
                hall_id,
                letter: &r.letter,
                name: &r.name,
                floor: r.floor,
            })
            .execute(conn)?;
    }

    Ok(())
}

fn seed_hours(
    conn: &mut DbConn,
    files: &Files,
    hall_ids: &HashMap<String, HallId>,
) -> Result<(), SeedError> {
    // Opening hours and the calendar follow the hall rules of the forms.
    let mut weeks: HashMap<HallId, Vec<OpeningHours>> = HashMap::new();
    for (line, r) in rows::<HoursRow>(files, "opening_hours.csv")? {
        let hall_id = lookup(hall_ids, r.hall.clone(), "opening_hours.csv", line)?;
        let texts = [
            r.morning_start.as_str(),
            r.morning_end.as_str(),
            r.afternoon_start.as_str(),
            r.afternoon_end.as_str(),
        ];
        let day = day_hours(hall_id, r.weekday, texts)
            .ok_or_else(|| bad("opening_hours.csv", line, "column 星期: admin-error-hours"))?;
        weeks.entry(hall_id).or_default().push(day);
    }
    for (hall, week) in &weeks {
        write_week(conn, *hall, week)?;
    }

    Ok(())
}

fn seed_catalogue_files(conn: &mut DbConn, files: &Files) -> Result<(), SeedError> {
    // The catalogue proper goes through the import, and so through the
    // same rules as the admin forms.
    let catalogue = [
        (Kind::Departments, "departments.csv"),
        (Kind::Windows, "windows.csv"),
        (Kind::Items, "items.csv"),
        (Kind::Materials, "materials.csv"),
        (Kind::Matrix, "window_items.csv"),
    ];
    // An empty database holds no bookings to strand.
    let no_bookings = |_: &mut DbConn, _, _| Ok(0);
    for (kind, file) in catalogue {
        import(conn, kind, file_text(files, file), &no_bookings, true).map_err(|e| match e {
            ImportError::Row(BadRow { line, column, key }) => {
                bad(file, line, format!("column {column}: {key}"))
            }
            ImportError::Db(f) => SeedError::Db(f.0),
            ImportError::DryRun(_) => bad(file, 1, "dry run"),
        })?;
    }
    Ok(())
}

/// The calendar's days not yet known; how many were written.
fn seed_calendar(conn: &mut DbConn, files: &Files) -> Result<usize, SeedError> {
    let mut days = Vec::new();
    for (line, r) in rows::<CalendarRow>(files, "calendar.csv")? {
        let entry = calendar_entry(&r.day, &r.kind, &r.name)
            .filter(|(_, kind, _)| kind.is_some())
            .ok_or_else(|| bad("calendar.csv", line, "admin-error-calendar-line"))?;
        let known: i64 = calendar_days::table
            .filter(calendar_days::day.eq(entry.0))
            .count()
            .get_result(conn)?;
        if known == 0 {
            days.push(entry);
        }
    }
    Ok(write_calendar(conn, &days)?)
}

pub fn seed_files(
    conn: &mut DbConn,
    files: &[(&str, &str)],
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

        let hall_ids = seed_halls(conn, files, now)?;
        report.halls = hall_ids.len();
        progress(&format!("halls: {}", report.halls));

        seed_zones(conn, files, &hall_ids)?;
        seed_hours(conn, files, &hall_ids)?;
        seed_catalogue_files(conn, files)?;
        report.departments = departments::table.count().get_result::<i64>(conn)? as usize;
        progress(&format!("departments: {}", report.departments));
        report.windows = windows::table.count().get_result::<i64>(conn)? as usize;
        progress(&format!("windows: {}", report.windows));
        report.services = service_items::table.count().get_result::<i64>(conn)? as usize;
        progress(&format!("service items: {}", report.services));
        report.materials = service_materials::table.count().get_result::<i64>(conn)? as usize;
        progress(&format!("materials (一次性告知): {}", report.materials));
        report.matrix = window_services::table.count().get_result::<i64>(conn)? as usize;
        progress(&format!("window ↔ item matrix: {}", report.matrix));

        report.calendar_days = seed_calendar(conn, files)?;
        progress(&format!(
            "calendar days (holidays and 调休): {}",
            report.calendar_days
        ));
        Ok(report)
    })
}
