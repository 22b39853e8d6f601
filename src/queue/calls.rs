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
use super::models::{Outcome, Ticket, TicketStatus, strs};
use super::{estimates, issue, staffing};
use crate::booking::repo as booking_repo;
use crate::catalog::models::{ServiceItem, Window};
use crate::db::ids::{AccountId, ServiceId, TicketId, WindowId};
use crate::db::schema::{
    service_items, ticket_missing_materials, tickets, window_services, windows, zones,
};
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
            Action::Recall => {
                if t.call_count >= MAX_CALLS {
                    return Err(QueueError::TooManyCalls);
                }
                diesel::update(tickets::table.find(t.id))
                    .set((
                        tickets::call_count.eq(t.call_count + 1),
                        tickets::called_at.eq(now),
                    ))
                    .execute(conn)?;
                events.push(call_event(conn, &t, &window, now)?);
            }
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
                let here = At {
                    window: &window,
                    clerk,
                    phone_last4,
                    now,
                };
                (note, accepted) = record_outcomes(conn, &t, decisions, true, &here)?;
                finish(conn, &t, now)?;
            }
            Action::Transfer {
                to,
                done,
                phone_last4,
            } => {
                let here = At {
                    window: &window,
                    clerk,
                    phone_last4,
                    now,
                };
                (note, accepted) = record_outcomes(conn, &t, done, false, &here)?;
                let remaining = remaining_items(conn, &t)?;
                let sent_to = match *to {
                    Destination::Window(number) => {
                        let target = transfer_window(conn, &t, &window, number, &remaining)?;
                        send_on(conn, &t, Some(target.id), remaining[0])?;
                        target.number.to_string()
                    }
                    Destination::Item(service) => {
                        let [from] = remaining[..] else {
                            return Err(QueueError::Invalid("choose_window"));
                        };
                        let item = transfer_item(conn, &t, from, service)?;
                        super::items::replace(conn, t.id, from, item.id)?;
                        send_on(conn, &t, None, item.id)?;
                        item.code
                    }
                };
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

fn join_notes(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}；{b}")
    }
}

/// Where and by whom outcomes are recorded.
struct At<'a> {
    window: &'a Window,
    clerk: AccountId,
    phone_last4: &'a str,
    now: NaiveDateTime,
}

/// The items a ticket still waits for, in order (at least one: a ticket
/// whose items are all decided is complete, not transferred).
fn remaining_items(conn: &mut DbConn, t: &Ticket) -> Result<Vec<ServiceId>, QueueError> {
    let left = super::items::undecided_of(conn, &[t.id])?
        .remove(&t.id)
        .unwrap_or_default();
    if left.is_empty() {
        return Err(QueueError::Invalid("nothing_to_transfer"));
    }
    Ok(left)
}

/// Records the clerk's outcome for each undecided item the decisions name
/// (with `require_all`, every undecided item must have one): 补正 with its
/// missing materials as rows, 不予受理 with its reason; each 受理 is an
/// application whose case the caller opens. Returns the history's note and
/// the accepted applications.
fn record_outcomes(
    conn: &mut DbConn,
    t: &Ticket,
    decisions: &Decisions,
    require_all: bool,
    at: &At,
) -> Result<(String, Vec<Accepted>), QueueError> {
    let all = super::items::named(conn, t.id)?;
    let undecided: Vec<&(super::items::TicketItem, String)> =
        all.iter().filter(|(i, _)| i.decided_at.is_none()).collect();
    if decisions
        .each
        .iter()
        .any(|(s, _)| !undecided.iter().any(|(i, _)| i.service_id == *s))
    {
        return Err(QueueError::Invalid("unknown_item"));
    }
    let several = all.len() > 1;
    let mut notes = Vec::new();
    let mut accepted = Vec::new();
    for (item, name) in undecided {
        let Some(d) = decisions.for_item(item.service_id) else {
            if require_all {
                return Err(QueueError::Invalid("outcome_required"));
            }
            continue;
        };
        let note = match d.outcome {
            Outcome::Incomplete if d.missing.is_empty() => {
                return Err(QueueError::Invalid("missing_materials_required"));
            }
            Outcome::Refused if d.reason.is_empty() => {
                return Err(QueueError::Invalid("reason_required"));
            }
            Outcome::Incomplete => d.missing.join("、"),
            Outcome::Refused => d.reason.clone(),
            _ => String::new(),
        };
        let kept = if d.outcome == Outcome::Refused {
            d.reason.as_str()
        } else {
            ""
        };
        if !super::items::decide(
            conn,
            t.id,
            item.service_id,
            d.outcome,
            kept,
            at.window.id,
            at.now,
        )? {
            return Err(QueueError::IllegalMove(t.status.as_str()));
        }
        if d.outcome == Outcome::Incomplete {
            for (i, material) in d.missing.iter().enumerate() {
                diesel::insert_into(ticket_missing_materials::table)
                    .values((
                        ticket_missing_materials::ticket_id.eq(t.id),
                        ticket_missing_materials::service_id.eq(item.service_id),
                        ticket_missing_materials::position.eq(i as i32 + 1),
                        ticket_missing_materials::name.eq(material),
                    ))
                    .execute(conn)?;
            }
        }
        if d.outcome == Outcome::Accepted {
            accepted.push(Accepted {
                ticket: t.id,
                service: item.service_id,
                phone_last4: at.phone_last4.to_string(),
                clerk: at.clerk,
            });
        }
        let line = match (several, note.is_empty()) {
            (false, _) => note,
            (true, true) => format!("{name}：{}", d.outcome.as_str()),
            (true, false) => format!("{name}：{note}"),
        };
        if !line.is_empty() {
            notes.push(line);
        }
    }
    Ok((notes.join("；"), accepted))
}

/// The visit is over at this window: the ticket keeps the first item's
/// outcome as its own (each item's stays on its row) and its service time.
fn finish(conn: &mut DbConn, t: &Ticket, now: NaiveDateTime) -> Result<(), QueueError> {
    let first = super::items::of(conn, t.id)?.into_iter().next();
    let (outcome, note) = match &first {
        Some(i) => (i.outcome.clone(), i.outcome_note.clone()),
        None => (None, String::new()),
    };
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::finished_at.eq(now),
            tickets::outcome.eq(outcome),
            tickets::outcome_note.eq(note),
            tickets::service_seconds
                .eq(t.started_at.map(|s| (now - s).num_seconds().max(0) as i32)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The missing materials recorded for one item of a ticket, in order.
pub fn missing_materials_of(
    conn: &mut DbConn,
    ticket: TicketId,
    service: ServiceId,
) -> QueryResult<Vec<String>> {
    ticket_missing_materials::table
        .filter(ticket_missing_materials::ticket_id.eq(ticket))
        .filter(ticket_missing_materials::service_id.eq(service))
        .order(ticket_missing_materials::position)
        .select(ticket_missing_materials::name)
        .load(conn)
}

/// The missing materials recorded for a ticket (its 补正 notice), in order.
pub fn missing_materials(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Vec<String>> {
    ticket_missing_materials::table
        .filter(ticket_missing_materials::ticket_id.eq(ticket))
        .order((
            ticket_missing_materials::service_id,
            ticket_missing_materials::position,
        ))
        .select(ticket_missing_materials::name)
        .load(conn)
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
