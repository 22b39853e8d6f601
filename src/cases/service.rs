use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::models::{Case, CaseEvent, CaseStatus};
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::ids::{AccountId, BookingId, CaseId, DepartmentId, HallId, ServiceId, TicketId};
use crate::db::schema::{accounts, bookings, case_counters, case_events, cases, halls};
use crate::db::{DbConn, write_transaction};
use crate::hall::repo as hall_repo;

fn next_case_number(
    conn: &mut DbConn,
    hall: crate::db::ids::HallId,
    day: NaiveDate,
) -> QueryResult<String> {
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

/// What opens a case: the accepted application at the window.
pub struct NewCase<'a> {
    pub hall: HallId,
    pub service: ServiceId,
    pub ticket: TicketId,
    pub booking: Option<BookingId>,
    /// For a walk-in, the digits the clerk typed (a booking has its own).
    pub phone_last4: &'a str,
    pub clerk: AccountId,
}

/// Opens the case of an accepted application (inside the caller's write
/// transaction): promised and legal due dates in working days.
pub fn open_case(
    conn: &mut DbConn,
    new: &NewCase,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Case, CaseError> {
    let item = catalog_repo::find_service(conn, new.service)?.ok_or(CaseError::NotFound)?;
    let today = local(now, tz).date();
    let calendar = hall_repo::work_calendar_around(conn, today)?;
    let promised_due = calendar.add_working_days(today, item.promised_days.max(0) as u32);
    let legal_due =
        (item.legal_days > 0).then(|| calendar.add_working_days(today, item.legal_days as u32));
    let applicant: Option<(AccountId, String)> = match new.booking {
        Some(b) => Some(
            bookings::table
                .inner_join(accounts::table)
                .filter(bookings::id.eq(b))
                .select((bookings::account_id, accounts::phone))
                .first(conn)?,
        ),
        None => None,
    };
    let last4: String = match &applicant {
        Some((_, phone)) => {
            let digits: Vec<char> = phone.chars().collect();
            digits[digits.len().saturating_sub(4)..].iter().collect()
        }
        None => new
            .phone_last4
            .chars()
            .filter(|c| c.is_ascii_digit())
            .take(4)
            .collect(),
    };
    let number = next_case_number(conn, new.hall, today)?;
    let id: CaseId = diesel::insert_into(cases::table)
        .values((
            cases::case_number.eq(&number),
            cases::hall_id.eq(new.hall),
            cases::department_id.eq(item.department_id),
            cases::service_id.eq(item.id),
            cases::ticket_id.eq(new.ticket),
            cases::booking_id.eq(new.booking),
            cases::account_id.eq(applicant.as_ref().map(|(a, _)| *a)),
            cases::phone_last4.eq(&last4),
            cases::status.eq(CaseStatus::Accepted.as_str()),
            cases::accepted_on.eq(today),
            cases::promised_due.eq(promised_due),
            cases::legal_due.eq(legal_due),
            cases::created_at.eq(now),
            cases::updated_at.eq(now),
        ))
        .returning(cases::id)
        .get_result(conn)?;
    add_event(conn, id, CaseStatus::Accepted, "", Some(new.clerk), now)?;
    Ok(find(conn, id)?)
}

fn add_event(
    conn: &mut DbConn,
    case: CaseId,
    status: CaseStatus,
    note: &str,
    actor: Option<AccountId>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case),
            case_events::status.eq(status.as_str()),
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

/// The first case a visit opened (its ticket's), if any.
pub fn for_ticket(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Option<Case>> {
    cases::table
        .filter(cases::ticket_id.eq(ticket))
        .order(cases::id)
        .select(Case::as_select())
        .first(conn)
        .optional()
}

/// Every case a visit opened: one per item accepted.
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

/// A department's cases: open ones first by due date, then recently closed.
pub fn for_department(conn: &mut DbConn, department: DepartmentId) -> QueryResult<Vec<Case>> {
    let mut list: Vec<Case> = cases::table
        .filter(cases::department_id.eq(department))
        .order(cases::promised_due)
        .limit(500)
        .select(Case::as_select())
        .load(conn)?;
    list.sort_by_key(|c| (c.status.is_closed(), c.promised_due, c.id));
    Ok(list)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CaseError {
    #[error("not found")]
    NotFound,
    #[error("a case cannot go from {0} to {1}")]
    IllegalMove(&'static str, &'static str),
    #[error(transparent)]
    Db(#[from] crate::db::DbFailure),
}

impl From<CaseError> for crate::error::AppError {
    fn from(e: CaseError) -> Self {
        use crate::error::AppError;
        match e {
            CaseError::NotFound => AppError::NotFound,
            CaseError::IllegalMove(..) => AppError::conflict("illegal_transition", e.to_string()),
            CaseError::Db(f) => f.into(),
        }
    }
}

impl From<diesel::result::Error> for CaseError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => CaseError::NotFound,
            other => CaseError::Db(other.into()),
        }
    }
}

/// Moves a case one step along its path (only the department's staff may;
/// the caller checks that).
pub fn advance(
    conn: &mut DbConn,
    id: CaseId,
    to: CaseStatus,
    note: &str,
    actor: AccountId,
    now: NaiveDateTime,
) -> Result<Case, CaseError> {
    write_transaction(conn, |conn| {
        let c = find(conn, id)?;
        if !c.status.next().contains(&to) {
            return Err(CaseError::IllegalMove(c.status.as_str(), to.as_str()));
        }
        let closed = to.is_closed().then_some(now);
        let n = diesel::update(
            cases::table
                .find(id)
                .filter(cases::status.eq(c.status.as_str())),
        )
        .set((
            cases::status.eq(to.as_str()),
            cases::updated_at.eq(now),
            cases::closed_at.eq(closed),
        ))
        .execute(conn)?;
        if n != 1 {
            return Err(CaseError::IllegalMove(c.status.as_str(), to.as_str()));
        }
        add_event(
            conn,
            id,
            to,
            crate::text::clean(note, 500).as_str(),
            Some(actor),
            now,
        )?;
        Ok(find(conn, id)?)
    })
}
