//! The outbox table: writing messages, claiming due ones for delivery and
//! recording what the gateway answered. Every state change is one
//! conditional UPDATE, so it is safe with any number of instances.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::models::{MessageKind, MessageStatus, NewMessage, OutboxMessage};
use crate::db::DbConn;
use crate::db::ids::{AccountId, BookingId};
use crate::db::schema::{accounts, notifications};

/// Attempts before a message is given up as failed.
pub const MAX_ATTEMPTS: i32 = 6;
/// How long a claim holds a message; longer than one gateway request
/// (its timeout), so that only a dead instance's claim runs out.
pub const LEASE: Duration = Duration::seconds(60);

/// The wait before attempt `n + 1` after `n` failed ones: 30 s, 1, 2, 4,
/// 8 minutes…, at most 30 minutes.
pub fn backoff(failed_attempts: i32) -> Duration {
    let exp = (failed_attempts.max(1) - 1).min(6) as u32;
    (Duration::seconds(30) * (1i32 << exp)).min(Duration::minutes(30))
}

/// Writes a message (inside the caller's transaction). Returns its row id.
pub fn queue(conn: &mut DbConn, m: NewMessage, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::message_id.eq(uuid::Uuid::new_v4().to_string()),
            notifications::account_id.eq(m.account),
            notifications::booking_id.eq(m.booking),
            notifications::kind.eq(m.kind.as_str()),
            notifications::body.eq(m.body),
            notifications::status.eq(MessageStatus::Pending.as_str()),
            notifications::due_at.eq(m.due_at),
            notifications::next_attempt_at.eq(m.due_at),
            notifications::created_at.eq(now),
        ))
        .returning(notifications::id)
        .get_result(conn)
}

/// Withdraws a booking's messages of `kind` that have not gone out yet
/// (the reminder of a booking that was cancelled or moved).
pub fn cancel_pending(
    conn: &mut DbConn,
    booking: BookingId,
    kind: MessageKind,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::booking_id.eq(booking))
            .filter(notifications::kind.eq(kind.as_str()))
            .filter(notifications::status.eq(MessageStatus::Pending.as_str())),
    )
    .set((
        notifications::status.eq(MessageStatus::Cancelled.as_str()),
        notifications::cancelled_at.eq(now),
    ))
    .execute(conn)
}

/// A message claimed for one delivery attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i32,
    pub message_id: String,
    pub to: String,
    pub kind: MessageKind,
    pub text: String,
    /// The attempt this claim is (1 for the first); it fences the result.
    pub attempt: i32,
}

/// Claims up to `limit` due messages: pending ones whose time has come, and
/// ones whose sender's lease ran out. Each claim is a conditional UPDATE; a
/// row another instance claimed first is skipped.
pub fn claim_due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Claimed>> {
    let pending = MessageStatus::Pending.as_str();
    let sending = MessageStatus::Sending.as_str();
    let claimable = notifications::status
        .eq(pending)
        .and(notifications::next_attempt_at.le(now))
        .or(notifications::status
            .eq(sending)
            .and(notifications::claimed_until.lt(now)));
    let candidates: Vec<(OutboxMessage, String)> = notifications::table
        .inner_join(accounts::table)
        .filter(claimable)
        .order(notifications::next_attempt_at)
        .limit(limit)
        .select((OutboxMessage::as_select(), accounts::phone))
        .load(conn)?;
    let mut claimed = Vec::new();
    for (m, phone) in candidates {
        let n = diesel::update(
            notifications::table
                .find(m.id)
                .filter(notifications::attempts.eq(m.attempts))
                .filter(claimable),
        )
        .set((
            notifications::status.eq(sending),
            notifications::attempts.eq(m.attempts + 1),
            notifications::claimed_until.eq(now + LEASE),
        ))
        .execute(conn)?;
        if n == 1 {
            claimed.push(Claimed {
                id: m.id,
                message_id: m.message_id,
                to: phone,
                kind: m.kind,
                text: m.body,
                attempt: m.attempts + 1,
            });
        }
    }
    Ok(claimed)
}

/// Records a delivery attempt's result. Only the claim that made the
/// attempt may record it (a stale claim changes nothing).
pub fn record(
    conn: &mut DbConn,
    c: &Claimed,
    result: Result<(), String>,
    now: NaiveDateTime,
) -> QueryResult<MessageStatus> {
    let mine = notifications::table
        .find(c.id)
        .filter(notifications::status.eq(MessageStatus::Sending.as_str()))
        .filter(notifications::attempts.eq(c.attempt));
    let status = match result {
        Ok(()) => {
            diesel::update(mine)
                .set((
                    notifications::status.eq(MessageStatus::Sent.as_str()),
                    notifications::sent_at.eq(now),
                    notifications::claimed_until.eq(None::<NaiveDateTime>),
                    notifications::last_error.eq(""),
                ))
                .execute(conn)?;
            MessageStatus::Sent
        }
        Err(error) if c.attempt >= MAX_ATTEMPTS => {
            diesel::update(mine)
                .set((
                    notifications::status.eq(MessageStatus::Failed.as_str()),
                    notifications::failed_at.eq(now),
                    notifications::claimed_until.eq(None::<NaiveDateTime>),
                    notifications::last_error.eq(error),
                ))
                .execute(conn)?;
            MessageStatus::Failed
        }
        Err(error) => {
            diesel::update(mine)
                .set((
                    notifications::status.eq(MessageStatus::Pending.as_str()),
                    notifications::next_attempt_at.eq(now + backoff(c.attempt)),
                    notifications::claimed_until.eq(None::<NaiveDateTime>),
                    notifications::last_error.eq(error),
                ))
                .execute(conn)?;
            MessageStatus::Pending
        }
    };
    Ok(status)
}

/// A person's messages, newest first (cancelled ones left out).
pub fn for_account(conn: &mut DbConn, account: AccountId) -> QueryResult<Vec<OutboxMessage>> {
    notifications::table
        .filter(notifications::account_id.eq(account))
        .filter(notifications::status.ne(MessageStatus::Cancelled.as_str()))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(30)
        .select(OutboxMessage::as_select())
        .load(conn)
}

/// The newest message of `kind` about a booking.
pub fn latest_for_booking(
    conn: &mut DbConn,
    booking: BookingId,
    kind: MessageKind,
) -> QueryResult<Option<OutboxMessage>> {
    notifications::table
        .filter(notifications::booking_id.eq(booking))
        .filter(notifications::kind.eq(kind.as_str()))
        .order(notifications::id.desc())
        .select(OutboxMessage::as_select())
        .first(conn)
        .optional()
}

/// The outbox as staff see it: newest first, optionally one state only.
pub fn recent(
    conn: &mut DbConn,
    status: Option<MessageStatus>,
    limit: i64,
) -> QueryResult<Vec<(OutboxMessage, String)>> {
    let mut q = notifications::table
        .inner_join(accounts::table)
        .order(notifications::id.desc())
        .limit(limit)
        .select((OutboxMessage::as_select(), accounts::phone))
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(notifications::status.eq(s.as_str()));
    }
    q.load(conn)
}

/// How many messages are in each state.
pub fn counts(conn: &mut DbConn) -> QueryResult<Vec<(MessageStatus, i64)>> {
    let rows: Vec<(String, i64)> = notifications::table
        .group_by(notifications::status)
        .select((notifications::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, n)| s.parse().ok().map(|s| (s, n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_are_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::minutes(1));
        assert_eq!(backoff(5), Duration::minutes(8));
        assert_eq!(backoff(7), Duration::minutes(30));
        assert_eq!(backoff(40), Duration::minutes(30));
    }
}
