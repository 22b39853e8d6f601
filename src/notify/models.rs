use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{AccountId, BookingId};
use crate::db::schema::notifications;
use crate::text_enum;

text_enum!(
    /// What a message is about; the gateway receives it as `kind`.
    MessageKind {
        Confirmation = "confirmation",
        Reminder = "reminder",
        Cancellation = "cancellation",
        Rescheduled = "rescheduled",
        WaitlistOffer = "waitlist_offer",
        PasswordReset = "password_reset",
        CaseUpdate = "case_update",
    }
);

text_enum!(
    /// pending → sending → sent; sending → pending (retry) → … → failed;
    /// pending → cancelled (a reminder for a booking that was cancelled).
    MessageStatus {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Cancelled = "cancelled",
    }
);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct OutboxMessage {
    pub id: i32,
    pub message_id: String,
    pub account_id: AccountId,
    pub booking_id: Option<BookingId>,
    #[diesel(deserialize_as = String)]
    pub kind: MessageKind,
    pub body: String,
    #[diesel(deserialize_as = String)]
    pub status: MessageStatus,
    pub attempts: i32,
    pub due_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: String,
    pub sent_at: Option<NaiveDateTime>,
    pub failed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A message to be written into the outbox.
pub struct NewMessage<'a> {
    pub account: AccountId,
    pub booking: Option<BookingId>,
    pub kind: MessageKind,
    pub body: &'a str,
    /// When it should go out (now, or e.g. 10:00 the day before a slot).
    pub due_at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_state_and_kind_has_a_label() {
        let keys = MessageStatus::ALL
            .iter()
            .map(|s| format!("message-{}", s.as_str()))
            .chain(
                MessageKind::ALL
                    .iter()
                    .map(|k| format!("message-kind-{}", k.as_str())),
            );
        for key in keys {
            assert!(Lang::Zh.has(&key) && Lang::En.has(&key), "missing {key}");
        }
    }
}
