//! View structs of the visit pages: the booking as it stands, what came
//! of it at the hall, its messages and its rating form.

use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::booking::models::{Booking, BookingEvent};
use crate::booking::views::BookingView;
use crate::catalog::models::Material;
use crate::catalog::pages::views::date_label;
use crate::clock::format_local;
use crate::db::DbConn;
use crate::db::schema::windows;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::PageCtx;

/// A booking as the resident reads it, its status worded by what became of
/// the visit.
pub fn booking_view(conn: &mut DbConn, b: &Booking, lang: Lang) -> Result<BookingView, AppError> {
    let mut view = BookingView::load(conn, b, lang)?;
    if b.status == crate::booking::models::BookingStatus::Completed {
        (view.status_label, view.status_explain) = visit_outcome(conn, b, lang)?;
    }
    Ok(view)
}

/// What a finished visit came to, in words: for one item, 已办结 only when
/// it was done (on the spot, or its case has been decided); 已受理 while the
/// case is under review; 需补正 with what is missing; 不予受理 with the
/// reason. A visit of several items says each item's below.
fn visit_outcome(conn: &mut DbConn, b: &Booking, lang: Lang) -> Result<(String, String), AppError> {
    let Some(t) = crate::queue::issue::for_booking(conn, b.id)? else {
        return Ok((
            lang.t("status-completed"),
            lang.t("status-completed-explain"),
        ));
    };
    let items = crate::queue::items::of(conn, t.id)?;
    match &items[..] {
        [one] => {
            let case = crate::cases::service::for_ticket(conn, t.id)?;
            item_outcome(conn, one, case.as_ref(), lang)
        }
        _ => Ok((lang.t("visit-several"), lang.t("visit-several-explain"))),
    }
}

/// One item's outcome at the window, in words.
fn item_outcome(
    conn: &mut DbConn,
    item: &crate::queue::items::TicketItem,
    case: Option<&crate::cases::models::Case>,
    lang: Lang,
) -> Result<(String, String), AppError> {
    use crate::queue::models::Outcome;
    Ok(match item.outcome() {
        Some(Outcome::Accepted | Outcome::Received) => match case {
            Some(c) if c.status.is_decided() || c.status.is_before_acceptance() => (
                lang.t(&format!("case-{}", c.status.as_str())),
                lang.t(&format!("case-{}-explain", c.status.as_str())),
            ),
            Some(c) => match c.promised_due {
                Some(due) if c.suspended_since.is_none() => (
                    lang.t("visit-accepted"),
                    lang.tv("visit-accepted-explain", &date_label(lang, due)),
                ),
                _ => (
                    lang.t(&format!("case-{}", c.status.as_str())),
                    lang.t(&format!("case-{}-explain", c.status.as_str())),
                ),
            },
            None => (lang.t("visit-accepted"), String::new()),
        },
        Some(Outcome::Incomplete) => (
            lang.t("visit-incomplete"),
            lang.tv(
                "visit-incomplete-explain",
                &crate::queue::calls::missing_materials_of(conn, item.ticket_id, item.service_id)?
                    .join("、"),
            ),
        ),
        Some(Outcome::Refused) => (
            lang.t("visit-refused"),
            lang.tv("visit-refused-explain", &item.outcome_note),
        ),
        Some(Outcome::Done) => (
            lang.t("status-completed"),
            lang.t("status-completed-explain"),
        ),
        None => (lang.t("visit-item-pending"), String::new()),
    })
}

/// One item of a visit of several, with what came of it.
pub struct VisitItem {
    pub name: String,
    pub label: String,
    pub explain: String,
    pub case: Option<crate::cases::view::CaseView>,
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
            at: format_local(e.at, tz),
            note: e.note.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "booking/list.html")]
pub struct BookingsPage {
    pub ctx: PageCtx,
    pub upcoming: Vec<BookingView>,
    pub past: Vec<BookingView>,
    pub messages: Vec<crate::notify::views::MessageView>,
    /// 候补: live entries first, with their offers.
    pub waitlist: Vec<super::waiting::WaitlistRow>,
    /// Why and until when online booking is suspended (empty if not).
    pub suspended: String,
    pub notice: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "booking/detail.html")]
pub struct BookingPage {
    pub ctx: PageCtx,
    pub b: BookingView,
    pub visit: Option<Visit>,
    pub grades: Vec<(i32, String)>,
    pub reasons: Vec<(String, String)>,
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
    pub reasons: Vec<(String, String)>,
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

/// What happened at the hall for a booking: its ticket, its case, its rating.
pub struct Visit {
    pub ticket_number: String,
    pub ticket_status: String,
    pub ticket_id: crate::db::ids::TicketId,
    pub position: Option<i64>,
    pub wait: Option<i64>,
    pub window_number: Option<i32>,
    /// The case of a visit of one item.
    pub case: Option<crate::cases::view::CaseView>,
    /// A visit of several items: each with its outcome and case.
    pub items: Vec<VisitItem>,
    pub can_rate: bool,
    pub rated: String,
    /// The grade was given by the hall's rule for a visit not rated in time.
    pub rated_by_rule: bool,
    /// Decided cases of the visit not yet rated (一事一评): (number, item).
    pub rate_cases: Vec<(String, String)>,
    /// The department's answers (反馈) to a bad rating of the visit.
    pub answers: Vec<String>,
}

impl Visit {
    pub fn load(
        conn: &mut DbConn,
        b: &Booking,
        lang: Lang,
        tz: Tz,
        now: NaiveDateTime,
    ) -> Result<Option<Visit>, AppError> {
        let Some(t) = crate::queue::issue::for_booking(conn, b.id)? else {
            return Ok(None);
        };
        let (position, wait) = if t.status.is_queued() {
            let place = crate::queue::estimates::place_of(conn, &t, now)?;
            (Some(place.ahead), place.wait)
        } else {
            (None, None)
        };
        let window_number = match t.window_id {
            Some(w) => Some(windows::table.find(w).select(windows::number).first(conn)?),
            None => None,
        };
        let today = crate::clock::local(now, tz).date();
        let cases = crate::cases::service::all_for_ticket(conn, t.id)?;
        let named = crate::queue::items::named(conn, t.id)?;
        let (case, items) = if named.len() == 1 {
            let case = match cases.first() {
                Some(c) => Some(crate::cases::view::CaseView::load(
                    conn, c, lang, tz, today,
                )?),
                None => None,
            };
            (case, Vec::new())
        } else {
            let mut items = Vec::new();
            for (item, name) in &named {
                let c = cases.iter().find(|c| c.service_id == item.service_id);
                let (label, explain) = item_outcome(conn, item, c, lang)?;
                let case = match c {
                    Some(c) => Some(crate::cases::view::CaseView::load(
                        conn, c, lang, tz, today,
                    )?),
                    None => None,
                };
                items.push(VisitItem {
                    name: name.clone(),
                    label,
                    explain,
                    case,
                });
            }
            (None, items)
        };
        let rating = crate::ratings::service::for_ticket(conn, t.id)?;
        let rate_cases = cases_to_rate(conn, &cases, &named)?;
        let answers = crate::ratings::follow_up::answers_for_ticket(conn, t.id)?;
        Ok(Some(Visit {
            ticket_status: lang.t(&format!("ticket-{}", t.status.as_str())),
            can_rate: t.status == crate::queue::models::TicketStatus::Completed && rating.is_none(),
            rate_cases,
            answers,
            // A hall rule's grade is never shown as the resident's own.
            rated_by_rule: rating
                .as_ref()
                .is_some_and(|r| r.channel == crate::ratings::service::Channel::Default),
            rated: rating
                .map(|r| lang.t(&format!("grade-{}", r.grade)))
                .unwrap_or_default(),
            ticket_number: t.number,
            ticket_id: t.id,
            position,
            wait,
            window_number,
            case,
            items,
        }))
    }
}

/// Decided cases of a visit not yet rated (一事一评): (number, item).
fn cases_to_rate(
    conn: &mut DbConn,
    cases: &[crate::cases::models::Case],
    named: &[(crate::queue::items::TicketItem, String)],
) -> Result<Vec<(String, String)>, AppError> {
    let mut rate_cases = Vec::new();
    for c in cases.iter().filter(|c| c.concluded_at.is_some()) {
        if crate::ratings::service::for_case(conn, c.id)?.is_none() {
            let item = named
                .iter()
                .find(|(i, _)| i.service_id == c.service_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            rate_cases.push((c.case_number.clone(), item));
        }
    }
    Ok(rate_cases)
}

/// The tick-box reasons of a bad rating, for a rating form.
pub fn reasons(lang: Lang) -> Vec<(String, String)> {
    crate::ratings::service::Reason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                lang.t(&format!("rating-reason-{}", r.as_str())),
            )
        })
        .collect()
}

/// The five grades, best first, for a rating form.
pub fn grades(lang: Lang) -> Vec<(i32, String)> {
    crate::ratings::service::GRADES
        .iter()
        .map(|g| (*g, lang.t(&format!("grade-{g}"))))
        .collect()
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
