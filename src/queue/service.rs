//! Tickets and calls, each one write transaction. The database enforces the
//! invariants: ticket numbers come from a counter row updated inside the
//! ticket's transaction (unique and gapless), a call claims a ticket with a
//! conditional UPDATE (two windows never get the same ticket), and a partial
//! unique index allows one called-or-serving ticket per window.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::events::HallEvent;
use super::models::{Outcome, PriorityReason, Ticket, TicketStatus, strs};
use super::order;
use crate::booking::models::{Booking, BookingStatus};
use crate::booking::repo as booking_repo;
use crate::catalog::models::{ServiceItem, Window};
use crate::catalog::repo as catalog_repo;
use crate::db::ids::{AccountId, BookingId, HallId, ServiceId, TicketId, WindowId};
use crate::db::schema::{
    accounts, service_items, ticket_counters, ticket_events, tickets, walk_in_counters,
    window_services, windows, zones,
};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueueError {
    #[error("not found")]
    NotFound,
    #[error("check-in opens {0} minutes before the booked time")]
    TooEarly(i32),
    #[error("the check-in time has passed; take a walk-in ticket")]
    TooLate,
    #[error("this booking cannot be checked in")]
    NotCheckable,
    #[error("today's walk-in tickets for this item are all given out")]
    QuotaReached,
    #[error("the hall is closed now")]
    HallClosed,
    #[error("this is not your window")]
    NotYourWindow,
    #[error("the window is paused")]
    WindowPaused,
    #[error("finish the current ticket first")]
    WindowBusy,
    #[error("this ticket is not at your window")]
    NotYourTicket,
    #[error("a ticket in state {0} cannot do that")]
    IllegalMove(&'static str),
    #[error("a ticket is called at most 3 times")]
    TooManyCalls,
    #[error("{0}")]
    Invalid(&'static str),
    #[error("another clerk is at this window")]
    WindowTaken,
    #[error("nobody staffs that window now; a ticket sent there would wait for nobody")]
    WindowNotStaffed,
    #[error("no staffed window serves that item now")]
    ServiceNotStaffed,
    #[error("no window serves this item")]
    NoWindow,
    #[error(transparent)]
    Db(#[from] crate::db::DbFailure),
}

impl From<diesel::result::Error> for QueueError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => QueueError::NotFound,
            other => QueueError::Db(other.into()),
        }
    }
}

impl From<QueueError> for AppError {
    fn from(e: QueueError) -> Self {
        let code = e.code();
        let message = e.to_string();
        match e {
            QueueError::NotFound => AppError::NotFound,
            QueueError::NotYourWindow | QueueError::NotYourTicket => {
                AppError::forbidden(code, message)
            }
            QueueError::Invalid(_) => AppError::invalid(code, message),
            QueueError::Db(f) => f.into(),
            _ => AppError::conflict(code, message),
        }
    }
}

impl From<crate::cases::service::CaseError> for QueueError {
    fn from(e: crate::cases::service::CaseError) -> Self {
        use crate::cases::service::CaseError;
        match e {
            CaseError::NotFound => QueueError::NotFound,
            CaseError::Db(f) => QueueError::Db(f),
            CaseError::IllegalMove(..) => QueueError::IllegalMove("accepted"),
        }
    }
}

impl QueueError {
    pub fn code(&self) -> &'static str {
        match self {
            QueueError::NotFound => "not_found",
            QueueError::TooEarly(_) => "too_early",
            QueueError::TooLate => "too_late",
            QueueError::NotCheckable => "invalid_state",
            QueueError::QuotaReached => "quota_reached",
            QueueError::HallClosed => "hall_closed",
            QueueError::NotYourWindow => "not_your_window",
            QueueError::WindowPaused => "window_paused",
            QueueError::WindowBusy => "window_busy",
            QueueError::NotYourTicket => "not_your_ticket",
            QueueError::IllegalMove(_) => "illegal_transition",
            QueueError::TooManyCalls => "too_many_calls",
            QueueError::Invalid(code) => code,
            QueueError::WindowTaken => "window_taken",
            QueueError::WindowNotStaffed => "window_not_staffed",
            QueueError::ServiceNotStaffed => "service_not_staffed",
            QueueError::NoWindow => "no_window",
            QueueError::Db(_) => "internal_error",
        }
    }

    /// The translation key of the message shown on pages.
    pub fn message_key(&self) -> String {
        format!("queue-error-{}", self.code().replace('_', "-"))
    }
}

pub use crate::clock::{local, utc_of};

/// The letter of an item's tickets: the zone of its department's windows
/// (the zone where the department sits).
pub fn letter_for(conn: &mut DbConn, item: &ServiceItem) -> QueryResult<String> {
    let own: Option<String> = windows::table
        .inner_join(zones::table)
        .filter(windows::department_id.eq(item.department_id))
        .order(windows::number)
        .select(zones::letter)
        .first(conn)
        .optional()?;
    match own {
        Some(l) => Ok(l),
        None => window_services::table
            .inner_join(windows::table.inner_join(zones::table))
            .filter(window_services::service_id.eq(item.id))
            .order(windows::number)
            .select(zones::letter)
            .first(conn)
            .optional()
            .map(|l| l.unwrap_or_else(|| "A".to_string())),
    }
}

fn log(
    conn: &mut DbConn,
    ticket: TicketId,
    kind: &str,
    window: Option<WindowId>,
    actor: Option<AccountId>,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_id.eq(ticket),
            ticket_events::kind.eq(kind),
            ticket_events::window_id.eq(window),
            ticket_events::actor_id.eq(actor),
            ticket_events::note.eq(note),
            ticket_events::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes the next number for a letter: the counter row's UPDATE holds the
/// row until the ticket's transaction ends, so numbers are never skipped or
/// given twice.
fn next_number(
    conn: &mut DbConn,
    hall: HallId,
    day: NaiveDate,
    letter: &str,
) -> QueryResult<(i32, String)> {
    let insert = diesel::insert_into(ticket_counters::table).values((
        ticket_counters::hall_id.eq(hall),
        ticket_counters::day.eq(day),
        ticket_counters::letter.eq(letter),
        ticket_counters::last_seq.eq(0),
    ));
    match conn {
        DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConn::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    let seq: i32 = diesel::update(ticket_counters::table.find((hall, day, letter.to_string())))
        .set(ticket_counters::last_seq.eq(ticket_counters::last_seq + 1))
        .returning(ticket_counters::last_seq)
        .get_result(conn)?;
    Ok((seq, format!("{letter}{seq:03}")))
}

struct NewTicket<'a> {
    hall: &'a Hall,
    item: &'a ServiceItem,
    booking: Option<&'a Booking>,
    priority: Option<PriorityReason>,
    appointment_at: Option<NaiveDateTime>,
}

fn issue(
    conn: &mut DbConn,
    new: NewTicket,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<Ticket, QueueError> {
    let letter = letter_for(conn, new.item)?;
    let (seq, number) = next_number(conn, new.hall.id, today, &letter)?;
    let id: TicketId = diesel::insert_into(tickets::table)
        .values((
            tickets::hall_id.eq(new.hall.id),
            tickets::day.eq(today),
            tickets::letter.eq(&letter),
            tickets::seq.eq(seq),
            tickets::number.eq(&number),
            tickets::service_id.eq(new.item.id),
            tickets::booking_id.eq(new.booking.map(|b| b.id)),
            tickets::status.eq(TicketStatus::Waiting.as_str()),
            tickets::priority_reason.eq(new.priority.map(|p| p.as_str())),
            tickets::appointment_at.eq(new.appointment_at),
            tickets::queue_since.eq(now),
            tickets::issued_at.eq(now),
        ))
        .returning(tickets::id)
        .get_result(conn)?;
    let note = new
        .priority
        .map(|p| format!("priority:{}", p.as_str()))
        .unwrap_or_default();
    log(conn, id, "issued", None, None, &note, now)?;
    Ok(find(conn, id)?)
}

pub fn find(conn: &mut DbConn, id: TicketId) -> QueryResult<Ticket> {
    tickets::table
        .find(id)
        .select(Ticket::as_select())
        .first(conn)
}

pub fn for_booking(conn: &mut DbConn, booking: BookingId) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::booking_id.eq(booking))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

/// Checks in a booking at the kiosk: from `checkin_early_minutes` before the
/// slot to `checkin_late_minutes` after it. Checking in twice gives back the
/// same ticket (one number per visit).
pub fn check_in(
    conn: &mut DbConn,
    code: &str,
    phone_last4: &str,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(Ticket, bool), QueueError> {
    write_transaction(conn, |conn| {
        let booking = booking_repo::find_by_code(conn, code)?.ok_or(QueueError::NotFound)?;
        let phone: String = accounts::table
            .find(booking.account_id)
            .select(accounts::phone)
            .first(conn)?;
        if !phone.ends_with(phone_last4) || phone_last4.len() != 4 {
            return Err(QueueError::NotFound);
        }
        if let Some(t) = for_booking(conn, booking.id)? {
            return Ok((t, false));
        }
        if booking.status != BookingStatus::Booked {
            return Err(QueueError::NotCheckable);
        }
        let hall = hall_repo::find_hall(conn, booking.hall_id)?.ok_or(QueueError::NotFound)?;
        let start = booking.day.and_time(booking.start_time);
        let now_local = local(now, tz);
        if now_local < start - Duration::minutes(i64::from(hall.checkin_early_minutes)) {
            return Err(QueueError::TooEarly(hall.checkin_early_minutes));
        }
        if now_local > start + Duration::minutes(i64::from(hall.checkin_late_minutes)) {
            return Err(QueueError::TooLate);
        }
        let item =
            catalog_repo::find_service(conn, booking.service_id)?.ok_or(QueueError::NotFound)?;
        let new = NewTicket {
            hall: &hall,
            item: &item,
            booking: Some(&booking),
            priority: None,
            appointment_at: Some(utc_of(start, tz)),
        };
        let ticket = issue(conn, new, now, now_local.date())?;
        booking_repo::transition(
            conn,
            booking.id,
            &[BookingStatus::Booked],
            BookingStatus::CheckedIn,
            now,
        )?;
        booking_repo::add_event(
            conn,
            booking.id,
            BookingStatus::CheckedIn.as_str(),
            &ticket.number,
            now,
        )?;
        Ok((ticket, true))
    })
}

/// Whether the hall takes walk-ins now: on an open day, from half an hour
/// before the first session to the end of the last.
fn hall_open_now(conn: &mut DbConn, hall: &Hall, now_local: NaiveDateTime) -> QueryResult<bool> {
    let week = hall_repo::opening_hours_of(conn, hall.id)?;
    let calendar = hall_repo::work_calendar_around(conn, now_local.date())?;
    let Some(hours) = calendar.hours_on(now_local.date(), &week) else {
        return Ok(false);
    };
    let sessions = hours.sessions();
    let (Some(first), Some(last)) = (sessions.first(), sessions.last()) else {
        return Ok(false);
    };
    let t = now_local.time();
    Ok(t >= first.0 - Duration::minutes(30) && t <= last.1)
}

/// A walk-in ticket for an item, within the item's daily quota if one is set.
pub fn walk_in(
    conn: &mut DbConn,
    service: ServiceId,
    priority: Option<PriorityReason>,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Ticket, QueueError> {
    write_transaction(conn, |conn| {
        let item = catalog_repo::find_service(conn, service)?.ok_or(QueueError::NotFound)?;
        let hall = hall_repo::find_hall(conn, item.hall_id)?.ok_or(QueueError::NotFound)?;
        let now_local = local(now, tz);
        if !hall_open_now(conn, &hall, now_local)? {
            return Err(QueueError::HallClosed);
        }
        // A number nobody could ever call is not given out.
        if booking_repo::windows_for(conn, item.id)?.is_empty() {
            return Err(QueueError::NoWindow);
        }
        let today = now_local.date();
        if let Some(quota) = item.walk_in_quota {
            let insert = diesel::insert_into(walk_in_counters::table).values((
                walk_in_counters::service_id.eq(item.id),
                walk_in_counters::day.eq(today),
                walk_in_counters::issued.eq(0),
            ));
            match conn {
                DbConn::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
                DbConn::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
            };
            let taken = diesel::update(
                walk_in_counters::table
                    .find((item.id, today))
                    .filter(walk_in_counters::issued.lt(quota)),
            )
            .set(walk_in_counters::issued.eq(walk_in_counters::issued + 1))
            .execute(conn)?;
            if taken == 0 {
                return Err(QueueError::QuotaReached);
            }
        }
        issue(
            conn,
            NewTicket {
                hall: &hall,
                item: &item,
                booking: None,
                priority,
                appointment_at: None,
            },
            now,
            today,
        )
    })
}

/// Tickets waiting today that a window can serve.
pub fn queue_for_window(
    conn: &mut DbConn,
    window: &Window,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<Vec<Ticket>> {
    let today = local(now, tz).date();
    let services: Vec<ServiceId> = window_services::table
        .filter(window_services::window_id.eq(window.id))
        .select(window_services::service_id)
        .load(conn)?;
    let mut list: Vec<Ticket> = tickets::table
        .filter(tickets::hall_id.eq(window.hall_id))
        .filter(tickets::day.eq(today))
        .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED)))
        .filter(tickets::service_id.eq_any(services))
        .filter(
            tickets::target_window_id
                .is_null()
                .or(tickets::target_window_id.eq(window.id)),
        )
        .select(Ticket::as_select())
        .load(conn)?;
    let hall = hall_repo::find_hall(conn, window.hall_id)?;
    let starvation = Duration::minutes(hall.map(|h| i64::from(h.starvation_minutes)).unwrap_or(30));
    order::in_calling_order(&mut list, now, starvation);
    Ok(list)
}

pub fn window_of_clerk(conn: &mut DbConn, clerk: AccountId) -> QueryResult<Option<Window>> {
    windows::table
        .filter(windows::current_clerk_id.eq(clerk))
        .select(Window::as_select())
        .first(conn)
        .optional()
}

fn current_at(conn: &mut DbConn, window: WindowId) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::window_id.eq(window))
        .filter(tickets::status.eq_any(strs(TicketStatus::AT_WINDOW)))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

pub fn current_ticket(conn: &mut DbConn, window: WindowId) -> QueryResult<Option<Ticket>> {
    current_at(conn, window)
}

fn sync_booking(
    conn: &mut DbConn,
    t: &Ticket,
    from: &[BookingStatus],
    to: BookingStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if let Some(b) = t.booking_id
        && booking_repo::transition(conn, b, from, to, now)?
    {
        booking_repo::add_event(conn, b, to.as_str(), &t.number, now)?;
    }
    Ok(())
}

fn call_event(
    conn: &mut DbConn,
    t: &Ticket,
    window: &Window,
    now: NaiveDateTime,
) -> QueryResult<HallEvent> {
    let zone: String = zones::table
        .find(window.zone_id)
        .select(zones::letter)
        .first(conn)?;
    Ok(HallEvent::Call {
        hall_id: t.hall_id,
        number: t.number.clone(),
        window_number: window.number,
        zone,
        called_at: now,
    })
}

/// Calls the next ticket to the clerk's window. `None` when nobody waits.
pub fn call_next(
    conn: &mut DbConn,
    window_id: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<(Option<Ticket>, Vec<HallEvent>), QueueError> {
    write_transaction(conn, |conn| {
        let window: Window = windows::table
            .find(window_id)
            .select(Window::as_select())
            .first(conn)?;
        if window.current_clerk_id != Some(clerk) {
            return Err(QueueError::NotYourWindow);
        }
        if window.paused {
            return Err(QueueError::WindowPaused);
        }
        if current_at(conn, window.id)?.is_some() {
            return Err(QueueError::WindowBusy);
        }
        for candidate in queue_for_window(conn, &window, now, tz)? {
            let claimed = diesel::update(
                tickets::table
                    .find(candidate.id)
                    .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED))),
            )
            .set((
                tickets::status.eq(TicketStatus::Called.as_str()),
                tickets::window_id.eq(window.id),
                tickets::target_window_id.eq(None::<WindowId>),
                tickets::clerk_id.eq(clerk),
                tickets::call_count.eq(1),
                tickets::called_at.eq(now),
                // The wait is measured to the first call, even after a transfer.
                tickets::wait_seconds.eq(candidate
                    .wait_seconds
                    .unwrap_or((now - candidate.issued_at).num_seconds().max(0) as i32)),
            ))
            .execute(conn)?;
            if claimed == 1 {
                let t = find(conn, candidate.id)?;
                log(conn, t.id, "called", Some(window.id), Some(clerk), "", now)?;
                sync_booking(
                    conn,
                    &t,
                    &[BookingStatus::CheckedIn],
                    BookingStatus::Called,
                    now,
                )?;
                let call = call_event(conn, &t, &window, now)?;
                return Ok((
                    Some(t),
                    vec![
                        call,
                        HallEvent::Queue {
                            hall_id: window.hall_id,
                        },
                    ],
                ));
            }
        }
        Ok((None, Vec::new()))
    })
}

/// What a clerk does with the ticket at their window.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Recall,
    Start,
    NoShow,
    Complete {
        outcome: Outcome,
        missing: Vec<String>,
        reason: String,
        phone_last4: String,
    },
    TransferToWindow(i32),
    TransferToService(ServiceId),
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Recall => "recall",
            Action::Start => "start",
            Action::NoShow => "no-show",
            Action::Complete { .. } => "complete",
            Action::TransferToWindow(_) | Action::TransferToService(_) => "transfer",
        }
    }
}

/// The result of an action: the ticket, events to publish, and the case
/// opened when an application was accepted.
pub struct Acted {
    pub ticket: Ticket,
    pub events: Vec<HallEvent>,
    pub case_number: Option<String>,
}

/// Applies a clerk's action to a ticket at their window; a move the
/// ticket's state forbids is `IllegalMove` (409).
pub fn act(
    conn: &mut DbConn,
    ticket_id: TicketId,
    clerk: AccountId,
    action: Action,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Acted, QueueError> {
    write_transaction(conn, |conn| {
        let t = find(conn, ticket_id)?;
        let window = window_of_clerk(conn, clerk)?.ok_or(QueueError::NotYourWindow)?;
        if t.window_id != Some(window.id) || !TicketStatus::AT_WINDOW.contains(&t.status) {
            // Someone else's ticket, or one that is not at a window at all.
            return Err(if t.window_id == Some(window.id) || t.window_id.is_none() {
                QueueError::IllegalMove(t.status.as_str())
            } else {
                QueueError::NotYourTicket
            });
        }
        let mut events = Vec::new();
        let mut case_number = None;
        match &action {
            Action::Recall => {
                require(&t, TicketStatus::Called)?;
                if t.call_count >= 3 {
                    return Err(QueueError::TooManyCalls);
                }
                diesel::update(tickets::table.find(t.id))
                    .set((
                        tickets::call_count.eq(t.call_count + 1),
                        tickets::called_at.eq(now),
                    ))
                    .execute(conn)?;
                log(
                    conn,
                    t.id,
                    "recalled",
                    Some(window.id),
                    Some(clerk),
                    "",
                    now,
                )?;
                events.push(call_event(conn, &t, &window, now)?);
            }
            Action::Start => {
                require(&t, TicketStatus::Called)?;
                set_status(conn, &t, TicketStatus::Serving)?;
                diesel::update(tickets::table.find(t.id))
                    .set(tickets::started_at.eq(now))
                    .execute(conn)?;
                log(conn, t.id, "serving", Some(window.id), Some(clerk), "", now)?;
                sync_booking(
                    conn,
                    &t,
                    &[BookingStatus::Called],
                    BookingStatus::Serving,
                    now,
                )?;
            }
            Action::NoShow => {
                require(&t, TicketStatus::Called)?;
                set_status(conn, &t, TicketStatus::NoShow)?;
                diesel::update(tickets::table.find(t.id))
                    .set(tickets::finished_at.eq(now))
                    .execute(conn)?;
                log(conn, t.id, "no_show", Some(window.id), Some(clerk), "", now)?;
                sync_booking(
                    conn,
                    &t,
                    &[BookingStatus::Called],
                    BookingStatus::NoShow,
                    now,
                )?;
            }
            Action::Complete {
                outcome,
                missing,
                reason,
                phone_last4,
            } => {
                require(&t, TicketStatus::Serving)?;
                let note = match outcome {
                    Outcome::Incomplete if missing.is_empty() => {
                        return Err(QueueError::Invalid("missing_materials_required"));
                    }
                    Outcome::Incomplete => missing.join("；"),
                    Outcome::Refused if crate::text::clean(reason, 500).is_empty() => {
                        return Err(QueueError::Invalid("reason_required"));
                    }
                    Outcome::Refused => crate::text::clean(reason, 500),
                    _ => String::new(),
                };
                set_status(conn, &t, TicketStatus::Completed)?;
                diesel::update(tickets::table.find(t.id))
                    .set((
                        tickets::finished_at.eq(now),
                        tickets::outcome.eq(outcome.as_str()),
                        tickets::outcome_note.eq(&note),
                        tickets::service_seconds
                            .eq(t.started_at.map(|s| (now - s).num_seconds().max(0) as i32)),
                    ))
                    .execute(conn)?;
                log(
                    conn,
                    t.id,
                    &format!("completed:{}", outcome.as_str()),
                    Some(window.id),
                    Some(clerk),
                    &note,
                    now,
                )?;
                sync_booking(
                    conn,
                    &t,
                    &[BookingStatus::Serving],
                    BookingStatus::Completed,
                    now,
                )?;
                if *outcome == Outcome::Accepted {
                    let c = crate::cases::service::open_case(
                        conn,
                        &crate::cases::service::NewCase {
                            hall: t.hall_id,
                            service: t.service_id,
                            ticket: t.id,
                            booking: t.booking_id,
                            phone_last4,
                            clerk,
                        },
                        now,
                        tz,
                    )?;
                    case_number = Some(c.case_number);
                }
            }
            Action::TransferToWindow(number) => {
                let target: Window = windows::table
                    .filter(
                        windows::hall_id
                            .eq(t.hall_id)
                            .and(windows::number.eq(number))
                            .and(windows::active.eq(true)),
                    )
                    .select(Window::as_select())
                    .first(conn)
                    .optional()?
                    .ok_or(QueueError::Invalid("unknown_window"))?;
                let serves: i64 = window_services::table
                    .filter(
                        window_services::window_id
                            .eq(target.id)
                            .and(window_services::service_id.eq(t.service_id)),
                    )
                    .count()
                    .get_result(conn)?;
                if serves == 0 || target.id == window.id {
                    return Err(QueueError::Invalid("window_cannot_serve"));
                }
                if target.current_clerk_id.is_none() {
                    return Err(QueueError::WindowNotStaffed);
                }
                transfer(
                    conn,
                    &t,
                    Some(target.id),
                    t.service_id,
                    clerk,
                    &format!("→ {}", target.number),
                    now,
                )?;
                sync_booking(
                    conn,
                    &t,
                    &[BookingStatus::Called, BookingStatus::Serving],
                    BookingStatus::CheckedIn,
                    now,
                )?;
                events.push(HallEvent::Queue { hall_id: t.hall_id });
            }
            Action::TransferToService(service) => {
                let item: ServiceItem = service_items::table
                    .find(service)
                    .filter(
                        service_items::hall_id
                            .eq(t.hall_id)
                            .and(service_items::active.eq(true)),
                    )
                    .select(ServiceItem::as_select())
                    .first(conn)
                    .optional()?
                    .ok_or(QueueError::Invalid("unknown_service"))?;
                if *service == t.service_id {
                    return Err(QueueError::Invalid("same_service"));
                }
                if staffed_windows_for(conn, item.id)? == 0 {
                    return Err(QueueError::ServiceNotStaffed);
                }
                transfer(
                    conn,
                    &t,
                    None,
                    item.id,
                    clerk,
                    &format!("→ {}", item.code),
                    now,
                )?;
                sync_booking(
                    conn,
                    &t,
                    &[BookingStatus::Called, BookingStatus::Serving],
                    BookingStatus::CheckedIn,
                    now,
                )?;
                events.push(HallEvent::Queue { hall_id: t.hall_id });
            }
        }
        Ok(Acted {
            ticket: find(conn, t.id)?,
            events,
            case_number,
        })
    })
}

fn require(t: &Ticket, from: TicketStatus) -> Result<(), QueueError> {
    if t.status == from {
        Ok(())
    } else {
        Err(QueueError::IllegalMove(t.status.as_str()))
    }
}

fn set_status(conn: &mut DbConn, t: &Ticket, to: TicketStatus) -> Result<(), QueueError> {
    let n = diesel::update(
        tickets::table
            .find(t.id)
            .filter(tickets::status.eq(t.status.as_str())),
    )
    .set(tickets::status.eq(to.as_str()))
    .execute(conn)?;
    if n == 1 {
        Ok(())
    } else {
        Err(QueueError::IllegalMove(t.status.as_str()))
    }
}

/// Sends a ticket on, keeping its place (its `queue_since` is unchanged).
fn transfer(
    conn: &mut DbConn,
    t: &Ticket,
    target: Option<WindowId>,
    service: ServiceId,
    clerk: AccountId,
    note: &str,
    now: NaiveDateTime,
) -> Result<(), QueueError> {
    let n = diesel::update(
        tickets::table
            .find(t.id)
            .filter(tickets::status.eq_any(strs(TicketStatus::AT_WINDOW))),
    )
    .set((
        tickets::status.eq(TicketStatus::Transferred.as_str()),
        tickets::window_id.eq(None::<WindowId>),
        tickets::clerk_id.eq(None::<AccountId>),
        tickets::target_window_id.eq(target),
        tickets::service_id.eq(service),
        tickets::call_count.eq(0),
    ))
    .execute(conn)?;
    if n != 1 {
        return Err(QueueError::IllegalMove(t.status.as_str()));
    }
    log(
        conn,
        t.id,
        "transferred",
        t.window_id,
        Some(clerk),
        note,
        now,
    )?;
    Ok(())
}

/// A clerk takes their window (one clerk per window, one window per clerk).
pub fn take_window(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
) -> Result<(), QueueError> {
    write_transaction(conn, |conn| {
        if let Some(w) = window_of_clerk(conn, clerk)?
            && w.id != window
        {
            release(conn, w.id, clerk, now)?;
        }
        let n = diesel::update(
            windows::table.find(window).filter(
                windows::current_clerk_id
                    .is_null()
                    .or(windows::current_clerk_id.eq(clerk)),
            ),
        )
        .set(windows::current_clerk_id.eq(clerk))
        .execute(conn)?;
        if n == 1 {
            Ok(())
        } else {
            Err(QueueError::WindowTaken)
        }
    })
}

fn release(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
) -> Result<(), QueueError> {
    if current_at(conn, window)?.is_some() {
        return Err(QueueError::WindowBusy);
    }
    return_transferred(conn, window, Some(clerk), now)?;
    diesel::update(
        windows::table
            .find(window)
            .filter(windows::current_clerk_id.eq(clerk)),
    )
    .set((
        windows::current_clerk_id.eq(None::<AccountId>),
        windows::paused.eq(false),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn leave_window(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    now: NaiveDateTime,
) -> Result<(), QueueError> {
    write_transaction(conn, |conn| release(conn, window, clerk, now))
}

/// Pauses or resumes the clerk's window; a paused window is not called to.
pub fn set_paused(
    conn: &mut DbConn,
    window: WindowId,
    clerk: AccountId,
    paused: bool,
) -> Result<(), QueueError> {
    let n = diesel::update(
        windows::table
            .find(window)
            .filter(windows::current_clerk_id.eq(clerk)),
    )
    .set(windows::paused.eq(paused))
    .execute(conn)?;
    if n == 1 {
        Ok(())
    } else {
        Err(QueueError::NotYourWindow)
    }
}

/// Active windows serving an item that a clerk sits at, not paused.
pub fn staffed_windows_for(conn: &mut DbConn, service: ServiceId) -> QueryResult<i64> {
    window_services::table
        .inner_join(windows::table)
        .filter(window_services::service_id.eq(service))
        .filter(windows::active.eq(true))
        .filter(windows::current_clerk_id.is_not_null())
        .count()
        .get_result(conn)
}

/// Tickets sent to a window that closes (its clerk leaves, is disabled, or
/// the window is switched off) go back to their item's queue, keeping their
/// place (`queue_since` is unchanged). Inside the caller's transaction.
pub fn return_transferred(
    conn: &mut DbConn,
    window: WindowId,
    actor: Option<AccountId>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let stranded: Vec<TicketId> = tickets::table
        .filter(tickets::target_window_id.eq(window))
        .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED)))
        .select(tickets::id)
        .load(conn)?;
    for id in &stranded {
        diesel::update(tickets::table.find(id))
            .set(tickets::target_window_id.eq(None::<WindowId>))
            .execute(conn)?;
        log(conn, *id, "returned", Some(window), actor, "", now)?;
    }
    Ok(stranded.len())
}

/// Where a waiting ticket stands: how many would be called before it by a
/// window that can serve it, and the likely wait (`None` while no such
/// window is open: nobody can say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePlace {
    pub ahead: i64,
    pub wait: Option<i64>,
    pub open_windows: i64,
}

/// The place of a waiting ticket. Ahead of it are only the tickets that a
/// window able to serve it would call first: one a window serves, and not
/// sent to another window.
pub fn place_of(conn: &mut DbConn, t: &Ticket, now: NaiveDateTime) -> QueryResult<QueuePlace> {
    if !t.status.is_queued() {
        return Ok(QueuePlace {
            ahead: 0,
            wait: Some(0),
            open_windows: 0,
        });
    }
    let my_windows: Vec<Window> = match t.target_window_id {
        Some(w) => windows::table
            .find(w)
            .filter(windows::active.eq(true))
            .select(Window::as_select())
            .load(conn)?,
        None => window_services::table
            .inner_join(windows::table)
            .filter(window_services::service_id.eq(t.service_id))
            .filter(windows::active.eq(true))
            .select(Window::as_select())
            .load(conn)?,
    };
    let ids: Vec<WindowId> = my_windows.iter().map(|w| w.id).collect();
    let serves: Vec<(WindowId, ServiceId)> = window_services::table
        .filter(window_services::window_id.eq_any(&ids))
        .select((window_services::window_id, window_services::service_id))
        .load(conn)?;
    let services: Vec<ServiceId> = serves.iter().map(|(_, s)| *s).collect();
    let mut queue: Vec<Ticket> = tickets::table
        .filter(tickets::hall_id.eq(t.hall_id))
        .filter(tickets::day.eq(t.day))
        .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED)))
        .filter(tickets::service_id.eq_any(&services))
        .select(Ticket::as_select())
        .load(conn)?;
    let starvation = Duration::minutes(
        hall_repo::find_hall(conn, t.hall_id)?
            .map(|h| i64::from(h.starvation_minutes))
            .unwrap_or(30),
    );
    order::in_calling_order(&mut queue, now, starvation);
    let competes = |x: &Ticket| {
        ids.iter().any(|w| {
            x.target_window_id.is_none_or(|target| target == *w)
                && serves.contains(&(*w, x.service_id))
        })
    };
    let ahead = queue
        .iter()
        .take_while(|x| x.id != t.id)
        .filter(|x| competes(x))
        .count();
    let open = my_windows
        .iter()
        .filter(|w| w.current_clerk_id.is_some() && !w.paused)
        .count();
    let wait = if open == 0 {
        None
    } else {
        let avg = average_service_minutes(conn, t.service_id, now)?;
        Some(order::estimated_wait_minutes(ahead, avg, open))
    };
    Ok(QueuePlace {
        ahead: ahead as i64,
        wait,
        open_windows: open as i64,
    })
}

/// A window a ticket can be sent to, as the clerk chooses it.
pub struct TransferTarget {
    pub number: i32,
    pub name: String,
    pub staffed: bool,
    pub paused: bool,
    /// Tickets this window would call now.
    pub waiting: usize,
}

/// The windows that can serve a ticket's item (other than `from`), with
/// whether someone sits there and how long their queue is.
pub fn transfer_targets(
    conn: &mut DbConn,
    t: &Ticket,
    from: WindowId,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<Vec<TransferTarget>> {
    let list: Vec<Window> = window_services::table
        .inner_join(windows::table)
        .filter(window_services::service_id.eq(t.service_id))
        .filter(windows::active.eq(true))
        .filter(windows::id.ne(from))
        .order(windows::number)
        .select(Window::as_select())
        .load(conn)?;
    list.into_iter()
        .map(|w| {
            Ok(TransferTarget {
                waiting: queue_for_window(conn, &w, now, tz)?.len(),
                staffed: w.current_clerk_id.is_some(),
                paused: w.paused,
                number: w.number,
                name: w.name,
            })
        })
        .collect()
}

/// The measured average service time of an item over the last 30 days, or
/// the configured value when there is not enough history.
pub fn average_service_minutes(
    conn: &mut DbConn,
    service: ServiceId,
    now: NaiveDateTime,
) -> QueryResult<f64> {
    let spans: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = tickets::table
        .filter(tickets::service_id.eq(service))
        .filter(tickets::status.eq(TicketStatus::Completed.as_str()))
        .filter(tickets::finished_at.gt(now - Duration::days(30)))
        .select((tickets::started_at, tickets::finished_at))
        .order(tickets::finished_at.desc())
        .limit(200)
        .load(conn)?;
    let minutes: Vec<f64> = spans
        .into_iter()
        .filter_map(|(s, f)| Some((f? - s?).num_seconds() as f64 / 60.0))
        .filter(|m| *m > 0.0)
        .collect();
    if minutes.len() >= 5 {
        Ok(minutes.iter().sum::<f64>() / minutes.len() as f64)
    } else {
        let configured: i32 = service_items::table
            .find(service)
            .select(service_items::avg_service_minutes)
            .first(conn)?;
        Ok(f64::from(configured))
    }
}

/// A waiting ticket the floor manager should look at.
pub struct FlaggedTicket {
    pub number: String,
    pub item: String,
    pub waited: i64,
    pub target: i64,
    /// No staffed window can call it (sent to a closed window, or nobody
    /// serving its item is at work).
    pub stranded: bool,
}

/// Today's waiting tickets that are stranded or have waited longer than
/// their item's target (the hall's starvation limit where an item sets
/// none), stranded and longest first.
pub fn flagged_today(
    conn: &mut DbConn,
    hall: &Hall,
    department: Option<crate::db::ids::DepartmentId>,
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<Vec<FlaggedTicket>> {
    let mut q = tickets::table
        .inner_join(service_items::table)
        .filter(tickets::hall_id.eq(hall.id).and(tickets::day.eq(today)))
        .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED)))
        .into_boxed();
    if let Some(d) = department {
        q = q.filter(service_items::department_id.eq(d));
    }
    let queued: Vec<(Ticket, String, Option<i32>)> = q
        .select((
            Ticket::as_select(),
            service_items::name,
            service_items::target_wait_minutes,
        ))
        .load(conn)?;
    let staffed: Vec<(WindowId, ServiceId)> = window_services::table
        .inner_join(windows::table)
        .filter(windows::hall_id.eq(hall.id))
        .filter(windows::active.eq(true))
        .filter(windows::current_clerk_id.is_not_null())
        .select((windows::id, window_services::service_id))
        .load(conn)?;
    let mut out: Vec<FlaggedTicket> = queued
        .into_iter()
        .filter_map(|(t, item, target)| {
            let callable = staffed.iter().any(|(w, s)| {
                *s == t.service_id && t.target_window_id.is_none_or(|target| target == *w)
            });
            let waited = (now - t.issued_at).num_minutes();
            let target = i64::from(target.unwrap_or(hall.starvation_minutes));
            (!callable || waited > target).then_some(FlaggedTicket {
                number: t.number,
                item,
                waited,
                target,
                stranded: !callable,
            })
        })
        .collect();
    out.sort_by_key(|f| (!f.stranded, -f.waited));
    Ok(out)
}
