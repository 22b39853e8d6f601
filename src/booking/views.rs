//! View structs of the booking pages.

use askama::Template;
use chrono::NaiveTime;
use diesel::prelude::*;

use super::code::display;
use super::models::{Booking, BookingStatus};
use crate::catalog::models::{ServiceItem, Window};
use crate::catalog::pages::views::date_label;
use crate::db::DbConn;
use crate::db::schema::{halls, service_items, windows, zones};
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
    pub service: String,
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
        let service: String = service_items::table
            .find(b.service_id)
            .select(service_items::name)
            .first(conn)?;
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
            service,
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
    /// False when the item cannot be booked now: no slots are shown.
    pub bookable: bool,
    pub rules: String,
    pub item: ServiceItem,
    pub hall_name: String,
    pub days: Vec<DayOption>,
    pub date: String,
    pub slots: Vec<SlotOption>,
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
        ],
    )
}
