//! The catalogue as spreadsheets, in the format the import reads back.

use std::collections::HashMap;

use diesel::prelude::*;

use super::labels::ZhLabel;
use super::models::{MaterialForm, ServiceItem};
use super::sheet::{self, DepartmentRow, ItemRow, Kind, MaterialRow, MatrixRow, WindowRow};
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId};
use crate::db::schema::{
    departments, halls, service_items, service_materials, window_services, windows, zones,
};

fn hall_codes(conn: &mut DbConn) -> QueryResult<HashMap<HallId, String>> {
    Ok(halls::table
        .select((halls::id, halls::code))
        .load::<(HallId, String)>(conn)?
        .into_iter()
        .collect())
}

/// The rows of one export file, in a stable order.
pub fn export(conn: &mut DbConn, kind: Kind) -> QueryResult<Vec<Vec<String>>> {
    let codes = hall_codes(conn)?;
    let hall = |h: HallId| codes.get(&h).cloned().unwrap_or_default();
    let dept_codes: HashMap<DepartmentId, String> = departments::table
        .select((departments::id, departments::code))
        .load(conn)?
        .into_iter()
        .collect();
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
            sheet::write(rows)
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
            sheet::write(rows)
        }
        Kind::Items => {
            let list: Vec<ServiceItem> = service_items::table
                .order((service_items::hall_id, service_items::code))
                .select(ServiceItem::as_select())
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
            sheet::write(rows)
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
            sheet::write(rows)
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
            sheet::write(rows)
        }
    })
}
