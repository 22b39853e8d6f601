//! A message as the resident (or staff) reads it: what it says and, in
//! words, what has happened to it.

use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::models::{MessageStatus, OutboxMessage};
use crate::clock::format_local;
use crate::i18n::Lang;

pub struct MessageView {
    pub body: String,
    pub kind: String,
    /// `sent`, `pending`, `failed` …: the state, for styling.
    pub status: &'static str,
    /// The state in words, with its time.
    pub state: String,
    pub sent: bool,
}

impl MessageView {
    pub fn of(m: &OutboxMessage, lang: Lang, tz: Tz, now: NaiveDateTime) -> MessageView {
        let at = |t: NaiveDateTime| format_local(t, tz);
        let state = match m.status {
            MessageStatus::Sent => lang.tv("message-sent-at", &at(m.sent_at.unwrap_or(m.due_at))),
            MessageStatus::Failed => lang.tn("message-failed-after", i64::from(m.attempts)),
            MessageStatus::Cancelled => lang.t("message-cancelled"),
            MessageStatus::Pending if m.attempts > 0 => {
                lang.tv("message-retry-at", &at(m.next_attempt_at))
            }
            MessageStatus::Pending if m.due_at > now => {
                lang.tv("message-scheduled-at", &at(m.due_at))
            }
            MessageStatus::Pending | MessageStatus::Sending => lang.t("message-sending"),
        };
        MessageView {
            body: m.body.clone(),
            kind: lang.t(&format!("message-kind-{}", m.kind.as_str())),
            status: m.status.as_str(),
            state,
            sent: m.status == MessageStatus::Sent,
        }
    }
}
