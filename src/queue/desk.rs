//! The clerk's desk: each call and each move on a ticket is one write
//! transaction together with its audit row and, for an accepted
//! application, the case it opens. The workstation page and the API both
//! come through here.

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::calls::{self, Action, Decided};
use super::events::HallEvent;
use super::models::Ticket;
use super::staffing;
use crate::accounts::models::Account;
use crate::audit::{Entry, audited};
use crate::cases::models::Case;
use crate::cases::service::{NewCase, open_case};
use crate::db::DbConn;
use crate::db::ids::{TicketId, WindowId};
use crate::error::AppResult;

/// A move made: what it decided, and the cases it opened (one per item
/// accepted).
pub struct Performed {
    pub decided: Decided,
    pub cases: Vec<Case>,
}

/// Applies a clerk's action to a ticket, with its audit row and case.
pub fn perform(
    conn: &mut DbConn,
    clerk: &Account,
    ip: &str,
    ticket: TicketId,
    action: Action,
    now: NaiveDateTime,
    tz: Tz,
) -> AppResult<Performed> {
    let entry = Entry::new(
        clerk.actor(ip),
        format!("ticket.{}", action.name()),
        format!("ticket:{ticket}"),
    );
    audited(conn, &entry, now, |conn| {
        let decided = calls::act(conn, ticket, clerk.id, action, now)?;
        let mut cases = Vec::new();
        for a in &decided.accepted {
            cases.push(open_case(
                conn,
                &NewCase {
                    hall: decided.ticket.hall_id,
                    service: a.service,
                    ticket: a.ticket,
                    booking: decided.ticket.booking_id,
                    phone_last4: &a.phone_last4,
                    clerk: a.clerk,
                    received: a.received,
                },
                now,
                tz,
            )?);
        }
        Ok(Performed { decided, cases })
    })
}

/// Calls the next ticket to a window (a clerk's own assigned window is
/// taken on first use), with its audit row. `None` when nobody waits.
pub fn call(
    conn: &mut DbConn,
    clerk: &Account,
    ip: &str,
    window: Option<WindowId>,
    now: NaiveDateTime,
    tz: Tz,
) -> AppResult<(Option<Ticket>, Vec<HallEvent>)> {
    let target = window.map(|w| format!("window:{w}")).unwrap_or_default();
    let entry = Entry::new(clerk.actor(ip), "ticket.call_next", target);
    audited(conn, &entry, now, |conn| {
        let at = staffing::window_of_clerk(conn, clerk.id)?.map(|w| w.id);
        let window = match (window, at) {
            (Some(w), Some(at)) if w == at => w,
            (Some(w), _) if clerk.window_id == Some(w) => {
                staffing::take_window(conn, w, clerk.id, now)?;
                w
            }
            (Some(w), _) => w,
            (None, Some(at)) => at,
            (None, None) => return Err(super::error::QueueError::NotYourWindow.into()),
        };
        Ok(calls::call_next(conn, window, clerk.id, now, tz)?)
    })
}

/// A clerk's change of seat.
#[derive(Debug, Clone, Copy)]
pub enum WindowChange {
    /// Sit at this window: their assigned one, or (when none is assigned)
    /// one of their department's.
    Take(WindowId),
    Leave,
    Pause,
    Resume,
}

/// Takes, leaves, pauses or resumes a window, with its audit row.
pub fn change_window(
    conn: &mut DbConn,
    clerk: &Account,
    ip: &str,
    change: WindowChange,
    now: NaiveDateTime,
) -> AppResult<()> {
    use super::error::QueueError;
    let (action, target) = match change {
        WindowChange::Take(w) => ("window.take", format!("window:{w}")),
        WindowChange::Leave => ("window.leave", String::new()),
        WindowChange::Pause => ("window.pause", String::new()),
        WindowChange::Resume => ("window.resume", String::new()),
    };
    let entry = Entry::new(clerk.actor(ip), action, target);
    audited(conn, &entry, now, |conn| {
        if let WindowChange::Take(w) = change {
            let window = crate::catalog::repo::find_window(conn, w)?
                .ok_or(crate::error::AppError::NotFound)?;
            let allowed = match clerk.window_id {
                Some(a) => a == window.id,
                None => clerk.department_id == Some(window.department_id),
            };
            if !allowed {
                return Err(QueueError::NotYourWindow.into());
            }
            return Ok(staffing::take_window(conn, window.id, clerk.id, now)?);
        }
        let w = staffing::window_of_clerk(conn, clerk.id)?.ok_or(QueueError::NotYourWindow)?;
        match change {
            WindowChange::Leave => staffing::leave_window(conn, w.id, clerk.id, now)?,
            WindowChange::Pause => staffing::set_paused(conn, w.id, clerk.id, true)?,
            _ => staffing::set_paused(conn, w.id, clerk.id, false)?,
        }
        Ok(())
    })
}
