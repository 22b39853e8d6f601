//! Statistics of visits item by item (一窗受理) and of the waiting list:
//! items given an outcome by day, visits of several items, and the offers
//! made from the waiting list with what came of them.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::report::{StatsFilter, WaitlistFigures};
use super::stats::Days;
use crate::db::DbConn;
use crate::db::schema::{service_items, ticket_items, tickets, waitlist_entries};

/// Items given an outcome, by the ticket's day; and the visits of several
/// items among the tickets.
pub(crate) fn count_items(conn: &mut DbConn, f: &StatsFilter, days: &mut Days) -> QueryResult<i64> {
    let mut q = ticket_items::table
        .inner_join(tickets::table)
        .filter(tickets::day.between(f.from, f.to))
        .filter(ticket_items::decided_at.is_not_null())
        .group_by(tickets::day)
        .select((tickets::day, count_star()))
        .into_boxed();
    if let Some(h) = f.hall {
        q = q.filter(tickets::hall_id.eq(h));
    }
    if let Some(d) = f.department {
        q = q.filter(
            ticket_items::service_id.eq_any(
                service_items::table
                    .filter(service_items::department_id.eq(d))
                    .select(service_items::id),
            ),
        );
    }
    if let Some(s) = f.service {
        q = q.filter(ticket_items::service_id.eq(s));
    }
    if let Some(w) = f.window {
        q = q.filter(ticket_items::window_id.eq(w));
    }
    for (day, n) in q.load::<(NaiveDate, i64)>(conn)? {
        if let Some(row) = days.get_mut(&day) {
            row.items_served += n;
        }
    }
    let mut multi = ticket_items::table
        .inner_join(tickets::table)
        .filter(tickets::day.between(f.from, f.to))
        .filter(ticket_items::position.eq(2))
        .into_boxed();
    if let Some(h) = f.hall {
        multi = multi.filter(tickets::hall_id.eq(h));
    }
    if let Some(d) = f.department {
        multi = multi.filter(
            tickets::service_id.eq_any(
                service_items::table
                    .filter(service_items::department_id.eq(d))
                    .select(service_items::id),
            ),
        );
    }
    if let Some(s) = f.service {
        multi = multi.filter(tickets::service_id.eq(s));
    }
    if let Some(w) = f.window {
        multi = multi.filter(tickets::window_id.eq(w));
    }
    multi.count().get_result(conn)
}

/// Offers made from the waiting list and what came of them (`offered`
/// false: every entry, by status).
fn waitlist_by_status(
    conn: &mut DbConn,
    f: &StatsFilter,
    offered: bool,
) -> QueryResult<Vec<(String, i64)>> {
    let mut q = waitlist_entries::table
        .filter(waitlist_entries::day.between(f.from, f.to))
        .group_by(waitlist_entries::status)
        .select((waitlist_entries::status, count_star()))
        .into_boxed();
    if offered {
        q = q.filter(waitlist_entries::offered_at.is_not_null());
    }
    if let Some(h) = f.hall {
        q = q.filter(waitlist_entries::hall_id.eq(h));
    }
    if let Some(d) = f.department {
        q = q.filter(
            waitlist_entries::service_id.eq_any(
                service_items::table
                    .filter(service_items::department_id.eq(d))
                    .select(service_items::id),
            ),
        );
    }
    if let Some(s) = f.service {
        q = q.filter(waitlist_entries::service_id.eq(s));
    }
    q.load(conn)
}

pub(crate) fn count_waitlist(conn: &mut DbConn, f: &StatsFilter) -> QueryResult<WaitlistFigures> {
    let mut w = WaitlistFigures {
        joined: waitlist_by_status(conn, f, false)?
            .iter()
            .map(|(_, n)| n)
            .sum(),
        ..Default::default()
    };
    for (status, n) in waitlist_by_status(conn, f, true)? {
        w.offered += n;
        match status.as_str() {
            "booked" => w.accepted += n,
            "expired" => w.expired += n,
            "cancelled" => w.declined += n,
            _ => {}
        }
    }
    Ok(w)
}
