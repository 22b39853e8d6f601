//! Sending a visit on (转窗): to a window that serves every item still
//! open, or — for one open item that was the wrong one — to another item's
//! queue; either way it keeps its place and its number.

use diesel::prelude::*;

use super::action::Destination;
use super::error::QueueError;
use super::models::Ticket;
use super::outcomes::remaining_items;
use super::staffing;
use crate::catalog::models::{ServiceItem, Window};
use crate::db::DbConn;
use crate::db::ids::{AccountId, ServiceId, WindowId};
use crate::db::schema::{service_items, tickets, window_services, windows};

/// Sends the ticket at `from` on to `to`; returns where (a window number
/// or an item code) for the history.
pub(crate) fn send(
    conn: &mut DbConn,
    t: &Ticket,
    from: &Window,
    to: Destination,
) -> Result<String, QueueError> {
    let remaining = remaining_items(conn, t)?;
    match to {
        Destination::Window(number) => {
            let target = transfer_window(conn, t, from, number, &remaining)?;
            send_on(conn, t, Some(target.id), remaining[0])?;
            Ok(target.number.to_string())
        }
        Destination::Item(service) => {
            let [open] = remaining[..] else {
                return Err(QueueError::Invalid("choose_window"));
            };
            let item = transfer_item(conn, t, open, service)?;
            super::items::replace(conn, t.id, open, item.id)?;
            send_on(conn, t, None, item.id)?;
            Ok(item.code)
        }
    }
}

/// The window a ticket may be sent to: active, serving its item, not this
/// one, and staffed (a ticket sent to an empty window would wait forever).
fn transfer_window(
    conn: &mut DbConn,
    t: &Ticket,
    from: &Window,
    number: i32,
    items: &[ServiceId],
) -> Result<Window, QueueError> {
    let target: Window = windows::table
        .filter(
            windows::hall_id
                .eq(t.hall_id)
                .and(windows::number.eq(number))
                .and(windows::active.eq(true)),
        )
        .select(Window::as_select())
        .first(conn)
        .optional()?
        .ok_or(QueueError::Invalid("unknown_window"))?;
    let serves: i64 = window_services::table
        .filter(
            window_services::window_id
                .eq(target.id)
                .and(window_services::service_id.eq_any(items)),
        )
        .count()
        .get_result(conn)?;
    if serves != items.len() as i64 || target.id == from.id {
        return Err(QueueError::Invalid("window_cannot_serve"));
    }
    if target.current_clerk_id.is_none() {
        return Err(QueueError::WindowNotStaffed);
    }
    Ok(target)
}

/// The item a ticket may be re-assigned to (in place of `from`, its one
/// undecided item): another active item of the hall that some staffed
/// window serves.
fn transfer_item(
    conn: &mut DbConn,
    t: &Ticket,
    from: ServiceId,
    service: ServiceId,
) -> Result<ServiceItem, QueueError> {
    let item: ServiceItem = service_items::table
        .find(service)
        .filter(
            service_items::hall_id
                .eq(t.hall_id)
                .and(service_items::active.eq(true)),
        )
        .select(ServiceItem::as_select())
        .first(conn)
        .optional()?
        .ok_or(QueueError::Invalid("unknown_service"))?;
    if service == from {
        return Err(QueueError::Invalid("same_service"));
    }
    if staffing::staffed_windows_for(conn, item.id)? == 0 {
        return Err(QueueError::ServiceNotStaffed);
    }
    Ok(item)
}

/// Sends a ticket on, keeping its place (its `queue_since` is unchanged).
fn send_on(
    conn: &mut DbConn,
    t: &Ticket,
    target: Option<WindowId>,
    service: ServiceId,
) -> QueryResult<()> {
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::window_id.eq(None::<WindowId>),
            tickets::clerk_id.eq(None::<AccountId>),
            tickets::target_window_id.eq(target),
            tickets::service_id.eq(service),
            tickets::call_count.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}
