//! Issuing tickets (一号): walk-ins and check-ins, numbered from a counter
//! row updated inside the ticket's transaction, so numbers are unique and
//! gapless per hall, day and zone letter.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::error::QueueError;
use super::machine::EventKind;
use super::models::{PriorityReason, Ticket, TicketStatus};
use crate::booking::models::{Booking, BookingStatus};
use crate::booking::repo as booking_repo;
use crate::catalog::models::ServiceItem;
use crate::catalog::repo as catalog_repo;
use crate::clock::{local, utc_of};
use crate::db::ids::{AccountId, BookingId, HallId, ServiceId, TicketId, WindowId};
use crate::db::schema::{
    accounts, ticket_counters, ticket_events, tickets, walk_in_counters, window_services, windows,
    zones,
};
use crate::db::{DbConn, write_transaction};
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;

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

/// One line of a ticket's history.
pub fn log(
    conn: &mut DbConn,
    ticket: TicketId,
    kind: EventKind,
    window: Option<WindowId>,
    actor: Option<AccountId>,
    note: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_id.eq(ticket),
            ticket_events::kind.eq(kind.as_str()),
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
    /// The first item: it gives the number's letter.
    item: &'a ServiceItem,
    /// Every item of the visit, the first first.
    items: &'a [ServiceId],
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
    super::items::insert(conn, id, new.items)?;
    let note = new
        .priority
        .map(|p| format!("priority:{}", p.as_str()))
        .unwrap_or_default();
    log(conn, id, EventKind::Issued, None, None, &note, now)?;
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
        let ids = crate::booking::items::of(conn, booking.id)?;
        let new = NewTicket {
            hall: &hall,
            item: &item,
            items: &ids,
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

/// A walk-in ticket for a visit of one item or several (1–5 of one hall,
/// served together at one window), within each item's daily quota where one
/// is set.
pub fn walk_in(
    conn: &mut DbConn,
    services: &[ServiceId],
    priority: Option<PriorityReason>,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Ticket, QueueError> {
    write_transaction(conn, |conn| {
        let list = crate::booking::items::load(conn, services).map_err(QueueError::from_items)?;
        let Some(item) = list.first() else {
            return Err(QueueError::Invalid("invalid_items"));
        };
        let hall = hall_repo::find_hall(conn, item.hall_id)?.ok_or(QueueError::NotFound)?;
        let now_local = local(now, tz);
        if !hall_open_now(conn, &hall, now_local)? {
            return Err(QueueError::HallClosed);
        }
        // A number nobody could ever call is not given out.
        let ids: Vec<ServiceId> = list.iter().map(|i| i.id).collect();
        if crate::booking::items::common_windows(conn, &ids)?.is_empty() {
            return Err(if ids.len() > 1 {
                QueueError::NoCommonWindow
            } else {
                QueueError::NoWindow
            });
        }
        let today = now_local.date();
        for i in &list {
            take_walk_in_quota(conn, i, today)?;
        }
        issue(
            conn,
            NewTicket {
                hall: &hall,
                item,
                items: &ids,
                booking: None,
                priority,
                appointment_at: None,
            },
            now,
            today,
        )
    })
}

/// Counts a walk-in against the item's daily quota, if it has one.
fn take_walk_in_quota(
    conn: &mut DbConn,
    item: &ServiceItem,
    today: NaiveDate,
) -> Result<(), QueueError> {
    let Some(quota) = item.walk_in_quota else {
        return Ok(());
    };
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
    Ok(())
}
