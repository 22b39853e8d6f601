//! 我的预约's waiting list: each entry with where it stands, and an offer
//! with the place held and until when; and whether online booking is
//! suspended for the person, until when and why.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::booking::pages::suspension_message;
use crate::booking::service::suspension;
use crate::booking::waitlist::models::EntryStatus;
use crate::booking::waitlist::service as waitlist;
use crate::catalog::pages::views::date_label;
use crate::clock::format_local;
use crate::db::DbConn;
use crate::db::ids::{AccountId, WaitlistEntryId};
use crate::db::schema::{bookings, halls, service_items, windows};
use crate::error::AppResult;
use crate::hall::models::Hall;
use crate::i18n::Lang;
use crate::web::PageCtx;

/// The place an offer holds, in words.
pub struct OfferView {
    pub slot: String,
    pub window_number: i32,
    pub until: String,
}

pub struct WaitlistRow {
    pub id: WaitlistEntryId,
    pub item: String,
    pub day: String,
    /// "任意时段" or "09:00".
    pub slot: String,
    pub status: EntryStatus,
    pub status_label: String,
    pub position: i64,
    pub offer: Option<OfferView>,
}

pub fn waitlist_rows(
    conn: &mut DbConn,
    account: AccountId,
    lang: Lang,
    tz: Tz,
) -> AppResult<Vec<WaitlistRow>> {
    waitlist::list_for_account(conn, account)?
        .into_iter()
        .map(|v| {
            let e = &v.entry;
            let item: String = service_items::table
                .find(e.service_id)
                .select(service_items::name)
                .first(conn)?;
            let offer = match &v.hold {
                Some(h) => Some(OfferView {
                    slot: format!(
                        "{} {}–{}",
                        date_label(lang, h.day),
                        h.start_time.format("%H:%M"),
                        h.end_time.format("%H:%M")
                    ),
                    window_number: windows::table
                        .find(h.window_id)
                        .select(windows::number)
                        .first(conn)?,
                    until: format_local(h.until, tz),
                }),
                None => None,
            };
            Ok(WaitlistRow {
                id: e.id,
                item,
                day: date_label(lang, e.day),
                slot: e
                    .start_time
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_else(|| lang.t("waitlist-any-slot")),
                status: e.status,
                status_label: lang.t(&format!("waitlist-status-{}", e.status.as_str())),
                position: v.position,
                offer,
            })
        })
        .collect()
}

/// "网上预约暂停到 12月20日…" when the person is suspended at any hall
/// they have booked at (the default hall otherwise); empty when not.
pub fn suspension_line(
    conn: &mut DbConn,
    ctx: &PageCtx,
    account: AccountId,
    now: NaiveDateTime,
    tz: Tz,
) -> AppResult<String> {
    let booked_at: Vec<crate::db::ids::HallId> = bookings::table
        .filter(bookings::account_id.eq(account))
        .select(bookings::hall_id)
        .distinct()
        .load(conn)?;
    let list: Vec<Hall> = halls::table
        .filter(halls::id.eq_any(booked_at))
        .select(Hall::as_select())
        .load(conn)?;
    for hall in list {
        if let Some((until, why)) = suspension(conn, account, &hall, now, tz)? {
            return Ok(suspension_message(ctx, until, why));
        }
    }
    Ok(String::new())
}

/// The message of a refused waiting-list move, by its error code.
pub fn waitlist_error_key(code: &str) -> &'static str {
    match code {
        "offer_expired" => "waitlist-error-expired",
        "duplicate_booking" => "book-error-duplicate",
        "limit_reached" => "waitlist-error-limit",
        "suspended" => "waitlist-error-suspended",
        _ => "book-error-state",
    }
}
