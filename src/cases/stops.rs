//! The moves of a case's clock (行政许可法 Art. 42, 45): a suspension with
//! its kind and reason, which stops the clock; its resumption, which moves
//! both due dates on by the working days stopped; one extension approved
//! by a manager within the item's limit.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::clock::{self, Stop};
use super::models::{Case, SuspensionKind};
use super::moves::{Mover, required};
use super::service::{self, CaseError, dues, suspensions_of};
use crate::catalog::repo as catalog_repo;
use crate::db::DbConn;
use crate::db::ids::CaseId;
use crate::db::schema::{case_suspensions, cases};
use crate::hall::repo as hall_repo;

fn clock_running(c: &Case) -> Result<(), CaseError> {
    if !c.status.clock_runs() {
        return Err(CaseError::IllegalMove(c.status.as_str(), "suspended"));
    }
    Ok(())
}

pub(super) fn suspend(
    conn: &mut DbConn,
    c: &Case,
    kind: SuspensionKind,
    reason: &str,
    by: Mover,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<String, CaseError> {
    clock_running(c)?;
    if c.suspended_since.is_some() {
        return Err(CaseError::Suspended);
    }
    let reason = required(reason)?;
    if kind == SuspensionKind::Supplement {
        let item = catalog_repo::find_service(conn, c.service_id)?.ok_or(CaseError::NotFound)?;
        if !item.supplement_stops_clock {
            return Err(CaseError::Invalid("supplement_does_not_stop_clock"));
        }
    }
    diesel::insert_into(case_suspensions::table)
        .values((
            case_suspensions::case_id.eq(c.id),
            case_suspensions::kind.eq(kind.as_str()),
            case_suspensions::reason.eq(&reason),
            case_suspensions::from_day.eq(today),
            case_suspensions::started_at.eq(now),
            case_suspensions::started_by.eq(by.id),
        ))
        .execute(conn)?;
    diesel::update(cases::table.find(c.id))
        .set((cases::suspended_since.eq(today), cases::updated_at.eq(now)))
        .execute(conn)?;
    // The record is the 办件's own, in the language of the file.
    let label = crate::i18n::Lang::Zh.t(&format!("suspension-{}", kind.as_str()));
    Ok(format!("{label}：{reason}"))
}

/// Working days while suspended do not count: both due dates move on by
/// them.
pub(super) fn resume(
    conn: &mut DbConn,
    c: &Case,
    by: Mover,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<String, CaseError> {
    let Some(since) = c.suspended_since else {
        return Err(CaseError::IllegalMove(c.status.as_str(), "resumed"));
    };
    let n = diesel::update(
        case_suspensions::table
            .filter(case_suspensions::case_id.eq(c.id))
            .filter(case_suspensions::to_day.is_null()),
    )
    .set((
        case_suspensions::to_day.eq(today),
        case_suspensions::ended_at.eq(now),
        case_suspensions::ended_by.eq(by.id),
    ))
    .execute(conn)?;
    if n != 1 {
        return Err(CaseError::IllegalMove(c.status.as_str(), "resumed"));
    }
    let calendar = hall_repo::work_calendar_around(conn, since)?;
    let stopped = clock::stopped_days(
        &calendar,
        Stop {
            from: since,
            to: Some(today),
        },
        c.accepted_on.unwrap_or(since),
        today,
    );
    diesel::update(cases::table.find(c.id))
        .set((
            cases::suspended_since.eq(None::<NaiveDate>),
            cases::suspended_days.eq(c.suspended_days + stopped),
        ))
        .execute(conn)?;
    refresh_dues(conn, c.id, today, now)?;
    Ok(format!("暂停计时 {stopped} 个工作日"))
}

/// Art. 42: once, by at most the item's own limit, approved by a manager.
pub(super) fn extend(
    conn: &mut DbConn,
    c: &Case,
    days: i32,
    reason: &str,
    by: Mover,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<String, CaseError> {
    clock_running(c)?;
    if c.suspended_since.is_some() {
        return Err(CaseError::Suspended);
    }
    if !by.manager {
        return Err(CaseError::NeedsManager);
    }
    if c.extended_days > 0 {
        return Err(CaseError::AlreadyExtended);
    }
    let item = catalog_repo::find_service(conn, c.service_id)?.ok_or(CaseError::NotFound)?;
    if days < 1 || days > item.max_extension_days {
        return Err(CaseError::Invalid("invalid_extension"));
    }
    let reason = required(reason)?;
    diesel::update(cases::table.find(c.id))
        .set((
            cases::extended_days.eq(days),
            cases::extension_reason.eq(&reason),
            cases::extended_by.eq(by.id),
            cases::extended_at.eq(now),
        ))
        .execute(conn)?;
    refresh_dues(conn, c.id, today, now)?;
    Ok(format!("+{days}：{reason}"))
}

/// Recomputes and stores the due dates after the clock changed.
fn refresh_dues(
    conn: &mut DbConn,
    id: CaseId,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), CaseError> {
    let c = service::find(conn, id)?;
    let Some(accepted) = c.accepted_on else {
        return Ok(());
    };
    let stops: Vec<Stop> = suspensions_of(conn, id)?.iter().map(|s| s.stop()).collect();
    let calendar = hall_repo::work_calendar_around(conn, accepted)?;
    let (promised, legal) = dues(
        &calendar,
        accepted,
        c.promised_days,
        c.legal_days,
        c.extended_days,
        &stops,
        today,
    );
    diesel::update(cases::table.find(id))
        .set((
            cases::promised_due.eq(promised),
            cases::legal_due.eq(legal),
            cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
