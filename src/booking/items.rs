//! The items of one visit (一窗受理, "一件事一次办"): up to five items of one
//! hall, booked together at one window that serves them all, under one
//! code and one ticket number. Every booking lists its items in
//! `booking_items` (one row for a single item).

use std::collections::HashMap;

use diesel::prelude::*;

use super::error::BookingError;
use crate::catalog::models::{ServiceItem, Window};
use crate::catalog::repo as catalog_repo;
use crate::db::DbConn;
use crate::db::ids::{BookingId, HallId, ServiceId, WindowId};
use crate::db::schema::{booking_items, service_items, window_services, windows};

/// The most items one visit may carry (the contract's 1–5).
pub const MAX_ITEMS: usize = 5;

/// The item ids a client asked for, checked: 1–5, no repeats, in the
/// order given (the first names the visit).
pub fn checked_ids(ids: &[ServiceId]) -> Result<Vec<ServiceId>, BookingError> {
    let mut out: Vec<ServiceId> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.is_empty() || out.len() > MAX_ITEMS || out.len() != ids.len() {
        return Err(BookingError::InvalidItems);
    }
    Ok(out)
}

/// The items themselves, all active and of one hall.
pub fn load(conn: &mut DbConn, ids: &[ServiceId]) -> Result<Vec<ServiceItem>, BookingError> {
    let ids = checked_ids(ids)?;
    let mut items = Vec::with_capacity(ids.len());
    for id in &ids {
        items.push(catalog_repo::find_service(conn, *id)?.ok_or(BookingError::ServiceNotFound)?);
    }
    let hall: HallId = items[0].hall_id;
    if items.iter().any(|i| i.hall_id != hall) {
        return Err(BookingError::InvalidItems);
    }
    Ok(items)
}

/// Active windows that serve every one of `ids`, by number.
pub fn common_windows(conn: &mut DbConn, ids: &[ServiceId]) -> QueryResult<Vec<Window>> {
    let pairs: Vec<(WindowId, ServiceId)> = window_services::table
        .inner_join(windows::table)
        .filter(window_services::service_id.eq_any(ids))
        .filter(windows::active.eq(true))
        .select((window_services::window_id, window_services::service_id))
        .load(conn)?;
    let mut served: HashMap<WindowId, usize> = HashMap::new();
    for (w, _) in pairs {
        *served.entry(w).or_default() += 1;
    }
    let all: Vec<WindowId> = served
        .into_iter()
        .filter(|(_, n)| *n == ids.len())
        .map(|(w, _)| w)
        .collect();
    windows::table
        .filter(windows::id.eq_any(all))
        .order(windows::number)
        .select(Window::as_select())
        .load(conn)
}

/// Items that can join a visit of `ids`: active, bookable at all, of the
/// same hall, and served by a window that also serves every one of `ids`
/// — what the booking page and the kiosk offer under "同时办理".
pub fn companions(
    conn: &mut DbConn,
    ids: &[ServiceId],
    online_only: bool,
) -> QueryResult<Vec<ServiceItem>> {
    let common: Vec<WindowId> = common_windows(conn, ids)?.iter().map(|w| w.id).collect();
    let mut q = service_items::table
        .filter(service_items::active.eq(true))
        .filter(service_items::id.ne_all(ids))
        .filter(
            service_items::id.eq_any(
                window_services::table
                    .filter(window_services::window_id.eq_any(common))
                    .select(window_services::service_id),
            ),
        )
        .into_boxed();
    if online_only {
        q = q.filter(service_items::bookable_online.eq(true));
    }
    q.order((service_items::department_id, service_items::code))
        .select(ServiceItem::as_select())
        .load(conn)
}

/// Records a booking's items, in order.
pub fn insert(conn: &mut DbConn, booking: BookingId, ids: &[ServiceId]) -> QueryResult<()> {
    for (i, s) in ids.iter().enumerate() {
        diesel::insert_into(booking_items::table)
            .values((
                booking_items::booking_id.eq(booking),
                booking_items::service_id.eq(s),
                booking_items::position.eq(i as i32 + 1),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A booking's items, in order.
pub fn of(conn: &mut DbConn, booking: BookingId) -> QueryResult<Vec<ServiceId>> {
    booking_items::table
        .filter(booking_items::booking_id.eq(booking))
        .order(booking_items::position)
        .select(booking_items::service_id)
        .load(conn)
}

/// The items of several bookings at once.
pub fn of_many(
    conn: &mut DbConn,
    bookings: &[BookingId],
) -> QueryResult<HashMap<BookingId, Vec<ServiceId>>> {
    let rows: Vec<(BookingId, ServiceId)> = booking_items::table
        .filter(booking_items::booking_id.eq_any(bookings))
        .order((booking_items::booking_id, booking_items::position))
        .select((booking_items::booking_id, booking_items::service_id))
        .load(conn)?;
    let mut out: HashMap<BookingId, Vec<ServiceId>> = HashMap::new();
    for (b, s) in rows {
        out.entry(b).or_default().push(s);
    }
    Ok(out)
}

/// Names of items, by id.
pub fn names(conn: &mut DbConn, ids: &[ServiceId]) -> QueryResult<HashMap<ServiceId, String>> {
    Ok(service_items::table
        .filter(service_items::id.eq_any(ids))
        .select((service_items::id, service_items::name))
        .load::<(ServiceId, String)>(conn)?
        .into_iter()
        .collect())
}

/// The materials of several items as one list without repeats (one ID
/// card, not three): a material named the same way by two items is
/// listed once, under the first.
pub fn combined_materials(
    conn: &mut DbConn,
    ids: &[ServiceId],
) -> QueryResult<Vec<crate::catalog::models::Material>> {
    let mut out: Vec<crate::catalog::models::Material> = Vec::new();
    for id in ids {
        for m in catalog_repo::materials_of(conn, *id)? {
            if !out.iter().any(|o| same_material(&o.name, &m.name)) {
                out.push(m);
            }
        }
    }
    Ok(out)
}

/// Two names of one material: equal once spaces and the brackets that
/// catalogues write differently (（原件） / (原件)) are set aside.
fn same_material(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                other => other,
            })
            .collect()
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_has_one_to_five_distinct_items() {
        let ids = |v: &[i32]| v.iter().map(|i| ServiceId(*i)).collect::<Vec<_>>();
        assert_eq!(checked_ids(&ids(&[3])), Ok(ids(&[3])));
        assert_eq!(checked_ids(&ids(&[3, 1, 2])), Ok(ids(&[3, 1, 2])));
        assert_eq!(checked_ids(&[]), Err(BookingError::InvalidItems));
        assert_eq!(
            checked_ids(&ids(&[1, 2, 3, 4, 5, 6])),
            Err(BookingError::InvalidItems)
        );
        assert_eq!(
            checked_ids(&ids(&[1, 1])),
            Err(BookingError::InvalidItems),
            "the same item twice is a mistake, not two places"
        );
    }

    #[test]
    fn one_material_written_two_ways_is_one() {
        assert!(same_material("居民身份证（原件）", "居民身份证 (原件)"));
        assert!(!same_material("居民身份证", "户口簿"));
    }
}
