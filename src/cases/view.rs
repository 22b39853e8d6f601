//! A case as a person reads it, on the case page, the booking page and
//! `/track`: its status, its dates as they stand today, why the clock
//! stopped, the extension, the notice and the conclusion.

use super::models::Case;
use super::service;
use crate::catalog::pages::views::date_label;
use crate::catalog::repo as catalog_repo;
use crate::db::DbConn;
use crate::error::AppError;
use crate::i18n::Lang;

/// One suspension as the case page and the applicant read it.
pub struct StopView {
    pub kind: String,
    pub reason: String,
    pub from: String,
    pub to: String,
}

/// A case as a person reads it: status, dates as they stand today, why the
/// clock stopped, the extension, the notice and the conclusion.
pub struct CaseView {
    pub number: String,
    pub item: String,
    pub status: String,
    pub explain: String,
    pub received: String,
    pub accepted: String,
    pub promised_due: String,
    pub legal_due: String,
    pub overdue: bool,
    /// The open suspension, if the clock stands still now.
    pub suspended: Option<StopView>,
    pub stops: Vec<StopView>,
    /// "延长 10 个工作日：…" once extended.
    pub extension: String,
    /// The one-time 补正 notice: what it lists, when it was given.
    pub notice: String,
    pub notice_at: String,
    pub notice_late: bool,
    pub result: String,
    pub delivery: String,
    pub conclusion_note: String,
    pub timeline: Vec<(String, String, String)>,
}

fn stop_view(s: &super::models::CaseSuspension, lang: Lang) -> StopView {
    StopView {
        kind: lang.t(&format!("suspension-{}", s.kind.as_str())),
        reason: s.reason.clone(),
        from: date_label(lang, s.from_day),
        to: s.to_day.map(|d| date_label(lang, d)).unwrap_or_default(),
    }
}

impl CaseView {
    pub fn load(
        conn: &mut DbConn,
        c: &Case,
        lang: Lang,
        tz: chrono_tz::Tz,
        today: chrono::NaiveDate,
    ) -> Result<CaseView, AppError> {
        let item = catalog_repo::find_service(conn, c.service_id)?
            .map(|s| s.name)
            .unwrap_or_default();
        let timeline = service::events_of(conn, c.id)?
            .into_iter()
            .map(|e| {
                (
                    lang.t(&format!("case-{}", e.status)),
                    crate::clock::format_local(e.at, tz),
                    e.note,
                )
            })
            .collect();
        let (promised, legal) = service::dues_today(conn, c, today)?;
        let suspensions = service::suspensions_of(conn, c.id)?;
        let label =
            |d: Option<chrono::NaiveDate>| d.map(|d| date_label(lang, d)).unwrap_or_default();
        Ok(CaseView {
            number: c.case_number.clone(),
            item,
            status: lang.t(&format!("case-{}", c.status.as_str())),
            explain: lang.t(&format!("case-{}-explain", c.status.as_str())),
            received: date_label(lang, c.received_on),
            accepted: label(c.accepted_on),
            promised_due: label(promised),
            legal_due: label(legal),
            overdue: c.overdue(today),
            suspended: suspensions
                .iter()
                .find(|s| s.to_day.is_none())
                .map(|s| stop_view(s, lang)),
            stops: suspensions.iter().map(|s| stop_view(s, lang)).collect(),
            extension: if c.extended_days > 0 {
                lang.t_args(
                    "case-extended-by",
                    &[
                        ("n", c.extended_days.into()),
                        ("v", c.extension_reason.clone().into()),
                    ],
                )
            } else {
                String::new()
            },
            notice: c.notice_text.clone(),
            notice_at: c
                .notice_at
                .map(|t| crate::clock::format_local(t, tz))
                .unwrap_or_default(),
            notice_late: c.notice_late,
            result: c.result_name.clone(),
            delivery: c.delivery.clone(),
            conclusion_note: c.conclusion_note.clone(),
            timeline,
        })
    }
}
