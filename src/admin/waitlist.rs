//! The waiting list as staff see it (`/admin/waitlist`): per item and day,
//! who waits in which order, which offers stand and until when — names
//! and phones masked. A department administrator sees their department's
//! items only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::booking::waitlist::models::{Entry, EntryStatus};
use crate::catalog::pages::views::date_label;
use crate::clock::{format_local, local};
use crate::db::DbConn;
use crate::db::ids::{HallId, ServiceId};
use crate::db::schema::{accounts, place_holds, service_items, waitlist_entries, windows};
use crate::error::{AppError, AppResult};
use crate::pii::{mask_name, mask_phone};
use crate::web::forms::private_page;
use crate::web::{AppState, PageCtx};

pub struct EntryRow {
    pub order: usize,
    pub name: String,
    pub phone: String,
    pub slot: String,
    pub status: &'static str,
    pub status_label: String,
    pub joined: String,
    /// "09:00 · 12号窗口 · 保留到 …" for a standing offer.
    pub offer: String,
}

/// One item's list for the day.
pub struct ItemList {
    pub item: String,
    pub waiting: usize,
    pub rows: Vec<EntryRow>,
}

#[derive(Template)]
#[template(path = "admin/waitlist.html")]
struct WaitlistPage {
    ctx: PageCtx,
    hall: String,
    day: String,
    day_label: String,
    days: Vec<(String, String, i64)>,
    lists: Vec<ItemList>,
}

#[derive(Deserialize, Default)]
struct Filter {
    hall: Option<String>,
    day: Option<String>,
}

/// Days with live entries from today on, with how many wait.
fn days_with_entries(
    conn: &mut DbConn,
    hall: HallId,
    items: &[ServiceId],
    from: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, i64)>> {
    waitlist_entries::table
        .filter(waitlist_entries::hall_id.eq(hall))
        .filter(waitlist_entries::service_id.eq_any(items))
        .filter(waitlist_entries::day.ge(from))
        .filter(waitlist_entries::status.eq_any(["waiting", "offered"]))
        .group_by(waitlist_entries::day)
        .order(waitlist_entries::day)
        .select((waitlist_entries::day, diesel::dsl::count_star()))
        .load(conn)
}

/// One list per item with entries that day, in the order they joined.
fn item_lists(
    conn: &mut DbConn,
    ctx: &PageCtx,
    tz: chrono_tz::Tz,
    items: &[(ServiceId, String)],
    entries: &[(Entry, String, String)],
) -> QueryResult<Vec<ItemList>> {
    let mut lists = Vec::new();
    for (id, item) in items {
        let mine: Vec<&(Entry, String, String)> = entries
            .iter()
            .filter(|(e, _, _)| e.service_id == *id)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut rows = Vec::new();
        for (i, (e, name, phone)) in mine.iter().enumerate() {
            rows.push(EntryRow {
                order: i + 1,
                name: mask_name(name),
                phone: mask_phone(phone),
                slot: e
                    .start_time
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_else(|| ctx.t("waitlist-any-slot")),
                status: e.status.as_str(),
                status_label: ctx.t(&format!("waitlist-status-{}", e.status.as_str())),
                joined: format_local(e.created_at, tz),
                offer: offer_text(conn, ctx, tz, e)?,
            });
        }
        lists.push(ItemList {
            item: item.clone(),
            waiting: mine
                .iter()
                .filter(|(e, _, _)| e.status == EntryStatus::Waiting)
                .count(),
            rows,
        });
    }
    Ok(lists)
}

/// "09:00 · 12号窗口 · 保留到 …" for an entry's standing offer.
fn offer_text(
    conn: &mut DbConn,
    ctx: &PageCtx,
    tz: chrono_tz::Tz,
    e: &Entry,
) -> QueryResult<String> {
    if e.status != EntryStatus::Offered {
        return Ok(String::new());
    }
    let held: Option<(chrono::NaiveTime, i32, chrono::NaiveDateTime)> = place_holds::table
        .inner_join(windows::table)
        .filter(place_holds::entry_id.eq(e.id))
        .select((place_holds::start_time, windows::number, place_holds::until))
        .first(conn)
        .optional()?;
    Ok(held
        .map(|(start, window, until)| {
            format!(
                "{} · {} · {}",
                start.format("%H:%M"),
                ctx.tn("service-window-number", window),
                ctx.tv("admin-waitlist-held-until", &format_local(until, tz))
            )
        })
        .unwrap_or_default())
}

#[get("/admin/waitlist")]
async fn waitlist_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<Filter>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let today = local(now, tz).date();
    let q = q.into_inner();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = scope.hall_for(conn, q.hall.as_deref())?;
            let mut items_q = service_items::table
                .filter(service_items::hall_id.eq(hall.id))
                .into_boxed();
            if let Some(d) = scope.department() {
                items_q = items_q.filter(service_items::department_id.eq(d));
            }
            let items: Vec<(ServiceId, String)> = items_q
                .order(service_items::code)
                .select((service_items::id, service_items::name))
                .load(conn)?;
            let ids: Vec<ServiceId> = items.iter().map(|(i, _)| *i).collect();
            let days = days_with_entries(conn, hall.id, &ids, today)?;
            let day = q
                .day
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .or(days.first().map(|(d, _)| *d))
                .unwrap_or(today);
            let entries: Vec<(Entry, String, String)> = waitlist_entries::table
                .inner_join(accounts::table)
                .filter(waitlist_entries::hall_id.eq(hall.id))
                .filter(waitlist_entries::service_id.eq_any(&ids))
                .filter(waitlist_entries::day.eq(day))
                .order(waitlist_entries::id)
                .select((Entry::as_select(), accounts::name, accounts::phone))
                .load(conn)?;
            let lists = item_lists(conn, &ctx, tz, &items, &entries)?;
            Ok(WaitlistPage {
                hall: hall.name,
                day: day.to_string(),
                day_label: date_label(ctx.lang, day),
                days: days
                    .into_iter()
                    .map(|(d, n)| (d.to_string(), date_label(ctx.lang, d), n))
                    .collect(),
                lists,
                ctx,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(waitlist_page);
}
