//! Windows and the clerks at them: one clerk per window, pausing, leaving
//! — and what a closing window hands back (its transferred tickets).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::error::QueueError;
use super::issue;
use super::machine::EventKind;
use super::models::{Ticket, TicketStatus, strs};
use crate::catalog::models::Window;
use crate::db::ids::{AccountId, ServiceId, TicketId, WindowId};
use crate::db::schema::{tickets, window_services, windows};
use crate::db::{DbConn, write_transaction};

pub fn window_of_clerk(conn: &mut DbConn, clerk: AccountId) -> QueryResult<Option<Window>> {
    windows::table
        .filter(windows::current_clerk_id.eq(clerk))
        .select(Window::as_select())
        .first(conn)
        .optional()
}

/// The ticket called to or served at a window, if any.
pub fn current_ticket(conn: &mut DbConn, window: WindowId) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::window_id.eq(window))
        .filter(tickets::status.eq_any(strs(TicketStatus::AT_WINDOW)))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

/// A clerk takes their window (one clerk per window, one window per clerk).
pub fn take_window(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
) -> Result<(), QueueError> {
    write_transaction(conn, |conn| {
        if let Some(w) = window_of_clerk(conn, clerk)?
            && w.id != window
        {
            release(conn, w.id, clerk, now)?;
        }
        let n = diesel::update(
            windows::table.find(window).filter(
                windows::current_clerk_id
                    .is_null()
                    .or(windows::current_clerk_id.eq(clerk)),
            ),
        )
        .set(windows::current_clerk_id.eq(clerk))
        .execute(conn)?;
        if n == 1 {
            Ok(())
        } else {
            Err(QueueError::WindowTaken)
        }
    })
}

fn release(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
) -> Result<(), QueueError> {
    if current_ticket(conn, window)?.is_some() {
        return Err(QueueError::WindowBusy);
    }
    return_transferred(conn, window, Some(clerk), now)?;
    diesel::update(
        windows::table
            .find(window)
            .filter(windows::current_clerk_id.eq(clerk)),
    )
    .set((
        windows::current_clerk_id.eq(None::<AccountId>),
        windows::paused.eq(false),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn leave_window(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
) -> Result<(), QueueError> {
    write_transaction(conn, |conn| release(conn, window, clerk, now))
}

/// Pauses or resumes the clerk's window; a paused window is not called to.
pub fn set_paused(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    paused: bool,
) -> Result<(), QueueError> {
    let n = diesel::update(
        windows::table
            .find(window)
            .filter(windows::current_clerk_id.eq(clerk)),
    )
    .set(windows::paused.eq(paused))
    .execute(conn)?;
    if n == 1 {
        Ok(())
    } else {
        Err(QueueError::NotYourWindow)
    }
}

/// Active windows serving an item that a clerk sits at, not paused.
pub fn staffed_windows_for(conn: &mut DbConn, service: ServiceId) -> QueryResult<i64> {
    window_services::table
        .inner_join(windows::table)
        .filter(window_services::service_id.eq(service))
        .filter(windows::active.eq(true))
        .filter(windows::current_clerk_id.is_not_null())
        .count()
        .get_result(conn)
}

/// Tickets sent to a window that closes (its clerk leaves, is disabled, or
/// the window is switched off) go back to their item's queue, keeping their
/// place (`queue_since` is unchanged). Inside the caller's transaction.
pub fn return_transferred(
    conn: &mut DbConn,
    window: WindowId,
    actor: Option<AccountId>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let stranded: Vec<TicketId> = tickets::table
        .filter(tickets::target_window_id.eq(window))
        .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED)))
        .select(tickets::id)
        .load(conn)?;
    for id in &stranded {
        diesel::update(tickets::table.find(id))
            .set(tickets::target_window_id.eq(None::<WindowId>))
            .execute(conn)?;
        issue::log(conn, *id, EventKind::Returned, Some(window), actor, "", now)?;
    }
    Ok(stranded.len())
}
