//! The SMS texts about a booking, written into the outbox inside the
//! booking's own transaction: the confirmation, a reminder at 10:00 the day
//! before, a cancellation, a move.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::QueryResult;

use super::code::display;
use super::models::Booking;
use crate::clock;
use crate::db::DbConn;
use crate::notify::MessageKind;
use crate::notify::models::NewMessage;
use crate::notify::outbox;

/// What a message names: the hall and the item.
pub struct About<'a> {
    pub hall: &'a str,
    pub item: &'a str,
}

fn slot_text(b: &Booking) -> String {
    format!(
        "{} {}-{}",
        b.day.format("%Y年%m月%d日"),
        b.start_time.format("%H:%M"),
        b.end_time.format("%H:%M")
    )
}

pub fn text(kind: MessageKind, b: &Booking, about: &About) -> String {
    let (hall, item, code) = (about.hall, about.item, display(&b.code));
    match kind {
        MessageKind::Reminder => format!(
            "【{hall}】温馨提醒：您明天{}预约办理“{item}”，预约码{code}，请带齐所需材料按时到大厅签到。",
            slot_text(b)
        ),
        MessageKind::Cancellation => format!(
            "【{hall}】您{}办理“{item}”的预约（{code}）已取消。",
            slot_text(b)
        ),
        MessageKind::Rescheduled => format!(
            "【{hall}】您的预约{code}已改到{}，办理“{item}”。",
            slot_text(b)
        ),
        _ => format!(
            "【{hall}】您已预约{}办理“{item}”，预约码{code}。请按时到大厅自助机签到取号，并带齐所需材料。",
            slot_text(b)
        ),
    }
}

/// A message about a booking that goes out now.
pub fn queue_now(
    conn: &mut DbConn,
    b: &Booking,
    about: &About,
    kind: MessageKind,
    now: NaiveDateTime,
) -> QueryResult<()> {
    outbox::queue(
        conn,
        NewMessage {
            account: b.account_id,
            booking: Some(b.id),
            kind,
            body: &text(kind, b, about),
            due_at: now,
        },
        now,
    )?;
    Ok(())
}

/// The reminder goes out at 10:00 hall time the day before the slot; a
/// booking made after that time gets no separate reminder.
pub fn queue_reminder(
    conn: &mut DbConn,
    b: &Booking,
    about: &About,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<()> {
    let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default();
    let due = clock::utc_of((b.day - Duration::days(1)).and_time(ten), tz);
    if due <= now {
        return Ok(());
    }
    let kind = MessageKind::Reminder;
    outbox::queue(
        conn,
        NewMessage {
            account: b.account_id,
            booking: Some(b.id),
            kind,
            body: &text(kind, b, about),
            due_at: due,
        },
        now,
    )?;
    Ok(())
}
