//! The window ↔ item matrix: which windows serve which items.

use diesel::prelude::*;

use super::{Booked, SaveError};
use crate::db::ids::{ServiceId, WindowId};
use crate::db::schema::window_services;
use crate::db::{DbConn, write_transaction};

/// What a matrix change did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pairs {
    pub added: usize,
    pub removed: usize,
    pub kept: usize,
}

/// Sets which of `windows` serve each of `items` (pairs outside those two
/// lists are untouched). Removing a pair that future bookings rely on is
/// refused and changes nothing.
pub fn save_matrix(
    conn: &mut DbConn,
    items: &[ServiceId],
    windows: &[WindowId],
    wanted: &[(ServiceId, WindowId)],
    booked: Booked,
) -> Result<Pairs, SaveError> {
    write_transaction(conn, |conn| {
        let current: Vec<(WindowId, ServiceId)> = window_services::table
            .filter(window_services::service_id.eq_any(items))
            .filter(window_services::window_id.eq_any(windows))
            .select((window_services::window_id, window_services::service_id))
            .load(conn)?;
        let mut pairs = Pairs::default();
        for (w, s) in &current {
            if wanted.contains(&(*s, *w)) {
                pairs.kept += 1;
                continue;
            }
            let n = booked(conn, Some(*w), Some(*s))?;
            if n > 0 {
                return Err(SaveError::Stranded("admin-error-matrix-bookings", n));
            }
            pairs.removed += diesel::delete(window_services::table.find((*w, *s))).execute(conn)?;
        }
        let mut added: Vec<(WindowId, ServiceId)> = Vec::new();
        for (s, w) in wanted {
            let pair = (*w, *s);
            if items.contains(s)
                && windows.contains(w)
                && !current.contains(&pair)
                && !added.contains(&pair)
            {
                added.push(pair);
            }
        }
        // One statement for all new pairs (multi-row inserts go to the
        // concrete connection; chunks stay under both bind limits).
        for chunk in added.chunks(1000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(w, s)| {
                    (
                        window_services::window_id.eq(*w),
                        window_services::service_id.eq(*s),
                    )
                })
                .collect();
            pairs.added += match conn {
                DbConn::Sqlite(c) => diesel::insert_into(window_services::table)
                    .values(rows)
                    .execute(c)?,
                DbConn::Pg(c) => diesel::insert_into(window_services::table)
                    .values(rows)
                    .execute(c)?,
            };
        }
        Ok(pairs)
    })
}

/// Gives one window exactly these items.
pub fn set_window_items(
    conn: &mut DbConn,
    window: WindowId,
    items: &[ServiceId],
    booked: Booked,
) -> Result<Pairs, SaveError> {
    write_transaction(conn, |conn| {
        let mut all: Vec<ServiceId> = window_services::table
            .filter(window_services::window_id.eq(window))
            .select(window_services::service_id)
            .load(conn)?;
        all.extend_from_slice(items);
        let wanted: Vec<(ServiceId, WindowId)> = items.iter().map(|s| (*s, window)).collect();
        save_matrix(conn, &all, &[window], &wanted, booked)
    })
}
