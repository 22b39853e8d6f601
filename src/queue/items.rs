//! The items one ticket carries (一号: one number for the whole visit) and
//! what the clerk recorded for each. A ticket waits, and is called, for its
//! undecided items: only a window that serves all of them can call it.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::Outcome;
use crate::db::DbConn;
use crate::db::ids::{ServiceId, TicketId, WindowId};
use crate::db::schema::{service_items, ticket_items};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ticket_items)]
pub struct TicketItem {
    pub ticket_id: TicketId,
    pub service_id: ServiceId,
    pub position: i32,
    pub outcome: Option<String>,
    pub outcome_note: String,
    pub window_id: Option<WindowId>,
    pub decided_at: Option<NaiveDateTime>,
}

impl TicketItem {
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().and_then(|o| o.parse().ok())
    }
}

/// Records the items of a new ticket, in order.
pub fn insert(conn: &mut DbConn, ticket: TicketId, ids: &[ServiceId]) -> QueryResult<()> {
    for (i, s) in ids.iter().enumerate() {
        diesel::insert_into(ticket_items::table)
            .values((
                ticket_items::ticket_id.eq(ticket),
                ticket_items::service_id.eq(s),
                ticket_items::position.eq(i as i32 + 1),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A ticket's items, in order.
pub fn of(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Vec<TicketItem>> {
    ticket_items::table
        .filter(ticket_items::ticket_id.eq(ticket))
        .order(ticket_items::position)
        .select(TicketItem::as_select())
        .load(conn)
}

/// A ticket's items with their names, in order.
pub fn named(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Vec<(TicketItem, String)>> {
    ticket_items::table
        .inner_join(service_items::table)
        .filter(ticket_items::ticket_id.eq(ticket))
        .order(ticket_items::position)
        .select((TicketItem::as_select(), service_items::name))
        .load(conn)
}

/// The items still to be decided, per ticket.
pub fn undecided_of(
    conn: &mut DbConn,
    tickets: &[TicketId],
) -> QueryResult<HashMap<TicketId, Vec<ServiceId>>> {
    let rows: Vec<(TicketId, ServiceId)> = ticket_items::table
        .filter(ticket_items::ticket_id.eq_any(tickets))
        .filter(ticket_items::decided_at.is_null())
        .order((ticket_items::ticket_id, ticket_items::position))
        .select((ticket_items::ticket_id, ticket_items::service_id))
        .load(conn)?;
    let mut out: HashMap<TicketId, Vec<ServiceId>> = HashMap::new();
    for (t, s) in rows {
        out.entry(t).or_default().push(s);
    }
    Ok(out)
}

/// Records what the clerk decided for one item; false when it was already
/// decided (a second click, or a racing request).
pub fn decide(
    conn: &mut DbConn,
    ticket: TicketId,
    service: ServiceId,
    outcome: Outcome,
    note: &str,
    window: WindowId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        ticket_items::table
            .find((ticket, service))
            .filter(ticket_items::decided_at.is_null()),
    )
    .set((
        ticket_items::outcome.eq(outcome.as_str()),
        ticket_items::outcome_note.eq(note),
        ticket_items::window_id.eq(window),
        ticket_items::decided_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Replaces an undecided item by another (a transfer to another item's
/// queue: the resident came for the wrong one).
pub fn replace(
    conn: &mut DbConn,
    ticket: TicketId,
    from: ServiceId,
    to: ServiceId,
) -> QueryResult<usize> {
    diesel::update(
        ticket_items::table
            .find((ticket, from))
            .filter(ticket_items::decided_at.is_null()),
    )
    .set(ticket_items::service_id.eq(to))
    .execute(conn)
}

/// Whether a window serving `served` can take every one of `items`.
pub fn all_served(items: &[ServiceId], served: &[ServiceId]) -> bool {
    !items.is_empty() && items.iter().all(|i| served.contains(i))
}
