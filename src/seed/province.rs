//! A whole province's network of halls for measuring at scale (`onestop
//! generate-province`): Inner Mongolia's 12 leagues and cities, 103 counties
//! and districts, about 1,000 streets and townships and 14,000 communities
//! and villages, each hall a copy of the built-in hall of its level (its
//! zones, departments, items with their materials, windows, what each
//! window serves and its opening hours), linked into the four-level tree.
//! The copies are made level by level with set-based statements, so a
//! province takes seconds, not hours, on PostgreSQL.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::db::DbConn;
use crate::hall::models::HallLevel;

/// How many halls of each level the province has in all (the built-in
/// ones included).
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub cities: usize,
    pub districts: usize,
    pub streets: usize,
    pub communities: usize,
}

impl Default for Sizes {
    fn default() -> Self {
        Sizes {
            cities: 12,
            districts: 103,
            streets: 1000,
            communities: 14_000,
        }
    }
}

const CITY_NAMES: [&str; 12] = [
    "乌海",
    "呼和浩特",
    "包头",
    "赤峰",
    "通辽",
    "鄂尔多斯",
    "呼伦贝尔",
    "巴彦淖尔",
    "乌兰察布",
    "兴安盟",
    "锡林郭勒盟",
    "阿拉善盟",
];

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Integer)]
    id: i32,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn ids(conn: &mut DbConn, sql: &str) -> QueryResult<Vec<i32>> {
    Ok(diesel::sql_query(sql)
        .load::<Id>(conn)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

fn count(conn: &mut DbConn, sql: &str) -> QueryResult<i64> {
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

/// What was made: halls per level and rows copied.
#[derive(Debug, Default)]
pub struct ProvinceReport {
    pub halls: [usize; 4],
    pub items: i64,
    pub windows: i64,
    pub departments: i64,
}

/// Adds halls until each level has `sizes`; returns what was made.
pub fn generate(
    conn: &mut DbConn,
    sizes: Sizes,
    progress: &mut dyn FnMut(&str),
) -> QueryResult<ProvinceReport> {
    let mut report = ProvinceReport::default();
    let levels = [
        (HallLevel::City, sizes.cities),
        (HallLevel::District, sizes.districts),
        (HallLevel::Street, sizes.streets),
        (HallLevel::Community, sizes.communities),
    ];
    let mut parents: Vec<i32> = Vec::new();
    for (i, (level, want)) in levels.into_iter().enumerate() {
        let level_sql = level.as_str();
        let existing = ids(
            conn,
            &format!("SELECT id FROM halls WHERE level = '{level_sql}' ORDER BY id"),
        )?;
        let Some(&template) = existing.first() else {
            progress(&format!("no built-in {level_sql} hall to copy"));
            continue;
        };
        let made =
            conn.transaction(|conn| copy_level(conn, level, template, &existing, want, &parents))?;
        report.halls[i] = made;
        progress(&format!(
            "{level_sql}: {} halls in all, {made} new",
            existing.len() + made
        ));
        parents = ids(
            conn,
            &format!("SELECT id FROM halls WHERE level = '{level_sql}' ORDER BY id"),
        )?;
    }
    report.items = count(conn, "SELECT count(*) AS n FROM service_items")?;
    report.windows = count(conn, "SELECT count(*) AS n FROM windows")?;
    report.departments = count(conn, "SELECT count(*) AS n FROM departments")?;
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("VACUUM ANALYZE").execute(c)?;
    }
    Ok(report)
}

/// A year (or `days`) of history for every city hall that has none yet.
pub fn city_histories(
    conn: &mut DbConn,
    days: i64,
    per_day: usize,
    today: chrono::NaiveDate,
    tz: chrono_tz::Tz,
    progress: &mut dyn FnMut(&str),
) -> QueryResult<()> {
    let cities: Vec<_> = crate::hall::repo::list_halls(conn)?
        .into_iter()
        .filter(|h| h.level == HallLevel::City)
        .collect();
    for hall in cities {
        if super::history::has_past_tickets(conn, hall.id, today)? {
            continue;
        }
        let t = std::time::Instant::now();
        let r = super::history::generate(conn, hall.id, days, per_day, today, tz, &mut |_| {})?;
        progress(&format!(
            "history of {}: {} bookings, {} tickets in {:.1} s",
            hall.name,
            r.bookings,
            r.tickets,
            t.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}

/// New halls of one level copied from `template`, each under a parent of
/// the level above in turn.
fn copy_level(
    conn: &mut DbConn,
    level: HallLevel,
    template: i32,
    existing: &[i32],
    want: usize,
    parents: &[i32],
) -> QueryResult<usize> {
    let new = want.saturating_sub(existing.len());
    if new == 0 {
        return Ok(0);
    }
    diesel::sql_query("CREATE TEMPORARY TABLE IF NOT EXISTS province_map (hall_id INTEGER PRIMARY KEY, template_id INTEGER NOT NULL)").execute(conn)?;
    diesel::sql_query("DELETE FROM province_map").execute(conn)?;
    let hall_columns = "address, phone, slot_minutes, slot_capacity, online_share_percent, active, \
        created_at, booking_horizon_days, same_day_cutoff, min_lead_minutes, cancel_cutoff_minutes, \
        max_active_bookings, no_show_limit, no_show_window_days, suspension_days, checkin_early_minutes, \
        checkin_late_minutes, starvation_minutes, complaint_phone, waitlist_hold_minutes, \
        release_delay_minutes, cancel_limit, cancel_window_days, cancel_suspension_days, \
        limit_counts_items, follow_up_days, default_rating_days, default_rating_grade";
    for n in 0..new {
        let seq = existing.len() + n + 1;
        let parent = if parents.is_empty() {
            None
        } else {
            Some(parents[n % parents.len()])
        };
        let (code, name) = names(level, seq, parent);
        let id = diesel::sql_query(format!(
            "INSERT INTO halls (code, name, level, parent_id, {hall_columns}) \
             SELECT $1, $2, level, $3, {hall_columns} FROM halls WHERE id = $4 RETURNING id"
        ))
        .bind::<Text, _>(code)
        .bind::<Text, _>(name)
        .bind::<diesel::sql_types::Nullable<Integer>, _>(parent)
        .bind::<Integer, _>(template)
        .get_result::<Id>(conn)?
        .id;
        diesel::sql_query("INSERT INTO province_map (hall_id, template_id) VALUES ($1, $2)")
            .bind::<Integer, _>(id)
            .bind::<Integer, _>(template)
            .execute(conn)?;
    }
    for statement in COPIES {
        diesel::sql_query(*statement).execute(conn)?;
    }
    Ok(new)
}

fn names(level: HallLevel, seq: usize, parent: Option<i32>) -> (String, String) {
    let p = parent.unwrap_or(0);
    match level {
        HallLevel::City => {
            let city = CITY_NAMES.get(seq - 1).copied().unwrap_or("新城");
            (format!("PV-C{seq:02}"), format!("{city}市民服务中心"))
        }
        HallLevel::District => (
            format!("PV-D{seq:03}"),
            format!("第{seq}旗县区政务服务中心（上级 {p}）"),
        ),
        HallLevel::Street => (
            format!("PV-S{seq:04}"),
            format!("第{seq}苏木乡镇街道便民服务中心"),
        ),
        HallLevel::Community => (
            format!("PV-V{seq:05}"),
            format!("第{seq}嘎查村社区便民服务站"),
        ),
    }
}

/// Everything of a template hall copied to the halls of `province_map`,
/// matched by the keys unique within a hall (zone letter, department and
/// item codes, window numbers).
const COPIES: &[&str] = &[
    "INSERT INTO zones (hall_id, letter, name, floor)
     SELECT m.hall_id, z.letter, z.name, z.floor FROM province_map m JOIN zones z ON z.hall_id = m.template_id",
    "INSERT INTO opening_hours (hall_id, weekday, morning_start, morning_end, afternoon_start, afternoon_end)
     SELECT m.hall_id, o.weekday, o.morning_start, o.morning_end, o.afternoon_start, o.afternoon_end
     FROM province_map m JOIN opening_hours o ON o.hall_id = m.template_id",
    "INSERT INTO departments (hall_id, code, name, short_name, phone, sort_order, active)
     SELECT m.hall_id, d.code, d.name, d.short_name, d.phone, d.sort_order, d.active
     FROM province_map m JOIN departments d ON d.hall_id = m.template_id",
    "INSERT INTO service_items (hall_id, department_id, code, name, category, delivery, legal_days,
        promised_days, fee, subject, description, bookable_online, active, walk_in_quota,
        target_wait_minutes, avg_service_minutes, legal_basis, conditions, visits, online, by_post,
        scope, fee_basis, result, result_delivery, max_extension_days, supplement_stops_clock)
     SELECT m.hall_id, nd.id, s.code, s.name, s.category, s.delivery, s.legal_days,
        s.promised_days, s.fee, s.subject, s.description, s.bookable_online, s.active, s.walk_in_quota,
        s.target_wait_minutes, s.avg_service_minutes, s.legal_basis, s.conditions, s.visits, s.online,
        s.by_post, s.scope, s.fee_basis, s.result, s.result_delivery, s.max_extension_days,
        s.supplement_stops_clock
     FROM province_map m JOIN service_items s ON s.hall_id = m.template_id
     JOIN departments od ON od.id = s.department_id
     JOIN departments nd ON nd.hall_id = m.hall_id AND nd.code = od.code",
    "INSERT INTO service_materials (service_id, position, name, form, copies, note, medium, necessity, source)
     SELECT ns.id, sm.position, sm.name, sm.form, sm.copies, sm.note, sm.medium, sm.necessity, sm.source
     FROM province_map m JOIN service_items os ON os.hall_id = m.template_id
     JOIN service_materials sm ON sm.service_id = os.id
     JOIN service_items ns ON ns.hall_id = m.hall_id AND ns.code = os.code",
    "INSERT INTO windows (hall_id, number, name, zone_id, department_id, active, paused)
     SELECT m.hall_id, w.number, w.name, nz.id, nd.id, w.active, w.paused
     FROM province_map m JOIN windows w ON w.hall_id = m.template_id
     JOIN zones oz ON oz.id = w.zone_id JOIN zones nz ON nz.hall_id = m.hall_id AND nz.letter = oz.letter
     JOIN departments od ON od.id = w.department_id
     JOIN departments nd ON nd.hall_id = m.hall_id AND nd.code = od.code",
    "INSERT INTO window_services (window_id, service_id)
     SELECT nw.id, ns.id FROM province_map m JOIN windows ow ON ow.hall_id = m.template_id
     JOIN window_services ws ON ws.window_id = ow.id JOIN service_items os ON os.id = ws.service_id
     JOIN windows nw ON nw.hall_id = m.hall_id AND nw.number = ow.number
     JOIN service_items ns ON ns.hall_id = m.hall_id AND ns.code = os.code",
];
