//! Everything the clerk's workstation shows, loaded in one place with a
//! fixed number of queries (no query per waiting ticket).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::accounts::models::Account;
use crate::catalog::models::{Material, Window};
use crate::catalog::repo as catalog_repo;
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{ServiceId, WindowId};
use crate::db::schema::{accounts, bookings, service_items, tickets, window_services, windows};
use crate::i18n::Lang;
use crate::pii::mask_name;
use crate::queue::estimates::{self, TransferTarget};
use crate::queue::models::{Ticket, TicketStatus};
use crate::queue::staffing;

pub struct QueueRow {
    pub number: String,
    pub item: String,
    pub waited: i64,
    pub priority: bool,
    pub appointment: bool,
    pub transferred: bool,
}

/// One item of the ticket at the window: its materials to check and, once
/// recorded, its outcome.
pub struct CurrentItem {
    pub service_id: ServiceId,
    pub name: String,
    pub materials: Vec<Material>,
    /// The outcome already recorded (at this or an earlier window).
    pub decided: Option<crate::queue::models::Outcome>,
}

/// The ticket at the window, with what the clerk needs to serve it.
pub struct Current {
    pub t: Ticket,
    pub item: String,
    /// A visit of several items: each to be given its own outcome.
    pub items: Vec<CurrentItem>,
    pub applicant: String,
    pub booking_code: String,
    pub priority: String,
    pub materials: Vec<Material>,
}

#[derive(Default)]
pub struct Counts {
    pub called: i64,
    pub completed: i64,
    pub no_show: i64,
    pub avg_minutes: i64,
}

#[derive(Default)]
pub struct Workstation {
    /// The window the clerk sits at, if any.
    pub window: Option<Window>,
    /// Windows the clerk may take (when not at one).
    pub choices: Vec<Window>,
    pub current: Option<Current>,
    pub queue: Vec<QueueRow>,
    pub counts: Counts,
    /// Windows the current ticket can be sent to.
    pub transfer_windows: Vec<TransferTarget>,
    /// Items some staffed window serves.
    pub transfer_items: Vec<(ServiceId, String)>,
}

impl Workstation {
    pub fn load(
        conn: &mut DbConn,
        clerk: &Account,
        now: NaiveDateTime,
        tz: Tz,
        lang: Lang,
    ) -> QueryResult<Workstation> {
        let Some(window) = staffing::window_of_clerk(conn, clerk.id)? else {
            return Ok(Workstation {
                choices: choices(conn, clerk)?,
                ..Workstation::default()
            });
        };
        let today = local(now, tz).date();
        let waiting = estimates::queue_for_window(conn, &window, now, tz)?;
        let current = staffing::current_ticket(conn, window.id)?;
        let mut tickets: Vec<crate::db::ids::TicketId> = waiting.iter().map(|t| t.id).collect();
        tickets.extend(current.iter().map(|t| t.id));
        let open = crate::queue::items::undecided_of(conn, &tickets)?;
        let mut ids: Vec<ServiceId> = open.values().flatten().copied().collect();
        ids.extend(current.iter().map(|t| t.service_id));
        let names = item_names(conn, &ids)?;
        let name = |s: ServiceId| names.get(&s).cloned().unwrap_or_default();
        // A visit of several items reads as all of them.
        let items_of = |t: &Ticket| match open.get(&t.id) {
            Some(list) if list.len() > 1 => {
                list.iter().map(|s| name(*s)).collect::<Vec<_>>().join("、")
            }
            _ => name(t.service_id),
        };
        let queue = waiting
            .into_iter()
            .map(|t| QueueRow {
                item: items_of(&t),
                waited: (now - t.queue_since).num_minutes(),
                priority: t.priority_reason.is_some(),
                appointment: t.appointment_at.is_some(),
                transferred: t.status == TicketStatus::Transferred,
                number: t.number,
            })
            .collect();
        let (current, transfer_windows) = match current {
            Some(t) => {
                let targets = estimates::transfer_targets(conn, &t, window.id, now, tz)?;
                let item = items_of(&t);
                (Some(describe(conn, t, item, lang)?), targets)
            }
            None => (None, Vec::new()),
        };
        Ok(Workstation {
            counts: counts(conn, window.id, today)?,
            transfer_items: staffed_items(conn, &window)?,
            current,
            queue,
            transfer_windows,
            choices: Vec::new(),
            window: Some(window),
        })
    }
}

/// Their assigned window, or (when none is assigned) their department's.
fn choices(conn: &mut DbConn, clerk: &Account) -> QueryResult<Vec<Window>> {
    let mut q = windows::table.filter(windows::active.eq(true)).into_boxed();
    q = match (clerk.window_id, clerk.department_id) {
        (Some(w), _) => q.filter(windows::id.eq(w)),
        (None, Some(d)) => q.filter(windows::department_id.eq(d)),
        (None, None) => return Ok(Vec::new()),
    };
    q.order(windows::number)
        .select(Window::as_select())
        .load(conn)
}

fn item_names(conn: &mut DbConn, ids: &[ServiceId]) -> QueryResult<HashMap<ServiceId, String>> {
    Ok(service_items::table
        .filter(service_items::id.eq_any(ids))
        .select((service_items::id, service_items::name))
        .load::<(ServiceId, String)>(conn)?
        .into_iter()
        .collect())
}

fn staffed_items(conn: &mut DbConn, window: &Window) -> QueryResult<Vec<(ServiceId, String)>> {
    service_items::table
        .filter(
            service_items::hall_id
                .eq(window.hall_id)
                .and(service_items::active.eq(true)),
        )
        .filter(diesel::dsl::exists(
            window_services::table
                .inner_join(windows::table)
                .filter(window_services::service_id.eq(service_items::id))
                .filter(windows::active.eq(true))
                .filter(windows::current_clerk_id.is_not_null()),
        ))
        .order(service_items::code)
        .select((service_items::id, service_items::name))
        .load(conn)
}

fn describe(conn: &mut DbConn, t: Ticket, item: String, lang: Lang) -> QueryResult<Current> {
    let (applicant, booking_code) = match t.booking_id {
        Some(b) => {
            let (code, name): (String, String) = bookings::table
                .inner_join(accounts::table)
                .filter(bookings::id.eq(b))
                .select((bookings::code, accounts::name))
                .first(conn)?;
            (mask_name(&name), crate::booking::code::display(&code))
        }
        None => (String::new(), String::new()),
    };
    let named = crate::queue::items::named(conn, t.id)?;
    let mut items = Vec::new();
    if named.len() > 1 {
        for (i, name) in named {
            items.push(CurrentItem {
                materials: catalog_repo::materials_of(conn, i.service_id)?,
                decided: i.outcome(),
                service_id: i.service_id,
                name,
            });
        }
    }
    Ok(Current {
        items,
        materials: catalog_repo::materials_of(conn, t.service_id)?,
        priority: t
            .priority()
            .map(|r| lang.t(r.label_key()))
            .unwrap_or_default(),
        item,
        applicant,
        booking_code,
        t,
    })
}

/// What the window did today.
fn counts(conn: &mut DbConn, window: WindowId, today: NaiveDate) -> QueryResult<Counts> {
    type Row = (String, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let rows: Vec<Row> = tickets::table
        .filter(tickets::window_id.eq(window).and(tickets::day.eq(today)))
        .select((tickets::status, tickets::started_at, tickets::finished_at))
        .load(conn)?;
    let is = |s: &str, status: TicketStatus| s == status.as_str();
    let minutes: Vec<i64> = rows
        .iter()
        .filter(|(s, _, _)| is(s, TicketStatus::Completed))
        .filter_map(|(_, s, f)| {
            Some((f.as_ref()?.signed_duration_since(*s.as_ref()?)).num_minutes())
        })
        .collect();
    Ok(Counts {
        called: rows.len() as i64,
        completed: minutes.len() as i64,
        no_show: rows
            .iter()
            .filter(|(s, _, _)| is(s, TicketStatus::NoShow))
            .count() as i64,
        avg_minutes: if minutes.is_empty() {
            0
        } else {
            minutes.iter().sum::<i64>() / minutes.len() as i64
        },
    })
}
