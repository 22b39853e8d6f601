//! View structs of the booking pages.

use askama::Template;
use chrono::NaiveTime;
use diesel::prelude::*;

use super::code::display;
use super::models::{Booking, BookingStatus};
use crate::catalog::models::{Material, ServiceItem, Window};
use crate::catalog::pages::views::date_label;
use crate::db::DbConn;
use crate::db::schema::{halls, windows, zones};
use crate::error::AppError;
use crate::hall::models::Zone;
use crate::i18n::Lang;
use crate::web::PageCtx;

/// A booking as the resident reads it.
pub struct BookingView {
    pub code: String,
    pub code_display: String,
    pub status: BookingStatus,
    pub status_label: String,
    pub status_explain: String,
    pub service_id: i32,
    /// The visit's item names joined ("居民身份证换领、户口项目变更").
    pub service: String,
    /// Each item of the visit, by name, in order.
    pub items: Vec<String>,
    pub date: String,
    pub time: String,
    pub window_number: i32,
    pub window_name: String,
    pub place: String,
    pub hall: String,
    pub address: String,
    pub active: bool,
}

impl BookingView {
    pub fn load(conn: &mut DbConn, b: &Booking, lang: Lang) -> Result<BookingView, AppError> {
        let ids = super::items::of(conn, b.id)?;
        let names = super::items::names(conn, &ids)?;
        let items: Vec<String> = ids.iter().filter_map(|i| names.get(i).cloned()).collect();
        let (window, zone): (Window, Zone) = windows::table
            .inner_join(zones::table)
            .filter(windows::id.eq(b.window_id))
            .select((Window::as_select(), Zone::as_select()))
            .first(conn)?;
        let (hall, address, early): (String, String, i32) = halls::table
            .find(b.hall_id)
            .select((halls::name, halls::address, halls::checkin_early_minutes))
            .first(conn)?;
        let (status_label, status_explain) = match b.status {
            BookingStatus::Booked => (
                lang.t("status-booked"),
                lang.tn("status-booked-explain", i64::from(early)),
            ),
            s => (
                lang.t(&format!("status-{}", s.as_str())),
                lang.t(&format!("status-{}-explain", s.as_str())),
            ),
        };
        Ok(BookingView {
            code: b.code.clone(),
            code_display: display(&b.code),
            status: b.status,
            status_label,
            status_explain,
            service_id: b.service_id.0,
            service: items.join("、"),
            items,
            date: date_label(lang, b.day),
            time: format!(
                "{}–{}",
                b.start_time.format("%H:%M"),
                b.end_time.format("%H:%M")
            ),
            window_number: window.number,
            window_name: window.name,
            place: format!(
                "{} {} · {}",
                zone.letter,
                zone.name,
                lang.tn("service-window-floor", zone.floor.into())
            ),
            hall,
            address,
            active: b.status.is_active(),
        })
    }
}

pub struct DayOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct SlotOption {
    pub value: String,
    pub label: String,
    pub remaining: i32,
}

#[derive(Template)]
#[template(path = "booking/book.html")]
pub struct BookPage {
    pub ctx: PageCtx,
    /// False when the visit cannot be booked now: no slots are shown.
    pub bookable: bool,
    pub rules: String,
    /// For a visit of several items: how many places it takes and how it
    /// counts toward the person's limit.
    pub visit_rule: String,
    /// The first item of the visit.
    pub item: ServiceItem,
    /// The other items chosen to be done in the same visit (id, name).
    pub also: Vec<(i32, String)>,
    /// Every item id of the visit, the first first (the form sends them).
    pub ids: Vec<i32>,
    /// `&also=…` for links that keep the chosen items.
    pub also_query: String,
    /// Items a window serving the whole visit also serves (id, name).
    pub companions: Vec<(i32, String)>,
    /// Everything to bring for the whole visit, each material once.
    pub materials: Vec<Material>,
    pub hall_name: String,
    pub days: Vec<DayOption>,
    pub date: String,
    pub slots: Vec<SlotOption>,
    /// Every slot of the chosen day is full.
    pub day_full: bool,
    /// 候补 choices (value, label) when a slot or the day is full; empty
    /// otherwise ("" = any slot of the day).
    pub waitlist: Vec<(String, String)>,
    pub error: String,
    /// Where the form goes: new booking, or rescheduling `code`.
    pub action: String,
    pub rescheduling: Option<BookingView>,
}

pub fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The hall's booking rules, in words, from its own settings.
pub fn rules_text(lang: Lang, hall: &crate::hall::models::Hall) -> String {
    lang.t_nums(
        "book-rules",
        &[
            ("max", hall.max_active_bookings.into()),
            ("cutoff", hall.cancel_cutoff_minutes.into()),
            ("noshows", hall.no_show_limit.into()),
            ("days", hall.no_show_window_days.into()),
            ("suspend", hall.suspension_days.into()),
            ("cancels", hall.cancel_limit.into()),
            ("cancel_days", hall.cancel_window_days.into()),
            ("cancel_suspend", hall.cancel_suspension_days.into()),
        ],
    )
}

/// How a visit of `places` items is booked and counted, from the hall's
/// own rule.
pub fn visit_rule_text(lang: Lang, hall: &crate::hall::models::Hall, places: i32) -> String {
    let key = if hall.limit_counts_items {
        "book-visit-rule-items"
    } else {
        "book-visit-rule-visit"
    };
    lang.t_nums(key, &[("n", places.into())])
}
