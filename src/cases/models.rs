use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::ids::{AccountId, BookingId, CaseId, DepartmentId, HallId, ServiceId, TicketId};
use crate::db::schema::{case_events, cases};
use crate::text_enum;

text_enum!(
    /// 受理 → 审查 → 办结 (准予) / 不予许可 → 待领取 / 已寄出 → 已领取
    CaseStatus {
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
            Accepted => &[Reviewing],
            Reviewing => &[Approved, Refused],
            Approved => &[ReadyForPickup, Mailed],
            ReadyForPickup | Mailed => &[Collected],
            Refused | Collected => &[],
        }
    }

    pub fn is_closed(self) -> bool {
        self.next().is_empty()
    }

    /// Decided: the promised time limit has been met from here on.
    pub fn is_decided(self) -> bool {
        !matches!(self, CaseStatus::Accepted | CaseStatus::Reviewing)
    }
}

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
    pub accepted_on: NaiveDate,
    pub promised_due: NaiveDate,
    pub legal_due: Option<NaiveDate>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Case {
    /// Not yet decided after its promised date.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        !self.status.is_decided() && today > self.promised_due
    }

    /// Undecided and due within two days.
    pub fn due_soon(&self, today: NaiveDate) -> bool {
        !self.status.is_decided()
            && !self.overdue(today)
            && self.promised_due <= today + chrono::Duration::days(2)
    }
}

/// A case in the API (dates `YYYY-MM-DD`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Case)]
pub struct CaseJson {
    /// 办件编号
    #[schema(example = "2026120700012")]
    pub number: String,
    pub service_id: ServiceId,
    pub status: CaseStatus,
    #[schema(format = Date)]
    pub accepted_at: String,
    /// 承诺办结日 in working days from acceptance.
    #[schema(format = Date)]
    pub promised_due: String,
    /// 法定办结日, when the item has a legal limit.
    #[schema(format = Date)]
    pub legal_due: Option<String>,
}

impl CaseJson {
    pub fn of(c: &Case) -> CaseJson {
        CaseJson {
            number: c.case_number.clone(),
            service_id: c.service_id,
            status: c.status,
            accepted_at: c.accepted_on.to_string(),
            promised_due: c.promised_due.to_string(),
            legal_due: c.legal_due.map(|d| d.to_string()),
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
    fn the_case_path_ends_in_collected_or_refused() {
        let mut reached = vec![CaseStatus::Accepted];
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
        assert!(CaseStatus::Collected.is_closed() && CaseStatus::Refused.is_closed());
        for s in CaseStatus::ALL {
            for key in [
                format!("case-{}", s.as_str()),
                format!("case-{}-explain", s.as_str()),
            ] {
                assert!(Lang::Zh.has(&key) && Lang::En.has(&key), "missing {key}");
            }
        }
    }
}
