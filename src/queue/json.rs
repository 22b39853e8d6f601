//! The ticket and the call as the API and the live pages carry them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::estimates;
use super::models::{Ticket, TicketStatus};
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{HallId, ServiceId, TicketId};
use crate::db::schema::{bookings, cases, service_items, tickets, windows};
use crate::error::AppError;

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Ticket)]
pub struct TicketJson {
    pub id: TicketId,
    /// 排队号: one number for the whole visit.
    #[schema(example = "A012")]
    pub number: String,
    pub hall_id: HallId,
    /// The item it waits for now (the visit's first undecided one).
    pub service_id: ServiceId,
    pub service_name: String,
    /// Every item of the visit (一号: one number for all of them).
    pub service_ids: Vec<ServiceId>,
    /// Each item with the outcome the clerk recorded and its case.
    pub items: Vec<crate::booking::api::VisitItemJson>,
    pub status: TicketStatus,
    /// elderly, disabled, pregnant or military (优先)
    pub priority_reason: Option<String>,
    pub window_number: Option<i32>,
    /// Given to staff and to the booking's owner only.
    pub booking_code: Option<String>,
    /// The number of the case the visit opened (the contract's `case`).
    pub case: Option<String>,
    pub case_number: Option<String>,
    /// How many are ahead while waiting (前面还有 N 人).
    pub position: Option<i64>,
    pub estimated_wait_minutes: Option<i64>,
    #[schema(format = DateTime)]
    pub issued_at: String,
}

impl TicketJson {
    /// `show_code`: whether the viewer may see the booking code (staff,
    /// the booking's owner, or the kiosk user who just typed it).
    pub fn load(
        conn: &mut DbConn,
        t: Ticket,
        now: NaiveDateTime,
        tz: chrono_tz::Tz,
        show_code: bool,
    ) -> Result<TicketJson, AppError> {
        let service_name: String = service_items::table
            .find(t.service_id)
            .select(service_items::name)
            .first(conn)?;
        let window_number = match t.window_id {
            Some(w) => Some(windows::table.find(w).select(windows::number).first(conn)?),
            None => None,
        };
        let booking_code = match t.booking_id {
            Some(b) if show_code => {
                Some(bookings::table.find(b).select(bookings::code).first(conn)?)
            }
            _ => None,
        };
        let cases: Vec<(ServiceId, String)> = cases::table
            .filter(cases::ticket_id.eq(t.id))
            .order(cases::id)
            .select((cases::service_id, cases::case_number))
            .load(conn)?;
        let case_number = cases.first().map(|(_, n)| n.clone());
        let items: Vec<crate::booking::api::VisitItemJson> = super::items::named(conn, t.id)?
            .into_iter()
            .map(|(i, name)| crate::booking::api::VisitItemJson {
                service_id: i.service_id,
                name,
                case: cases
                    .iter()
                    .find(|(s, _)| *s == i.service_id)
                    .map(|(_, n)| n.clone()),
                outcome: i.outcome,
            })
            .collect();
        let (position, wait) = if t.status.is_queued() {
            let place = estimates::place_of(conn, &t, now)?;
            (Some(place.ahead), place.wait)
        } else {
            (None, None)
        };
        Ok(TicketJson {
            id: t.id,
            number: t.number,
            hall_id: t.hall_id,
            service_id: t.service_id,
            service_name,
            service_ids: items.iter().map(|i| i.service_id).collect(),
            items,
            status: t.status,
            priority_reason: t.priority_reason,
            window_number,
            booking_code,
            case: case_number.clone(),
            case_number,
            position,
            estimated_wait_minutes: wait,
            issued_at: crate::clock::rfc3339(t.issued_at, tz),
        })
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Call)]
pub struct CallJson {
    #[schema(example = "A012")]
    pub number: String,
    pub window_number: i32,
    #[schema(format = DateTime)]
    pub called_at: String,
}

/// The latest calls of a hall today, newest first.
pub fn latest_calls(
    conn: &mut DbConn,
    hall: HallId,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
    limit: i64,
) -> QueryResult<Vec<CallJson>> {
    let today = local(now, tz).date();
    let rows: Vec<(String, i32, Option<NaiveDateTime>)> = tickets::table
        .inner_join(windows::table.on(tickets::window_id.eq(windows::id.nullable())))
        .filter(tickets::hall_id.eq(hall))
        .filter(tickets::day.eq(today))
        .filter(tickets::called_at.is_not_null())
        .order(tickets::called_at.desc())
        .limit(limit)
        .select((tickets::number, windows::number, tickets::called_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(number, window_number, at)| CallJson {
            number,
            window_number,
            called_at: at.map(|a| crate::clock::rfc3339(a, tz)).unwrap_or_default(),
        })
        .collect())
}
