//! The notifications outbox: confirmation, reminder the day before,
//! cancellation. Messages are stored first and sent by a pluggable sender;
//! no SMS gateway is reachable from a hall intranet here, so the default
//! sender writes each message to the log (phone masked). A background task
//! sends what is due; claiming a row with a conditional UPDATE makes each
//! message go out once even with several app instances.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::code::display;
use super::models::{Booking, Notification, NotificationKind};
use super::repo;
use super::service::Offer;
use crate::accounts::pii::mask_phone;
use crate::db::DbConn;
use crate::db::schema::{accounts, notifications};
use crate::web::AppState;

/// Delivers one message to a phone.
pub trait Sender: Send + Sync {
    fn send(&self, phone: &str, kind: NotificationKind, body: &str) -> Result<(), String>;
}

/// Writes messages to the log instead of an SMS gateway.
pub struct LogSender;

impl Sender for LogSender {
    fn send(&self, phone: &str, kind: NotificationKind, body: &str) -> Result<(), String> {
        tracing::info!(to = %mask_phone(phone), kind = kind.as_str(), %body, "notification sent (log sender)");
        Ok(())
    }
}

fn slot_text(b: &Booking) -> String {
    format!(
        "{} {}-{}",
        b.day.format("%Y年%m月%d日"),
        b.start_time.format("%H:%M"),
        b.end_time.format("%H:%M")
    )
}

fn body(kind: NotificationKind, b: &Booking, offer: &Offer) -> String {
    let hall = &offer.schedule.hall.name;
    let item = &offer.item.name;
    let code = display(&b.code);
    match kind {
        NotificationKind::Confirmation => format!(
            "【{hall}】您已预约{}办理“{item}”，预约码{code}。请按时到大厅自助机签到取号，并带齐所需材料。",
            slot_text(b)
        ),
        NotificationKind::Reminder => format!(
            "【{hall}】温馨提醒：您明天{}预约办理“{item}”，预约码{code}，请带齐所需材料按时到大厅签到。",
            slot_text(b)
        ),
        NotificationKind::Cancellation => format!(
            "【{hall}】您{}办理“{item}”的预约（{code}）已取消。",
            slot_text(b)
        ),
        NotificationKind::Rescheduled => format!(
            "【{hall}】您的预约{code}已改到{}，办理“{item}”。",
            slot_text(b)
        ),
    }
}

/// A message that goes out now.
pub fn queue_for_booking(
    conn: &mut DbConn,
    b: &Booking,
    offer: &Offer,
    kind: NotificationKind,
    now: NaiveDateTime,
    _tz: Tz,
) -> QueryResult<()> {
    repo::queue_notification(
        conn,
        b.account_id,
        Some(b.id),
        kind,
        &body(kind, b, offer),
        now,
        now,
    )
}

/// The reminder goes out at 10:00 hall time the day before the slot; a
/// booking made after that time gets no separate reminder.
pub fn queue_reminder(
    conn: &mut DbConn,
    b: &Booking,
    offer: &Offer,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<()> {
    let local =
        (b.day - Duration::days(1)).and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default());
    let Some(due) = tz
        .from_local_datetime(&local)
        .earliest()
        .map(|d| d.naive_utc())
    else {
        return Ok(());
    };
    if due <= now {
        return Ok(());
    }
    let kind = NotificationKind::Reminder;
    repo::queue_notification(
        conn,
        b.account_id,
        Some(b.id),
        kind,
        &body(kind, b, offer),
        due,
        now,
    )
}

/// Sends every message that is due; returns how many went out.
pub fn deliver_due(
    conn: &mut DbConn,
    sender: &dyn Sender,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let due: Vec<(Notification, String)> = notifications::table
        .inner_join(accounts::table)
        .filter(notifications::sent_at.is_null())
        .filter(notifications::cancelled_at.is_null())
        .filter(notifications::due_at.le(now))
        .order(notifications::due_at)
        .limit(200)
        .select((Notification::as_select(), accounts::phone))
        .load(conn)?;
    let mut sent = 0;
    for (n, phone) in due {
        let claimed = diesel::update(
            notifications::table
                .find(n.id)
                .filter(notifications::sent_at.is_null())
                .filter(notifications::cancelled_at.is_null()),
        )
        .set(notifications::sent_at.eq(now))
        .execute(conn)?;
        if claimed == 1 {
            match sender.send(&phone, n.kind, &n.body) {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::warn!(id = n.id, error = %e, "notification could not be delivered")
                }
            }
        }
    }
    Ok(sent)
}

/// Runs for the life of the server: every 30 seconds, send what is due.
pub async fn run_outbox(state: AppState, sender: Arc<dyn Sender>) {
    loop {
        let now = state.clock.now_utc();
        let s = sender.clone();
        match state
            .db
            .run(move |conn| Ok(deliver_due(conn, s.as_ref(), now)?))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::debug!(sent = n, "outbox delivered"),
            Err(e) => tracing::warn!(error = %e, "outbox run failed"),
        }
        tokio::time::sleep(StdDuration::from_secs(30)).await;
    }
}
