//! The catalogue as spreadsheets, in the format the import reads back.

use std::collections::HashMap;

use diesel::prelude::*;

use super::labels::ZhLabel;
use super::models::{Material, ServiceGuide, ServiceItem};
use super::sheet::{self, DepartmentRow, ItemRow, Kind, MaterialRow, MatrixRow, WindowRow};
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId};
use crate::db::schema::{
    departments, halls, service_items, service_materials, window_services, windows, zones,
};

/// Codes of halls and departments, by id: how the spreadsheets name them.
struct Codes {
    halls: HashMap<HallId, String>,
    departments: HashMap<DepartmentId, String>,
}

impl Codes {
    fn load(conn: &mut DbConn) -> QueryResult<Codes> {
        Ok(Codes {
            halls: halls::table
                .select((halls::id, halls::code))
                .load(conn)?
                .into_iter()
                .collect(),
            departments: departments::table
                .select((departments::id, departments::code))
                .load(conn)?
                .into_iter()
                .collect(),
        })
    }

    fn hall(&self, h: HallId) -> String {
        self.halls.get(&h).cloned().unwrap_or_default()
    }

    fn department(&self, d: DepartmentId) -> String {
        self.departments.get(&d).cloned().unwrap_or_default()
    }
}

/// The rows of one export file, in a stable order.
pub fn export(conn: &mut DbConn, kind: Kind) -> QueryResult<Vec<Vec<String>>> {
    let codes = Codes::load(conn)?;
    match kind {
        Kind::Departments => departments(conn, &codes),
        Kind::Windows => windows_sheet(conn, &codes),
        Kind::Items => items(conn, &codes),
        Kind::Materials => materials(conn, &codes),
        Kind::Matrix => matrix(conn, &codes),
    }
}

fn departments(conn: &mut DbConn, codes: &Codes) -> QueryResult<Vec<Vec<String>>> {
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
            hall: codes.hall(h),
            code,
            name,
            short_name,
            phone,
        })
        .collect();
    Ok(sheet::write(rows))
}

fn windows_sheet(conn: &mut DbConn, codes: &Codes) -> QueryResult<Vec<Vec<String>>> {
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
            hall: codes.hall(h),
            number,
            name,
            zone,
            department: codes.department(d),
        })
        .collect();
    Ok(sheet::write(rows))
}

fn items(conn: &mut DbConn, codes: &Codes) -> QueryResult<Vec<Vec<String>>> {
    let list: Vec<(ServiceItem, ServiceGuide)> = service_items::table
        .order((service_items::hall_id, service_items::code))
        .select((ServiceItem::as_select(), ServiceGuide::as_select()))
        .load(conn)?;
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    let rows: Vec<ItemRow> = list
        .into_iter()
        .map(|(i, g)| ItemRow {
            hall: codes.hall(i.hall_id),
            code: i.code,
            name: i.name,
            department: codes.department(i.department_id),
            category: i.category.zh_label().to_string(),
            delivery: i.delivery.zh_label().to_string(),
            legal_days: i.legal_days,
            promised_days: i.promised_days,
            fee: i.fee,
            subject: i.subject.zh_label().to_string(),
            bookable_online: yes(i.bookable_online),
            description: i.description,
            legal_basis: Some(g.legal_basis),
            conditions: Some(g.conditions),
            visits: Some(g.visits.to_string()),
            online: Some(yes(g.online)),
            by_post: Some(yes(g.by_post)),
            scope: Some(g.scope.zh_label().to_string()),
            fee_basis: Some(g.fee_basis),
            result: Some(g.result),
            result_delivery: Some(g.result_delivery),
        })
        .collect();
    Ok(sheet::write(rows))
}

fn materials(conn: &mut DbConn, codes: &Codes) -> QueryResult<Vec<Vec<String>>> {
    let list: Vec<(HallId, String, Material)> = service_materials::table
        .inner_join(service_items::table)
        .order((
            service_items::hall_id,
            service_items::code,
            service_materials::position,
        ))
        .select((
            service_items::hall_id,
            service_items::code,
            Material::as_select(),
        ))
        .load(conn)?;
    let rows: Vec<MaterialRow> = list
        .into_iter()
        .map(|(h, item, m)| MaterialRow {
            hall: codes.hall(h),
            item,
            position: m.position,
            name: m.name,
            form: m.form.zh_label().to_string(),
            copies: m.copies,
            medium: m.medium.zh_label().to_string(),
            necessity: m.necessity.zh_label().to_string(),
            source: m.source.zh_label().to_string(),
            note: m.note,
        })
        .collect();
    Ok(sheet::write(rows))
}

fn matrix(conn: &mut DbConn, codes: &Codes) -> QueryResult<Vec<Vec<String>>> {
    let list: Vec<(HallId, i32, String)> = window_services::table
        .inner_join(windows::table)
        .inner_join(service_items::table)
        .order((windows::hall_id, windows::number, service_items::code))
        .select((windows::hall_id, windows::number, service_items::code))
        .load(conn)?;
    let rows: Vec<MatrixRow> = list
        .into_iter()
        .map(|(h, window, item)| MatrixRow {
            hall: codes.hall(h),
            window,
            item,
        })
        .collect();
    Ok(sheet::write(rows))
}
