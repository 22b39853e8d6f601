use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::ids::{AccountId, BookingId, HallId, ServiceId, TicketId, WindowId};
use crate::db::schema::tickets;
use crate::text_enum;

text_enum!(
    /// The contract's ticket statuses. `transferred` waits again, at the
    /// window or for the item it was sent to, keeping its place.
    TicketStatus {
        Waiting = "waiting",
        Called = "called",
        Serving = "serving",
        Completed = "completed",
        NoShow = "no_show",
        Transferred = "transferred",
    }
);

impl TicketStatus {
    pub const QUEUED: &'static [TicketStatus] = &[TicketStatus::Waiting, TicketStatus::Transferred];
    pub const AT_WINDOW: &'static [TicketStatus] = &[TicketStatus::Called, TicketStatus::Serving];

    pub fn is_queued(self) -> bool {
        Self::QUEUED.contains(&self)
    }
}

pub fn strs(list: &[TicketStatus]) -> Vec<&'static str> {
    list.iter().map(|s| s.as_str()).collect()
}

text_enum!(
    /// 绿色通道: who is served first.
    PriorityReason {
        Elderly = "elderly",
        Disabled = "disabled",
        Pregnant = "pregnant",
        Military = "military",
    }
);

text_enum!(
    /// How an item of a visit ended at the window: 办结 (done on the spot),
    /// 受理 (accepted: opens a case whose clock starts now), 收件 (received:
    /// opens a case the department accepts, or answers with the one-time
    /// 补正 notice, within 5 working days), 补正 (materials missing: a
    /// one-time notice lists them), 不予受理 (refused, with a reason).
    Outcome {
        Done = "done",
        Accepted = "accepted",
        Received = "received",
        Incomplete = "incomplete",
        Refused = "refused",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tickets)]
pub struct Ticket {
    pub id: TicketId,
    pub hall_id: HallId,
    pub day: NaiveDate,
    pub letter: String,
    pub seq: i32,
    pub number: String,
    pub service_id: ServiceId,
    pub booking_id: Option<BookingId>,
    #[diesel(deserialize_as = String)]
    pub status: TicketStatus,
    pub priority_reason: Option<String>,
    pub appointment_at: Option<NaiveDateTime>,
    pub queue_since: NaiveDateTime,
    pub issued_at: NaiveDateTime,
    pub target_window_id: Option<WindowId>,
    pub window_id: Option<WindowId>,
    pub clerk_id: Option<AccountId>,
    pub call_count: i32,
    pub called_at: Option<NaiveDateTime>,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub wait_seconds: Option<i32>,
    pub service_seconds: Option<i32>,
}

impl TicketStatus {
    pub fn label_key(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "ticket-waiting",
            TicketStatus::Called => "ticket-called",
            TicketStatus::Serving => "ticket-serving",
            TicketStatus::Completed => "ticket-completed",
            TicketStatus::NoShow => "ticket-no_show",
            TicketStatus::Transferred => "ticket-transferred",
        }
    }
}

impl PriorityReason {
    pub fn label_key(self) -> &'static str {
        match self {
            PriorityReason::Elderly => "priority-elderly",
            PriorityReason::Disabled => "priority-disabled",
            PriorityReason::Pregnant => "priority-pregnant",
            PriorityReason::Military => "priority-military",
        }
    }
}

impl Outcome {
    pub fn label_key(self) -> &'static str {
        match self {
            Outcome::Done => "outcome-done",
            Outcome::Accepted => "outcome-accepted",
            Outcome::Received => "outcome-received",
            Outcome::Incomplete => "outcome-incomplete",
            Outcome::Refused => "outcome-refused",
        }
    }
}

impl Ticket {
    pub fn priority(&self) -> Option<PriorityReason> {
        self.priority_reason.as_deref().and_then(|r| r.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn statuses_reasons_and_outcomes_have_labels() {
        let keys = TicketStatus::ALL
            .iter()
            .map(|s| s.label_key())
            .chain(PriorityReason::ALL.iter().map(|r| r.label_key()))
            .chain(Outcome::ALL.iter().map(|o| o.label_key()));
        for key in keys {
            assert!(Lang::Zh.has(key) && Lang::En.has(key), "missing {key}");
        }
    }
}
