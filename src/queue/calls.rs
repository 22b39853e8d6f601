//! Calls and the clerk's moves on a called ticket. A call claims a ticket
//! with a conditional UPDATE (two windows never get the same one), and a
//! partial unique index allows one called-or-serving ticket per window. Every
//! move goes through the transition table of [`super::machine`]: the status
//! changes only if it is still the one the move started from.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

pub use super::action::{Accepted, Action, ActionInput, Decided, Decision, Decisions, Destination};
use super::error::QueueError;
use super::events::HallEvent;
use super::machine::{self, Move};
use super::models::{Ticket, TicketStatus, strs};
use super::outcomes::{At, finish, join_notes, record_outcomes};
pub use super::outcomes::{missing_materials, missing_materials_of};
use super::transfer;
use super::{estimates, issue, staffing};
use crate::booking::repo as booking_repo;
use crate::catalog::models::Window;
use crate::db::ids::{AccountId, TicketId, WindowId};
use crate::db::schema::{tickets, windows, zones};
use crate::db::{DbConn, write_transaction};

/// The most a ticket is called (the first call and two recalls).
pub const MAX_CALLS: i32 = 3;

/// The booking of a ticket follows its move (checked in → called → serving
/// → completed, or back to checked in on a transfer).
fn sync_booking(
    conn: &mut DbConn,
    t: &Ticket,
    to: TicketStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if let (Some(b), Some((from, status))) = (t.booking_id, machine::booking_follows(to))
        && booking_repo::transition(conn, b, from, status, now)?
    {
        booking_repo::add_event(conn, b, status.as_str(), &t.number, now)?;
    }
    Ok(())
}

fn call_event(
    conn: &mut DbConn,
    t: &Ticket,
    window: &Window,
    now: NaiveDateTime,
) -> QueryResult<HallEvent> {
    let zone: String = zones::table
        .find(window.zone_id)
        .select(zones::letter)
        .first(conn)?;
    Ok(HallEvent::Call {
        hall_id: t.hall_id,
        number: t.number.clone(),
        window_number: window.number,
        zone,
        called_at: now,
    })
}

/// Moves a ticket's status along the table, only if it is still in the
/// state the move started from: two racing moves cannot both succeed.
fn step(conn: &mut DbConn, t: &Ticket, m: Move) -> Result<TicketStatus, QueueError> {
    let to = machine::next(t.status, m)?;
    let n = diesel::update(
        tickets::table
            .find(t.id)
            .filter(tickets::status.eq(t.status.as_str())),
    )
    .set(tickets::status.eq(to.as_str()))
    .execute(conn)?;
    if n == 1 {
        Ok(to)
    } else {
        Err(QueueError::IllegalMove(t.status.as_str()))
    }
}

/// Calls the next ticket to the clerk's window. `None` when nobody waits.
pub fn call_next(
    conn: &mut DbConn,
    window_id: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(Option<Ticket>, Vec<HallEvent>), QueueError> {
    write_transaction(conn, |conn| {
        let window: Window = windows::table
            .find(window_id)
            .select(Window::as_select())
            .first(conn)?;
        if window.current_clerk_id != Some(clerk) {
            return Err(QueueError::NotYourWindow);
        }
        if window.paused {
            return Err(QueueError::WindowPaused);
        }
        if staffing::current_ticket(conn, window.id)?.is_some() {
            return Err(QueueError::WindowBusy);
        }
        for candidate in estimates::queue_for_window(conn, &window, now, tz)? {
            let to = machine::next(candidate.status, Move::Call)?;
            let claimed = diesel::update(
                tickets::table
                    .find(candidate.id)
                    .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED))),
            )
            .set((
                tickets::status.eq(to.as_str()),
                tickets::window_id.eq(window.id),
                tickets::target_window_id.eq(None::<WindowId>),
                tickets::clerk_id.eq(clerk),
                tickets::call_count.eq(1),
                tickets::called_at.eq(now),
                // The wait is measured to the first call, even after a transfer.
                tickets::wait_seconds.eq(candidate
                    .wait_seconds
                    .unwrap_or((now - candidate.issued_at).num_seconds().max(0) as i32)),
            ))
            .execute(conn)?;
            if claimed == 1 {
                let t = issue::find(conn, candidate.id)?;
                issue::log(
                    conn,
                    t.id,
                    Move::Call.event(),
                    Some(window.id),
                    Some(clerk),
                    "",
                    now,
                )?;
                sync_booking(conn, &t, to, now)?;
                let call = call_event(conn, &t, &window, now)?;
                let queue = HallEvent::Queue {
                    hall_id: window.hall_id,
                };
                return Ok((Some(t), vec![call, queue]));
            }
        }
        Ok((None, Vec::new()))
    })
}

/// Calls the ticket at the window again (at most [`MAX_CALLS`] in all).
fn recall(
    conn: &mut DbConn,
    t: &Ticket,
    window: &Window,
    now: NaiveDateTime,
) -> Result<HallEvent, QueueError> {
    if t.call_count >= MAX_CALLS {
        return Err(QueueError::TooManyCalls);
    }
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::call_count.eq(t.call_count + 1),
            tickets::called_at.eq(now),
        ))
        .execute(conn)?;
    Ok(call_event(conn, t, window, now)?)
}

/// Applies a clerk's action to a ticket at their window; a move the
/// ticket's state forbids is `IllegalMove` (409).
pub fn act(
    conn: &mut DbConn,
    ticket_id: TicketId,
    clerk: AccountId,
    action: Action,
    now: NaiveDateTime,
) -> Result<Decided, QueueError> {
    write_transaction(conn, |conn| {
        let t = issue::find(conn, ticket_id)?;
        let window = staffing::window_of_clerk(conn, clerk)?.ok_or(QueueError::NotYourWindow)?;
        if t.window_id.is_some_and(|w| w != window.id) {
            return Err(QueueError::NotYourTicket);
        }
        if t.window_id.is_none() {
            return Err(QueueError::IllegalMove(t.status.as_str()));
        }
        let m = action.movement();
        machine::next(t.status, m)?;
        let mut events = Vec::new();
        let mut accepted = Vec::new();
        let mut note = String::new();
        match &action {
            Action::Recall => events.push(recall(conn, &t, &window, now)?),
            Action::Start => {
                diesel::update(tickets::table.find(t.id))
                    .set(tickets::started_at.eq(now))
                    .execute(conn)?;
            }
            Action::NoShow => {
                diesel::update(tickets::table.find(t.id))
                    .set(tickets::finished_at.eq(now))
                    .execute(conn)?;
            }
            Action::Complete {
                decisions,
                phone_last4,
            } => {
                let here = At::new(&window, clerk, phone_last4, now);
                (note, accepted) = record_outcomes(conn, &t, decisions, true, &here)?;
                finish(conn, &t, now)?;
            }
            Action::Transfer {
                to,
                done,
                phone_last4,
            } => {
                let here = At::new(&window, clerk, phone_last4, now);
                (note, accepted) = record_outcomes(conn, &t, done, false, &here)?;
                let sent_to = transfer::send(conn, &t, &window, *to)?;
                note = join_notes(&note, &format!("→ {sent_to}"));
                events.push(HallEvent::Queue { hall_id: t.hall_id });
            }
        }
        let to = step(conn, &t, m)?;
        issue::log(
            conn,
            t.id,
            m.event(),
            Some(window.id),
            Some(clerk),
            &note,
            now,
        )?;
        sync_booking(conn, &t, to, now)?;
        Ok(Decided {
            ticket: issue::find(conn, t.id)?,
            events,
            accepted,
        })
    })
}
