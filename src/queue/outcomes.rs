//! What the clerk decided for each item of a visit: the outcome rows, the
//! 补正 notice's missing materials, the applications accepted (whose cases
//! the desk opens) and the ticket's own outcome once the visit is over.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::action::{Accepted, Decision, Decisions};
use super::error::QueueError;
use super::models::{Outcome, Ticket};
use crate::catalog::models::Window;
use crate::db::DbConn;
use crate::db::ids::{AccountId, ServiceId, TicketId};
use crate::db::schema::{ticket_missing_materials, tickets};

pub(crate) fn join_notes(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}；{b}")
    }
}

/// Where and by whom outcomes are recorded.
pub(crate) struct At<'a> {
    window: &'a Window,
    clerk: AccountId,
    phone_last4: &'a str,
    now: NaiveDateTime,
}

impl<'a> At<'a> {
    pub(crate) fn new(
        window: &'a Window,
        clerk: AccountId,
        phone_last4: &'a str,
        now: NaiveDateTime,
    ) -> Self {
        At {
            window,
            clerk,
            phone_last4,
            now,
        }
    }
}

/// The items a ticket still waits for, in order (at least one: a ticket
/// whose items are all decided is complete, not transferred).
pub(crate) fn remaining_items(conn: &mut DbConn, t: &Ticket) -> Result<Vec<ServiceId>, QueueError> {
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
pub(crate) fn record_outcomes(
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
        let note = record_one(conn, t, item.service_id, d, at)?;
        if matches!(d.outcome, Outcome::Accepted | Outcome::Received) {
            accepted.push(Accepted {
                ticket: t.id,
                service: item.service_id,
                received: d.outcome == Outcome::Received,
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

/// Records one item's outcome: 补正 with its missing materials as rows,
/// 不予受理 with its reason (each required). Returns the history's note.
fn record_one(
    conn: &mut DbConn,
    t: &Ticket,
    item: ServiceId,
    d: &Decision,
    at: &At,
) -> Result<String, QueueError> {
    let (note, kept) = match d.outcome {
        Outcome::Incomplete if d.missing.is_empty() => {
            return Err(QueueError::Invalid("missing_materials_required"));
        }
        Outcome::Refused if d.reason.is_empty() => {
            return Err(QueueError::Invalid("reason_required"));
        }
        Outcome::Incomplete => (d.missing.join("、"), ""),
        Outcome::Refused => (d.reason.clone(), d.reason.as_str()),
        _ => (String::new(), ""),
    };
    if !super::items::decide(conn, t.id, item, d.outcome, kept, at.window.id, at.now)? {
        return Err(QueueError::IllegalMove(t.status.as_str()));
    }
    if d.outcome == Outcome::Incomplete {
        for (i, material) in d.missing.iter().enumerate() {
            diesel::insert_into(ticket_missing_materials::table)
                .values((
                    ticket_missing_materials::ticket_id.eq(t.id),
                    ticket_missing_materials::service_id.eq(item),
                    ticket_missing_materials::position.eq(i as i32 + 1),
                    ticket_missing_materials::name.eq(material),
                ))
                .execute(conn)?;
        }
    }
    Ok(note)
}

/// The visit is over at this window: its service time (each item's
/// outcome is on its own row).
pub(crate) fn finish(conn: &mut DbConn, t: &Ticket, now: NaiveDateTime) -> Result<(), QueueError> {
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::finished_at.eq(now),
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
