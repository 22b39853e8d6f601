use std::collections::HashMap;

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::models::{
    Category, Department, Material, ServiceFile, ServiceGuide, ServiceItem, Window,
};
use super::search::{self, Fields, Query};
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId};
use crate::db::schema::{
    departments, service_files, service_items, service_materials, window_services, windows, zones,
};
use crate::hall::models::Zone;

/// A department with how many windows and items it has.
#[derive(Debug, Clone)]
pub struct DepartmentSummary {
    pub department: Department,
    pub window_count: i64,
    pub service_count: i64,
}

pub fn list_departments(
    conn: &mut DbConn,
    hall: Option<HallId>,
) -> QueryResult<Vec<DepartmentSummary>> {
    let mut query = departments::table
        .filter(departments::active.eq(true))
        .order((
            departments::hall_id,
            departments::sort_order,
            departments::id,
        ))
        .select(Department::as_select())
        .into_boxed();
    if let Some(h) = hall {
        query = query.filter(departments::hall_id.eq(h));
    }
    let list = query.load(conn)?;
    // Counted for the one hall asked about: a province holds thousands.
    let mut windows_q = windows::table
        .filter(windows::active.eq(true))
        .group_by(windows::department_id)
        .select((windows::department_id, count_star()))
        .into_boxed();
    let mut items_q = service_items::table
        .filter(service_items::active.eq(true))
        .group_by(service_items::department_id)
        .select((service_items::department_id, count_star()))
        .into_boxed();
    if let Some(h) = hall {
        windows_q = windows_q.filter(windows::hall_id.eq(h));
        items_q = items_q.filter(service_items::hall_id.eq(h));
    }
    let window_counts: HashMap<DepartmentId, i64> = windows_q
        .load::<(DepartmentId, i64)>(conn)?
        .into_iter()
        .collect();
    let service_counts: HashMap<DepartmentId, i64> = items_q
        .load::<(DepartmentId, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(list
        .into_iter()
        .map(|d| DepartmentSummary {
            window_count: window_counts.get(&d.id).copied().unwrap_or(0),
            service_count: service_counts.get(&d.id).copied().unwrap_or(0),
            department: d,
        })
        .collect())
}

pub fn find_department(conn: &mut DbConn, id: DepartmentId) -> QueryResult<Option<Department>> {
    departments::table
        .find(id)
        .filter(departments::active.eq(true))
        .select(Department::as_select())
        .first(conn)
        .optional()
}

/// Active windows with their zone and the ids of the items each serves.
pub fn list_windows(
    conn: &mut DbConn,
    hall: Option<HallId>,
) -> QueryResult<Vec<(Window, Zone, Vec<ServiceId>)>> {
    let mut query = windows::table
        .inner_join(zones::table)
        .filter(windows::active.eq(true))
        .order((windows::hall_id, windows::number))
        .select((Window::as_select(), Zone::as_select()))
        .into_boxed();
    if let Some(h) = hall {
        query = query.filter(windows::hall_id.eq(h));
    }
    let list = query.load(conn)?;
    let mut matrix: HashMap<WindowId, Vec<ServiceId>> = HashMap::new();
    let mut pairs = window_services::table
        .inner_join(service_items::table)
        .filter(service_items::active.eq(true))
        .select((window_services::window_id, window_services::service_id))
        .into_boxed();
    if let Some(h) = hall {
        pairs = pairs.filter(service_items::hall_id.eq(h));
    }
    for (w, s) in pairs
        .order((window_services::window_id, window_services::service_id))
        .load::<(WindowId, ServiceId)>(conn)?
    {
        matrix.entry(w).or_default().push(s);
    }
    Ok(list
        .into_iter()
        .map(|(w, z)| {
            let ids = matrix.remove(&w.id).unwrap_or_default();
            (w, z, ids)
        })
        .collect())
}

/// A window with its zone, and whether it is a 综合窗口 (serves items of
/// more than one department).
#[derive(Debug, Clone)]
pub struct WindowPlace {
    pub window: Window,
    pub zone: Zone,
    pub comprehensive: bool,
}

fn with_places(conn: &mut DbConn, list: Vec<(Window, Zone)>) -> QueryResult<Vec<WindowPlace>> {
    let ids: Vec<WindowId> = list.iter().map(|(w, _)| w.id).collect();
    let mut depts_per_window: HashMap<WindowId, Vec<DepartmentId>> = HashMap::new();
    for (w, d) in window_services::table
        .inner_join(service_items::table)
        .filter(window_services::window_id.eq_any(&ids))
        .filter(service_items::active.eq(true))
        .select((window_services::window_id, service_items::department_id))
        .distinct()
        .load::<(WindowId, DepartmentId)>(conn)?
    {
        depts_per_window.entry(w).or_default().push(d);
    }
    Ok(list
        .into_iter()
        .map(|(window, zone)| WindowPlace {
            comprehensive: depts_per_window
                .get(&window.id)
                .is_some_and(|d| d.len() > 1),
            window,
            zone,
        })
        .collect())
}

pub fn windows_of_department(
    conn: &mut DbConn,
    dept: DepartmentId,
) -> QueryResult<Vec<WindowPlace>> {
    let list = windows::table
        .inner_join(zones::table)
        .filter(windows::department_id.eq(dept))
        .filter(windows::active.eq(true))
        .order(windows::number)
        .select((Window::as_select(), Zone::as_select()))
        .load(conn)?;
    with_places(conn, list)
}

pub fn find_window(conn: &mut DbConn, id: WindowId) -> QueryResult<Option<Window>> {
    windows::table
        .find(id)
        .select(Window::as_select())
        .first(conn)
        .optional()
}

pub fn windows_serving(conn: &mut DbConn, service: ServiceId) -> QueryResult<Vec<WindowPlace>> {
    let list = window_services::table
        .inner_join(windows::table.inner_join(zones::table))
        .filter(window_services::service_id.eq(service))
        .filter(windows::active.eq(true))
        .order(windows::number)
        .select((Window::as_select(), Zone::as_select()))
        .load(conn)?;
    with_places(conn, list)
}

/// The items that at least one active window serves: only these can be
/// booked or given a ticket, whatever their own settings say.
pub fn served_services(
    conn: &mut DbConn,
    hall: Option<HallId>,
) -> QueryResult<std::collections::HashSet<ServiceId>> {
    let mut q = window_services::table
        .inner_join(windows::table)
        .filter(windows::active.eq(true))
        .select(window_services::service_id)
        .distinct()
        .into_boxed();
    if let Some(h) = hall {
        q = q.filter(windows::hall_id.eq(h));
    }
    Ok(q.load::<ServiceId>(conn)?.into_iter().collect())
}

#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    pub hall: Option<HallId>,
    pub department: Option<DepartmentId>,
    pub category: Option<Category>,
    pub query: Query,
}

/// Active items matching the filters, in catalogue order, each with what
/// search reads besides the name: the result document, the department.
pub(crate) fn candidates(conn: &mut DbConn, filter: &ServiceFilter) -> QueryResult<Vec<Candidate>> {
    let mut query = service_items::table
        .inner_join(departments::table)
        .filter(service_items::active.eq(true))
        .select((
            ServiceItem::as_select(),
            service_items::result,
            departments::name,
            departments::short_name,
        ))
        .order((
            departments::hall_id,
            departments::sort_order,
            service_items::code,
        ))
        .into_boxed();
    if let Some(h) = filter.hall {
        query = query.filter(service_items::hall_id.eq(h));
    }
    if let Some(d) = filter.department {
        query = query.filter(service_items::department_id.eq(d));
    }
    if let Some(c) = filter.category {
        query = query.filter(service_items::category.eq(c.as_str()));
    }
    query.load(conn)
}

/// An item, its 审批结果 and its department's name and short name.
pub type Candidate = (ServiceItem, String, String, String);

pub(crate) fn fields(row: &Candidate) -> Fields<'_> {
    Fields {
        id: row.0.id,
        name: &row.0.name,
        code: &row.0.code,
        extra: &row.1,
        department: &row.2,
        department_short: &row.3,
    }
}

/// As [`search_services`] over rows already in memory (one hall's, in
/// catalogue order): the positions of the rows that answer, best first.
pub fn search_in(rows: &[Candidate], filter: &ServiceFilter) -> Vec<usize> {
    let kept = in_filter(rows, filter);
    search::rank(&filter.query, kept, |(_, r)| fields(r))
        .into_iter()
        .map(|(i, _)| i)
        .collect()
}

/// As [`nearest_services`] over rows already in memory.
pub fn nearest_in(rows: &[Candidate], filter: &ServiceFilter, limit: usize) -> Vec<usize> {
    let kept = in_filter(rows, filter);
    search::nearest(&filter.query, kept, |(_, r)| fields(r), limit)
        .into_iter()
        .map(|(i, _)| i)
        .collect()
}

fn in_filter<'a>(rows: &'a [Candidate], filter: &ServiceFilter) -> Vec<(usize, &'a Candidate)> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| filter.hall.is_none_or(|h| r.0.hall_id == h))
        .filter(|(_, r)| filter.department.is_none_or(|d| r.0.department_id == d))
        .filter(|(_, r)| filter.category.is_none_or(|c| r.0.category == c))
        .collect()
}

/// Active items matching the filters that answer the query, best first
/// (all of them in catalogue order when the query is empty).
pub fn search_services(conn: &mut DbConn, filter: &ServiceFilter) -> QueryResult<Vec<ServiceItem>> {
    let rows = candidates(conn, filter)?;
    Ok(search::rank(&filter.query, rows, fields)
        .into_iter()
        .map(|r| r.0)
        .collect())
}

/// The items nearest to a query that nothing answers, so the page can
/// offer somewhere to go.
pub fn nearest_services(
    conn: &mut DbConn,
    filter: &ServiceFilter,
    limit: usize,
) -> QueryResult<Vec<ServiceItem>> {
    let rows = candidates(conn, filter)?;
    Ok(search::nearest(&filter.query, rows, fields, limit)
        .into_iter()
        .map(|r| r.0)
        .collect())
}

pub fn find_service(conn: &mut DbConn, id: ServiceId) -> QueryResult<Option<ServiceItem>> {
    service_items::table
        .find(id)
        .filter(service_items::active.eq(true))
        .select(ServiceItem::as_select())
        .first(conn)
        .optional()
}

/// The item's 办事指南 fields.
pub fn guide_of(conn: &mut DbConn, id: ServiceId) -> QueryResult<ServiceGuide> {
    service_items::table
        .find(id)
        .select(ServiceGuide::as_select())
        .first(conn)
}

/// The item's blank forms and examples, without their content.
pub fn files_of(conn: &mut DbConn, id: ServiceId) -> QueryResult<Vec<ServiceFile>> {
    service_files::table
        .filter(service_files::service_id.eq(id))
        .order((service_files::kind, service_files::id))
        .select(ServiceFile::as_select())
        .load(conn)
}

pub fn materials_of(conn: &mut DbConn, service: ServiceId) -> QueryResult<Vec<Material>> {
    service_materials::table
        .filter(service_materials::service_id.eq(service))
        .order(service_materials::position)
        .select(Material::as_select())
        .load(conn)
}

/// Figures for the contract's "Built-in catalogue" checks and the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HallFigures {
    pub departments: i64,
    pub windows: i64,
    pub services: i64,
}

pub fn hall_figures(conn: &mut DbConn, hall: HallId) -> QueryResult<HallFigures> {
    Ok(HallFigures {
        departments: departments::table
            .filter(
                departments::hall_id
                    .eq(hall)
                    .and(departments::active.eq(true)),
            )
            .count()
            .get_result(conn)?,
        windows: windows::table
            .filter(windows::hall_id.eq(hall).and(windows::active.eq(true)))
            .count()
            .get_result(conn)?,
        services: service_items::table
            .filter(
                service_items::hall_id
                    .eq(hall)
                    .and(service_items::active.eq(true)),
            )
            .count()
            .get_result(conn)?,
    })
}
