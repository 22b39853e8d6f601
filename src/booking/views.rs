//! View structs of the booking pages.

use askama::Template;
use chrono::{NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::code::display;
use super::models::{Booking, BookingEvent, BookingStatus};
use crate::catalog::models::{Material, ServiceItem, Window};
use crate::catalog::pages::views::date_label;
use crate::clock::to_local;
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
            BookingStatus::Completed => visit_outcome(conn, b, lang)?,
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

/// What a finished visit came to, in words: 已办结 only when it was done
/// (on the spot, or its case has been decided); 已受理 while the case is
/// under review; 需补正 with what is missing; 不予受理 with the reason.
fn visit_outcome(conn: &mut DbConn, b: &Booking, lang: Lang) -> Result<(String, String), AppError> {
    use crate::queue::models::Outcome;
    let Some(t) = crate::queue::service::for_booking(conn, b.id)? else {
        return Ok((
            lang.t("status-completed"),
            lang.t("status-completed-explain"),
        ));
    };
    let outcome = t.outcome.as_deref().and_then(|o| o.parse::<Outcome>().ok());
    Ok(match outcome {
        Some(Outcome::Accepted) => match crate::cases::service::for_ticket(conn, t.id)? {
            Some(c) if c.status.is_decided() => (
                lang.t(&format!("case-{}", c.status.as_str())),
                lang.t(&format!("case-{}-explain", c.status.as_str())),
            ),
            Some(c) => (
                lang.t("visit-accepted"),
                lang.tv("visit-accepted-explain", &date_label(lang, c.promised_due)),
            ),
            None => (lang.t("visit-accepted"), String::new()),
        },
        Some(Outcome::Incomplete) => (
            lang.t("visit-incomplete"),
            lang.tv(
                "visit-incomplete-explain",
                &t.outcome_note.split('；').collect::<Vec<_>>().join("、"),
            ),
        ),
        Some(Outcome::Refused) => (
            lang.t("visit-refused"),
            lang.tv("visit-refused-explain", &t.outcome_note),
        ),
        Some(Outcome::Done) | None => (
            lang.t("status-completed"),
            lang.t("status-completed-explain"),
        ),
    })
}

pub struct TimelineEntry {
    pub label: String,
    pub at: String,
    pub note: String,
}

pub fn timeline(events: &[BookingEvent], lang: Lang, tz: Tz) -> Vec<TimelineEntry> {
    events
        .iter()
        .map(|e| TimelineEntry {
            // The visit's end is not necessarily the business's end (a case
            // may go on): the timeline says the window finished.
            label: match e.status.as_str() {
                "completed" => lang.t("ticket-completed"),
                s => lang.t(&format!("status-{s}")),
            },
            at: local_time(e.at, tz),
            note: e.note.clone(),
        })
        .collect()
}

pub fn local_time(at: NaiveDateTime, tz: Tz) -> String {
    to_local(at, tz).format("%Y-%m-%d %H:%M").to_string()
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

#[derive(Template)]
#[template(path = "booking/list.html")]
pub struct BookingsPage {
    pub ctx: PageCtx,
    pub upcoming: Vec<BookingView>,
    pub past: Vec<BookingView>,
    pub messages: Vec<crate::notify::views::MessageView>,
}

#[derive(Template)]
#[template(path = "booking/detail.html")]
pub struct BookingPage {
    pub ctx: PageCtx,
    pub b: BookingView,
    pub visit: Option<Visit>,
    pub grades: Vec<(i32, String)>,
    pub rate_action: String,
    pub rate_hidden: Vec<(String, String)>,
    pub qr_svg: String,
    pub materials: Vec<Material>,
    pub timeline: Vec<TimelineEntry>,
    pub can_change: bool,
    pub deadline: String,
    pub notice: String,
    pub error: String,
    pub print: bool,
    /// What happened to the confirmation text, in words.
    pub sms: String,
    pub how_checkin: String,
}

/// The confirmation text's state for the booking page: "sent" only once
/// the gateway took it.
pub fn confirmation_line(
    m: &crate::notify::OutboxMessage,
    lang: Lang,
    masked_phone: &str,
) -> String {
    use crate::notify::MessageStatus;
    let key = match m.status {
        MessageStatus::Sent => "booking-sms-sent",
        MessageStatus::Failed => "booking-sms-failed",
        _ => "booking-sms-pending",
    };
    lang.tv(key, masked_phone)
}

#[derive(Template)]
#[template(path = "booking/cancel.html")]
pub struct CancelPage {
    pub ctx: PageCtx,
    pub b: BookingView,
}

#[derive(Template)]
#[template(path = "booking/track.html")]
pub struct TrackPage {
    pub ctx: PageCtx,
    pub grades: Vec<(i32, String)>,
    pub rate_action: String,
    pub rate_hidden: Vec<(String, String)>,
    pub notice: String,
    pub code: String,
    pub last4: String,
    pub error: String,
    pub found: Option<TrackResult>,
}

pub struct TrackResult {
    pub name: String,
    pub b: BookingView,
    pub visit: Option<Visit>,
    pub code: String,
    pub last4: String,
}

/// The QR code of a booking code, as inline SVG (no XML declaration).
pub fn qr_svg(code: &str) -> String {
    match qrcode::QrCode::new(code.as_bytes()) {
        Ok(qr) => {
            let svg = qr
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build();
            match svg.find("<svg") {
                Some(i) => svg[i..].to_string(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

pub fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// What happened at the hall for a booking: its ticket, its case, its rating.
pub struct Visit {
    pub ticket_number: String,
    pub ticket_status: String,
    pub ticket_id: i32,
    pub position: Option<i64>,
    pub wait: Option<i64>,
    pub window_number: Option<i32>,
    pub case: Option<crate::cases::pages::CaseView>,
    pub can_rate: bool,
    pub rated: String,
}

impl Visit {
    pub fn load(
        conn: &mut DbConn,
        b: &Booking,
        lang: Lang,
        tz: Tz,
        now: NaiveDateTime,
    ) -> Result<Option<Visit>, AppError> {
        let Some(t) = crate::queue::service::for_booking(conn, b.id)? else {
            return Ok(None);
        };
        let (position, wait) = if t.status.is_queued() {
            let place = crate::queue::service::place_of(conn, &t, now)?;
            (Some(place.ahead), place.wait)
        } else {
            (None, None)
        };
        let window_number = match t.window_id {
            Some(w) => Some(windows::table.find(w).select(windows::number).first(conn)?),
            None => None,
        };
        let today = crate::queue::service::local(now, tz).date();
        let case = match crate::cases::service::for_ticket(conn, t.id)? {
            Some(c) => Some(crate::cases::pages::CaseView::load(
                conn, &c, lang, tz, today,
            )?),
            None => None,
        };
        let rating = crate::ratings::service::for_ticket(conn, t.id)?;
        Ok(Some(Visit {
            ticket_status: lang.t(&format!("ticket-{}", t.status.as_str())),
            can_rate: t.status == crate::queue::models::TicketStatus::Completed && rating.is_none(),
            rated: rating
                .map(|r| lang.t(&format!("grade-{}", r.grade)))
                .unwrap_or_default(),
            ticket_number: t.number,
            ticket_id: t.id,
            position,
            wait,
            window_number,
            case,
        }))
    }
}

/// The five grades, best first, for a rating form.
pub fn grades(lang: Lang) -> Vec<(i32, String)> {
    crate::ratings::service::GRADES
        .iter()
        .map(|g| (*g, lang.t(&format!("grade-{g}"))))
        .collect()
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

/// When to check in, from the hall's settings.
pub fn checkin_text(lang: Lang, hall: &crate::hall::models::Hall) -> String {
    lang.t_nums(
        "booking-how-checkin",
        &[
            ("early", hall.checkin_early_minutes.into()),
            ("late", hall.checkin_late_minutes.into()),
        ],
    )
}
