//! A case as the API carries it (the contract's case object): its status,
//! its clock's dates as they stand today, its suspensions and its history.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;

use super::models::{Case, CaseStatus, SuspensionKind};
use super::service;
use crate::db::DbConn;
use crate::db::ids::ServiceId;

/// A suspension of the clock: `to` is null while it lasts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseSuspension)]
pub struct SuspensionJson {
    pub kind: SuspensionKind,
    #[schema(example = "专家评审")]
    pub reason: String,
    #[schema(format = Date)]
    pub from: String,
    /// The day it was resumed (that day counts again).
    #[schema(format = Date)]
    pub to: Option<String>,
}

/// One line of a case's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CaseEvent)]
pub struct EventJson {
    #[schema(format = DateTime)]
    pub at: String,
    /// A status reached (`accepted`, `approved` …) or a move (`suspend`,
    /// `resume`, `extend`).
    pub kind: String,
    pub note: String,
}

/// A case in the API (dates `YYYY-MM-DD`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Case)]
pub struct CaseJson {
    /// 办件编号
    #[schema(example = "WUHAI-20261207-0012")]
    pub number: String,
    pub service_id: ServiceId,
    pub status: CaseStatus,
    /// When the materials were received (收件).
    #[schema(format = Date)]
    pub received_at: String,
    /// 受理日; null until accepted.
    #[schema(format = Date)]
    pub accepted_at: Option<String>,
    /// 承诺办结日, in working days from acceptance, moved on by
    /// suspensions and an extension; null until accepted.
    #[schema(format = Date)]
    pub promised_due: Option<String>,
    /// 法定办结日, when the item has a legal limit.
    #[schema(format = Date)]
    pub legal_due: Option<String>,
    /// Working days the clock was stopped, an open suspension included.
    pub suspended_days: i32,
    pub extended_days: i32,
    pub suspensions: Vec<SuspensionJson>,
    pub events: Vec<EventJson>,
    /// The one-time 补正 notice: when it was given and what it listed.
    #[schema(format = DateTime)]
    pub notice_at: Option<String>,
    pub notice: String,
    /// The notice came after the fifth working day (or never, and the
    /// case was deemed accepted on receipt).
    pub notice_late: bool,
    #[schema(format = DateTime)]
    pub concluded_at: Option<String>,
    /// Decided by the promised date.
    pub on_time: Option<bool>,
    /// The result document (审批结果) and how it is delivered.
    pub result: String,
    pub delivery: String,
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl CaseJson {
    pub fn load(
        conn: &mut DbConn,
        c: &Case,
        tz: Tz,
        today: NaiveDate,
    ) -> diesel::QueryResult<CaseJson> {
        let (promised, legal) = service::dues_today(conn, c, today)?;
        let stops = service::suspensions_of(conn, c.id)?;
        let open_days = match stops.iter().find(|s| s.to_day.is_none()) {
            Some(s) => {
                let calendar = crate::hall::repo::work_calendar_around(conn, s.from_day)?;
                super::clock::stopped_days(
                    &calendar,
                    s.stop(),
                    c.accepted_on.unwrap_or(s.from_day),
                    today,
                )
            }
            None => 0,
        };
        let events = service::events_of(conn, c.id)?
            .into_iter()
            .map(|e| EventJson {
                at: crate::clock::rfc3339(e.at, tz),
                kind: e.status,
                note: e.note,
            })
            .collect();
        Ok(CaseJson {
            number: c.case_number.clone(),
            service_id: c.service_id,
            status: c.status,
            received_at: c.received_on.format("%Y-%m-%d").to_string(),
            accepted_at: date(c.accepted_on),
            promised_due: date(promised),
            legal_due: date(legal),
            suspended_days: c.suspended_days + open_days,
            extended_days: c.extended_days,
            suspensions: stops
                .into_iter()
                .map(|s| SuspensionJson {
                    kind: s.kind,
                    reason: s.reason,
                    from: s.from_day.format("%Y-%m-%d").to_string(),
                    to: date(s.to_day),
                })
                .collect(),
            events,
            notice_at: c.notice_at.map(|t| crate::clock::rfc3339(t, tz)),
            notice: c.notice_text.clone(),
            notice_late: c.notice_late,
            concluded_at: c.concluded_at.map(|t| crate::clock::rfc3339(t, tz)),
            on_time: c.on_time,
            result: c.result_name.clone(),
            delivery: c.delivery.clone(),
        })
    }
}
