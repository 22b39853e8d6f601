//! Opening cases and reading them: a case opens when the window accepts an
//! application (受理: its clock starts) or receives it for the department
//! (收件: accepted or answered with the 补正 notice within 5 working days).

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::clock::{self, Stop};
use super::models::{Case, CaseEvent, CaseStatus, CaseSuspension};
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{AccountId, BookingId, CaseId, DepartmentId, HallId, ServiceId, TicketId};
use crate::db::schema::{
    accounts, bookings, case_counters, case_events, case_suspensions, cases, halls,
};
use crate::hall::calendar::WorkCalendar;
use crate::hall::repo as hall_repo;

/// Working days the department has to accept materials received or to
/// give the one-time 补正 notice (行政许可法 Art. 32).
pub const NOTICE_DAYS: u32 = 5;

fn next_case_number(conn: &mut DbConn, hall: HallId, day: NaiveDate) -> QueryResult<String> {
    let insert = diesel::insert_into(case_counters::table).values((
        case_counters::hall_id.eq(hall),
        case_counters::day.eq(day),
        case_counters::last_seq.eq(0),
    ));
    match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    let seq: i32 = diesel::update(case_counters::table.find((hall, day)))
        .set(case_counters::last_seq.eq(case_counters::last_seq + 1))
        .returning(case_counters::last_seq)
        .get_result(conn)?;
    let code: String = halls::table.find(hall).select(halls::code).first(conn)?;
    Ok(format!(
        "{}-{}-{seq:04}",
        code.replace('-', ""),
        day.format("%Y%m%d")
    ))
}

/// What opens a case: an application accepted or received at the window.
pub struct NewCase<'a> {
    pub hall: HallId,
    pub service: ServiceId,
    pub ticket: TicketId,
    pub booking: Option<BookingId>,
    /// For a walk-in, the digits the clerk typed (a booking has its own).
    pub phone_last4: &'a str,
    pub clerk: AccountId,
    /// 收件 for the department, rather than 受理 at the window.
    pub received: bool,
}

/// The applicant of a booked visit and their phone's last digits; for a
/// walk-in, the digits the clerk typed.
fn applicant(conn: &mut DbConn, new: &NewCase) -> QueryResult<(Option<AccountId>, String)> {
    match new.booking {
        Some(b) => {
            let (account, phone): (AccountId, String) = bookings::table
                .inner_join(accounts::table)
                .filter(bookings::id.eq(b))
                .select((bookings::account_id, accounts::phone))
                .first(conn)?;
            let digits: Vec<char> = phone.chars().collect();
            let last4 = digits[digits.len().saturating_sub(4)..].iter().collect();
            Ok((Some(account), last4))
        }
        None => Ok((
            None,
            new.phone_last4
                .chars()
                .filter(|c| c.is_ascii_digit())
                .take(4)
                .collect(),
        )),
    }
}

/// Opens the case of an application (inside the caller's write
/// transaction): accepted with its due dates in working days, or received
/// with the date its 补正 notice is due.
pub fn open_case(
    conn: &mut DbConn,
    new: &NewCase,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Case, CaseError> {
    let item = catalog_repo::find_service(conn, new.service)?.ok_or(CaseError::NotFound)?;
    let today = local(now, tz).date();
    let calendar = hall_repo::work_calendar_around(conn, today)?;
    let (account, last4) = applicant(conn, new)?;
    let number = next_case_number(conn, new.hall, today)?;
    let status = if new.received {
        CaseStatus::Received
    } else {
        CaseStatus::Accepted
    };
    let accepted = (!new.received).then_some(today);
    let (promised_due, legal_due) = match accepted {
        Some(a) => dues(
            &calendar,
            a,
            item.promised_days,
            item.legal_days,
            0,
            &[],
            today,
        ),
        None => (None, None),
    };
    let id: CaseId = diesel::insert_into(cases::table)
        .values((
            (
                cases::case_number.eq(&number),
                cases::hall_id.eq(new.hall),
                cases::department_id.eq(item.department_id),
                cases::service_id.eq(item.id),
                cases::ticket_id.eq(new.ticket),
                cases::booking_id.eq(new.booking),
                cases::account_id.eq(account),
                cases::phone_last4.eq(&last4),
                cases::status.eq(status.as_str()),
            ),
            (
                cases::received_on.eq(today),
                cases::notice_due.eq(new
                    .received
                    .then(|| calendar.add_working_days(today, NOTICE_DAYS))),
                cases::accepted_on.eq(accepted),
                cases::promised_days.eq(item.promised_days.max(0)),
                cases::legal_days.eq(item.legal_days.max(0)),
                cases::promised_due.eq(promised_due),
                cases::legal_due.eq(legal_due),
                cases::created_at.eq(now),
                cases::updated_at.eq(now),
            ),
        ))
        .returning(cases::id)
        .get_result(conn)?;
    add_event(conn, id, status.as_str(), "", Some(new.clerk), now)?;
    Ok(find(conn, id)?)
}

/// The promised and legal due dates of a case accepted on `accepted`:
/// its limits plus any extension, in counting working days.
pub fn dues(
    calendar: &WorkCalendar,
    accepted: NaiveDate,
    promised_days: i32,
    legal_days: i32,
    extended_days: i32,
    stops: &[Stop],
    today: NaiveDate,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let limit = |days: i32| (days.max(0) + extended_days.max(0)) as u32;
    let promised = clock::due(calendar, accepted, limit(promised_days), stops, today);
    let legal =
        (legal_days > 0).then(|| clock::due(calendar, accepted, limit(legal_days), stops, today));
    (Some(promised), legal)
}

pub fn add_event(
    conn: &mut DbConn,
    case: CaseId,
    kind: &str,
    note: &str,
    actor: Option<AccountId>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case),
            case_events::status.eq(kind),
            case_events::note.eq(note),
            case_events::actor_id.eq(actor),
            case_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: CaseId) -> QueryResult<Case> {
    cases::table.find(id).select(Case::as_select()).first(conn)
}

pub fn find_by_number(conn: &mut DbConn, number: &str) -> QueryResult<Option<Case>> {
    cases::table
        .filter(cases::case_number.eq(number))
        .select(Case::as_select())
        .first(conn)
        .optional()
}

/// The first case a visit opened (its ticket's), if any.
pub fn for_ticket(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Option<Case>> {
    cases::table
        .filter(cases::ticket_id.eq(ticket))
        .order(cases::id)
        .select(Case::as_select())
        .first(conn)
        .optional()
}

/// Every case a visit opened: one per item accepted or received.
pub fn all_for_ticket(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Vec<Case>> {
    cases::table
        .filter(cases::ticket_id.eq(ticket))
        .order(cases::id)
        .select(Case::as_select())
        .load(conn)
}

pub fn events_of(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<CaseEvent>> {
    case_events::table
        .filter(case_events::case_id.eq(case))
        .order((case_events::at, case_events::id))
        .select(CaseEvent::as_select())
        .load(conn)
}

pub fn suspensions_of(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<CaseSuspension>> {
    case_suspensions::table
        .filter(case_suspensions::case_id.eq(case))
        .order(case_suspensions::id)
        .select(CaseSuspension::as_select())
        .load(conn)
}

/// A case's due dates as they stand today (an open suspension moves them
/// on day by day).
pub fn dues_today(
    conn: &mut DbConn,
    c: &Case,
    today: NaiveDate,
) -> QueryResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let Some(accepted) = c.accepted_on else {
        return Ok((None, None));
    };
    if c.suspended_since.is_none() {
        return Ok((c.promised_due, c.legal_due));
    }
    let stops: Vec<Stop> = suspensions_of(conn, c.id)?
        .iter()
        .map(|s| s.stop())
        .collect();
    let calendar = hall_repo::work_calendar_around(conn, accepted)?;
    Ok(dues(
        &calendar,
        accepted,
        c.promised_days,
        c.legal_days,
        c.extended_days,
        &stops,
        today,
    ))
}

/// A department's cases: the most urgent first — received ones whose
/// notice falls due, then running ones by working days left, suspended
/// ones after them, then recently closed.
pub fn for_department(
    conn: &mut DbConn,
    department: Option<DepartmentId>,
    today: NaiveDate,
) -> QueryResult<Vec<(Case, Option<i64>)>> {
    let mut q = cases::table.into_boxed();
    if let Some(d) = department {
        q = q.filter(cases::department_id.eq(d));
    }
    let list: Vec<Case> = q
        .order(cases::id.desc())
        .limit(500)
        .select(Case::as_select())
        .load(conn)?;
    let calendar = hall_repo::work_calendar_around(conn, today)?;
    let mut rows: Vec<(Case, Option<i64>)> = list
        .into_iter()
        .map(|c| {
            let due = if c.status.is_before_acceptance() {
                c.notice_due
            } else if c.status.clock_runs() && c.suspended_since.is_none() {
                c.promised_due
            } else {
                None
            };
            let left = due.map(|d| clock::working_days_left(&calendar, today, d));
            (c, left)
        })
        .collect();
    rows.sort_by_key(|(c, left)| {
        let rank = match (c.status.is_closed() || c.status.is_decided(), left) {
            (false, Some(_)) => 0,
            (false, None) => 1,
            (true, _) => 2,
        };
        (rank, left.unwrap_or(i64::MAX), std::cmp::Reverse(c.id))
    });
    Ok(rows)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CaseError {
    #[error("not found")]
    NotFound,
    #[error("a case cannot go from {0} to {1}")]
    IllegalMove(&'static str, &'static str),
    /// The clock is stopped: resume the case first.
    #[error("the case is suspended")]
    Suspended,
    #[error("the case's time limit was extended already")]
    AlreadyExtended,
    /// Only a department administrator or an administrator approves an
    /// extension.
    #[error("an extension needs a manager's approval")]
    NeedsManager,
    #[error("{0}")]
    Invalid(&'static str),
    #[error(transparent)]
    Db(#[from] crate::db::DbFailure),
}

impl From<CaseError> for crate::error::AppError {
    fn from(e: CaseError) -> Self {
        use crate::error::AppError;
        let message = e.to_string();
        match e {
            CaseError::NotFound => AppError::NotFound,
            CaseError::IllegalMove(..) => AppError::conflict("illegal_transition", message),
            CaseError::Suspended => AppError::conflict("case_suspended", message),
            CaseError::AlreadyExtended => AppError::conflict("already_extended", message),
            CaseError::NeedsManager => AppError::forbidden("forbidden", message),
            CaseError::Invalid(code) => AppError::invalid(code, message),
            CaseError::Db(f) => f.into(),
        }
    }
}

impl From<diesel::result::Error> for CaseError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => CaseError::NotFound,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => CaseError::Suspended,
            other => CaseError::Db(other.into()),
        }
    }
}

impl CaseError {
    /// The contract's error code (and the workstation's `?error=`).
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::NotFound => "not_found",
            CaseError::IllegalMove(..) => "illegal_transition",
            CaseError::Suspended => "case_suspended",
            CaseError::AlreadyExtended => "already_extended",
            CaseError::NeedsManager => "forbidden",
            CaseError::Invalid(code) => code,
            CaseError::Db(_) => "internal_error",
        }
    }
}
