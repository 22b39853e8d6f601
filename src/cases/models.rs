use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::ids::{AccountId, BookingId, CaseId, DepartmentId, HallId, ServiceId, TicketId};
use crate::db::schema::{case_events, case_suspensions, cases};
use crate::text_enum;

text_enum!(
    /// 收件待审 → 受理 (or 待补正 → 收件 again, or 不予受理) → 审查 → 准予 /
    /// 不予许可 → 待领取 / 已寄出 → 已领取
    CaseStatus {
        Received = "received",
        Supplement = "supplement",
        NotAccepted = "not_accepted",
        Accepted = "accepted",
        Reviewing = "reviewing",
        Approved = "approved",
        Refused = "refused",
        ReadyForPickup = "ready_for_pickup",
        Mailed = "mailed",
        Collected = "collected",
    }
);

impl CaseStatus {
    /// Where a case may go next.
    pub fn next(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Received => &[Accepted, Supplement, NotAccepted],
            Supplement => &[Received, Accepted, NotAccepted],
            Accepted => &[Reviewing, Approved, Refused],
            Reviewing => &[Approved, Refused],
            Approved => &[ReadyForPickup, Mailed],
            ReadyForPickup | Mailed => &[Collected],
            Refused | Collected | NotAccepted => &[],
        }
    }

    pub fn is_closed(self) -> bool {
        self.next().is_empty()
    }

    /// Not yet accepted: the department reviews the materials received.
    pub fn is_before_acceptance(self) -> bool {
        matches!(self, CaseStatus::Received | CaseStatus::Supplement)
    }

    /// Accepted and not yet decided: the clock runs (unless suspended).
    pub fn clock_runs(self) -> bool {
        matches!(self, CaseStatus::Accepted | CaseStatus::Reviewing)
    }

    /// Decided (or never accepted): the time limit is behind it.
    pub fn is_decided(self) -> bool {
        !self.is_before_acceptance() && !self.clock_runs()
    }
}

text_enum!(
    /// Why a case's clock stops (行政许可法 Art. 45, and 补正 after
    /// acceptance where the item allows it).
    SuspensionKind {
        Supplement = "supplement",
        Hearing = "hearing",
        Inspection = "inspection",
        ExpertReview = "expert_review",
        PublicNotice = "public_notice",
        Other = "other",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = cases)]
pub struct Case {
    pub id: CaseId,
    pub case_number: String,
    pub hall_id: HallId,
    pub department_id: DepartmentId,
    pub service_id: ServiceId,
    pub ticket_id: TicketId,
    pub booking_id: Option<BookingId>,
    pub account_id: Option<AccountId>,
    pub phone_last4: String,
    #[diesel(deserialize_as = String)]
    pub status: CaseStatus,
    pub received_on: NaiveDate,
    pub notice_due: Option<NaiveDate>,
    pub notice_at: Option<NaiveDateTime>,
    pub notice_text: String,
    pub notice_late: bool,
    pub accepted_on: Option<NaiveDate>,
    pub promised_days: i32,
    pub legal_days: i32,
    pub promised_due: Option<NaiveDate>,
    pub legal_due: Option<NaiveDate>,
    pub suspended_days: i32,
    pub suspended_since: Option<NaiveDate>,
    pub extended_days: i32,
    pub extension_reason: String,
    pub extended_by: Option<AccountId>,
    pub extended_at: Option<NaiveDateTime>,
    pub concluded_at: Option<NaiveDateTime>,
    pub conclusion_note: String,
    pub on_time: Option<bool>,
    pub result_name: String,
    pub delivery: String,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Case {
    /// Past its promised date while its clock runs (a suspended case's
    /// clock stands still).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status.clock_runs()
            && self.suspended_since.is_none()
            && self.promised_due.is_some_and(|d| today > d)
    }

    /// Received, and neither accepted nor answered with a 补正 notice by
    /// the fifth working day (Art. 32).
    pub fn notice_overdue(&self, today: NaiveDate) -> bool {
        self.status == CaseStatus::Received && self.notice_due.is_some_and(|d| today > d)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_suspensions)]
pub struct CaseSuspension {
    pub id: i32,
    pub case_id: CaseId,
    #[diesel(deserialize_as = String)]
    pub kind: SuspensionKind,
    pub reason: String,
    pub from_day: NaiveDate,
    pub to_day: Option<NaiveDate>,
    pub started_at: NaiveDateTime,
    pub started_by: Option<AccountId>,
    pub ended_at: Option<NaiveDateTime>,
    pub ended_by: Option<AccountId>,
}

impl CaseSuspension {
    pub fn stop(&self) -> super::clock::Stop {
        super::clock::Stop {
            from: self.from_day,
            to: self.to_day,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_events)]
pub struct CaseEvent {
    pub id: i32,
    pub case_id: CaseId,
    pub status: String,
    pub note: String,
    pub actor_id: Option<AccountId>,
    pub at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_case_path_ends_in_collected_refused_or_not_accepted() {
        let mut reached = vec![CaseStatus::Received];
        let mut i = 0;
        while i < reached.len() {
            for n in reached[i].next() {
                if !reached.contains(n) {
                    reached.push(*n);
                }
            }
            i += 1;
        }
        assert_eq!(
            reached.len(),
            CaseStatus::ALL.len(),
            "every status is reachable"
        );
        for s in [
            CaseStatus::Collected,
            CaseStatus::Refused,
            CaseStatus::NotAccepted,
        ] {
            assert!(s.is_closed());
        }
        for s in CaseStatus::ALL {
            for key in [
                format!("case-{}", s.as_str()),
                format!("case-{}-explain", s.as_str()),
            ] {
                assert!(Lang::Zh.has(&key) && Lang::En.has(&key), "missing {key}");
            }
        }
        for k in SuspensionKind::ALL {
            let key = format!("suspension-{}", k.as_str());
            assert!(Lang::Zh.has(&key) && Lang::En.has(&key), "missing {key}");
        }
    }
}
