//! Reading the queue: what a window would call, where a ticket stands and
//! how long it will likely wait, where it can be sent, and what the floor
//! manager should look at.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::models::{Ticket, TicketStatus, strs};
use super::{items, order};
use crate::catalog::models::Window;
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{ServiceId, TicketId, WindowId};
use crate::db::schema::{service_items, tickets, window_services, windows};
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;

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
        .filter(tickets::service_id.eq_any(&services))
        .filter(
            tickets::target_window_id
                .is_null()
                .or(tickets::target_window_id.eq(window.id)),
        )
        .select(Ticket::as_select())
        .load(conn)?;
    // A visit of several items waits for a window that serves them all.
    let ids: Vec<TicketId> = list.iter().map(|t| t.id).collect();
    let undecided = items::undecided_of(conn, &ids)?;
    list.retain(|t| {
        undecided
            .get(&t.id)
            .is_some_and(|its| items::all_served(its, &services))
    });
    let hall = hall_repo::find_hall(conn, window.hall_id)?;
    let starvation = Duration::minutes(hall.map(|h| i64::from(h.starvation_minutes)).unwrap_or(30));
    order::in_calling_order(&mut list, now, starvation);
    Ok(list)
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
    let mine = items::undecided_of(conn, &[t.id])?
        .remove(&t.id)
        .unwrap_or_default();
    let my_windows: Vec<Window> = match t.target_window_id {
        Some(w) => windows::table
            .find(w)
            .filter(windows::active.eq(true))
            .select(Window::as_select())
            .load(conn)?,
        None => crate::booking::items::common_windows(conn, &mine)?,
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
    let queued: Vec<TicketId> = queue.iter().map(|x| x.id).collect();
    let waits_for = items::undecided_of(conn, &queued)?;
    let starvation = Duration::minutes(
        hall_repo::find_hall(conn, t.hall_id)?
            .map(|h| i64::from(h.starvation_minutes))
            .unwrap_or(30),
    );
    order::in_calling_order(&mut queue, now, starvation);
    // Ahead are the tickets one of my windows would call first: sent to
    // none or to it, and all of whose items it serves.
    let competes = |x: &Ticket| {
        let theirs = waits_for.get(&x.id).map(Vec::as_slice).unwrap_or_default();
        ids.iter().any(|w| {
            x.target_window_id.is_none_or(|target| target == *w)
                && !theirs.is_empty()
                && theirs.iter().all(|s| serves.contains(&(*w, *s)))
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

/// The windows that can serve every undecided item of a ticket (other than
/// `from`), with whether someone sits there and how long their queue is.
pub fn transfer_targets(
    conn: &mut DbConn,
    t: &Ticket,
    from: WindowId,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<Vec<TransferTarget>> {
    let mine = items::undecided_of(conn, &[t.id])?
        .remove(&t.id)
        .unwrap_or_default();
    let list: Vec<Window> = crate::booking::items::common_windows(conn, &mine)?
        .into_iter()
        .filter(|w| w.id != from)
        .collect();
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
    let mut staffed_ids: Vec<WindowId> = staffed.iter().map(|(w, _)| *w).collect();
    staffed_ids.sort();
    staffed_ids.dedup();
    let ids: Vec<TicketId> = queued.iter().map(|(t, _, _)| t.id).collect();
    let waits_for = items::undecided_of(conn, &ids)?;
    let mut out: Vec<FlaggedTicket> = queued
        .into_iter()
        .filter_map(|(t, item, target)| {
            let theirs = waits_for.get(&t.id).map(Vec::as_slice).unwrap_or_default();
            let callable = staffed_ids.iter().any(|w| {
                t.target_window_id.is_none_or(|target| target == *w)
                    && !theirs.is_empty()
                    && theirs.iter().all(|s| staffed.contains(&(*w, *s)))
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
