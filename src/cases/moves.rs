//! The moves on a case, each one write transaction (the caller writes its
//! audit row in the same one): accept or answer materials received,
//! suspend and resume the clock, extend it once, conclude, and deliver
//! the result (the clock's own moves are in `stops`). A move the case's
//! state forbids is refused (409).

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::models::{Case, CaseStatus, SuspensionKind};
use super::service::{self, CaseError, dues};
use super::stops;
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::ids::{AccountId, CaseId};
use crate::db::schema::cases;
use crate::db::{DbConn, write_transaction};
use crate::hall::repo as hall_repo;

/// What a member of staff does with a case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseMove {
    /// 受理 the materials received.
    Accept,
    /// The one-time 补正 notice: everything missing, at once.
    Supplement(Vec<String>),
    /// The missing materials arrived: reviewed again from today.
    Resubmit,
    /// 不予受理, with the reason.
    NotAccept(String),
    Review,
    Suspend(SuspensionKind, String),
    Resume,
    Extend(i32, String),
    /// 准予 (true) or 不予许可, with a note (the reason, for a refusal).
    Conclude(bool, String),
    /// The result: ready at the window, or posted.
    Deliver(CaseStatus, String),
    Collect,
}

/// Who moves the case: a manager may approve an extension.
#[derive(Debug, Clone, Copy)]
pub struct Mover {
    pub id: AccountId,
    pub manager: bool,
}

impl CaseMove {
    /// The name in the API's path and the audit trail.
    pub fn name(&self) -> &'static str {
        match self {
            CaseMove::Accept => "accept",
            CaseMove::Supplement(_) => "supplement",
            CaseMove::Resubmit => "resubmit",
            CaseMove::NotAccept(_) => "not_accept",
            CaseMove::Review => "review",
            CaseMove::Suspend(..) => "suspend",
            CaseMove::Resume => "resume",
            CaseMove::Extend(..) => "extend",
            CaseMove::Conclude(..) => "conclude",
            CaseMove::Deliver(..) => "deliver",
            CaseMove::Collect => "collect",
        }
    }

    /// The status it leads to, when it changes the status.
    fn to(&self) -> Option<CaseStatus> {
        match self {
            CaseMove::Accept => Some(CaseStatus::Accepted),
            CaseMove::Supplement(_) => Some(CaseStatus::Supplement),
            CaseMove::Resubmit => Some(CaseStatus::Received),
            CaseMove::NotAccept(_) => Some(CaseStatus::NotAccepted),
            CaseMove::Review => Some(CaseStatus::Reviewing),
            CaseMove::Conclude(true, _) => Some(CaseStatus::Approved),
            CaseMove::Conclude(false, _) => Some(CaseStatus::Refused),
            CaseMove::Deliver(to, _) => Some(*to),
            CaseMove::Collect => Some(CaseStatus::Collected),
            CaseMove::Suspend(..) | CaseMove::Resume | CaseMove::Extend(..) => None,
        }
    }
}

/// Applies a move to a case.
pub fn apply(
    conn: &mut DbConn,
    id: CaseId,
    mv: CaseMove,
    by: Mover,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Case, CaseError> {
    write_transaction(conn, |conn| {
        let c = service::find(conn, id)?;
        let today = local(now, tz).date();
        if let Some(to) = mv.to() {
            if !c.status.next().contains(&to) {
                return Err(CaseError::IllegalMove(c.status.as_str(), to.as_str()));
            }
            if c.suspended_since.is_some() {
                return Err(CaseError::Suspended);
            }
        }
        let note = match &mv {
            CaseMove::Accept => accept(conn, &c, today, now)?,
            CaseMove::Supplement(missing) => supplement(conn, &c, missing, today, now)?,
            CaseMove::Resubmit => resubmit(conn, &c, today)?,
            CaseMove::Suspend(kind, reason) => {
                stops::suspend(conn, &c, *kind, reason, by, today, now)?
            }
            CaseMove::Resume => stops::resume(conn, &c, by, today, now)?,
            CaseMove::Extend(days, reason) => {
                stops::extend(conn, &c, *days, reason, by, today, now)?
            }
            CaseMove::Conclude(approved, note) => conclude(conn, &c, *approved, note, today, now)?,
            CaseMove::NotAccept(reason) => required(reason)?,
            CaseMove::Deliver(_, note) => crate::text::clean(note, 500),
            CaseMove::Review | CaseMove::Collect => String::new(),
        };
        let kind = match mv.to() {
            Some(to) => {
                set_status(conn, &c, to, now)?;
                to.as_str()
            }
            None => mv.name(),
        };
        service::add_event(conn, id, kind, &note, Some(by.id), now)?;
        Ok(service::find(conn, id)?)
    })
}

pub(super) fn required(text: &str) -> Result<String, CaseError> {
    let text = crate::text::clean(text, 500);
    if text.trim().is_empty() {
        return Err(CaseError::Invalid("reason_required"));
    }
    Ok(text)
}

/// Moves the status only if it is still the one read (two racing moves
/// cannot both succeed).
fn set_status(
    conn: &mut DbConn,
    c: &Case,
    to: CaseStatus,
    now: NaiveDateTime,
) -> Result<(), CaseError> {
    let n = diesel::update(
        cases::table
            .find(c.id)
            .filter(cases::status.eq(c.status.as_str())),
    )
    .set((
        cases::status.eq(to.as_str()),
        cases::updated_at.eq(now),
        cases::closed_at.eq(to.is_closed().then_some(now)),
    ))
    .execute(conn)?;
    if n == 1 {
        Ok(())
    } else {
        Err(CaseError::IllegalMove(c.status.as_str(), to.as_str()))
    }
}

/// 受理: the clock starts today — or, when the 补正 notice was never given
/// in time, on the day the materials arrived (Art. 32: deemed accepted).
fn accept(
    conn: &mut DbConn,
    c: &Case,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<String, CaseError> {
    let late = c.status == CaseStatus::Received && c.notice_due.is_some_and(|d| today > d);
    let accepted = if late { c.received_on } else { today };
    let calendar = hall_repo::work_calendar_around(conn, accepted)?;
    let (promised, legal) = dues(
        &calendar,
        accepted,
        c.promised_days,
        c.legal_days,
        0,
        &[],
        today,
    );
    diesel::update(cases::table.find(c.id))
        .set((
            cases::accepted_on.eq(accepted),
            cases::promised_due.eq(promised),
            cases::legal_due.eq(legal),
            cases::notice_late.eq(c.notice_late || late),
            cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(if late {
        format!("逾期未告知补正，视为自{}起受理", c.received_on)
    } else {
        String::new()
    })
}

/// The one-time notice of everything missing; late after the fifth
/// working day from receipt, and the record says so.
fn supplement(
    conn: &mut DbConn,
    c: &Case,
    missing: &[String],
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<String, CaseError> {
    let list: Vec<String> = missing
        .iter()
        .map(|m| crate::text::clean_line(m, 100))
        .filter(|m| !m.is_empty())
        .take(50)
        .collect();
    if list.is_empty() {
        return Err(CaseError::Invalid("missing_materials_required"));
    }
    let text = list.join("、");
    let late = c.notice_due.is_some_and(|d| today > d);
    diesel::update(cases::table.find(c.id))
        .set((
            cases::notice_at.eq(now),
            cases::notice_text.eq(&text),
            cases::notice_late.eq(c.notice_late || late),
            cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(text)
}

/// The missing materials arrived: a new review of 5 working days.
fn resubmit(conn: &mut DbConn, c: &Case, today: NaiveDate) -> Result<String, CaseError> {
    let calendar = hall_repo::work_calendar_around(conn, today)?;
    diesel::update(cases::table.find(c.id))
        .set((
            cases::received_on.eq(today),
            cases::notice_due.eq(calendar.add_working_days(today, service::NOTICE_DAYS)),
            cases::notice_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(String::new())
}

/// 准予 or 不予许可 (with the reason): the result named in the item's
/// guide and how it is delivered; on time when decided by the promised
/// date.
fn conclude(
    conn: &mut DbConn,
    c: &Case,
    approved: bool,
    note: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<String, CaseError> {
    let note = if approved {
        crate::text::clean(note, 500)
    } else {
        required(note)?
    };
    let guide = catalog_repo::guide_of(conn, c.service_id)?;
    let on_time = c.promised_due.is_none_or(|d| today <= d);
    diesel::update(cases::table.find(c.id))
        .set((
            cases::concluded_at.eq(now),
            cases::conclusion_note.eq(&note),
            cases::on_time.eq(on_time),
            cases::result_name.eq(if approved { guide.result.as_str() } else { "" }),
            cases::delivery.eq(if approved {
                guide.result_delivery.as_str()
            } else {
                ""
            }),
        ))
        .execute(conn)?;
    Ok(note)
}
