//! Resident pages: choose a slot for one item or several in one visit
//! (同时办理), join the waiting list of a full day, and reschedule.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::api::{parse_date, parse_time};
use super::models::BookingStatus;
use super::service::{self, BookRequest, BookingError, Offer, Suspension};
use super::views::*;
use super::waitlist::holds::Guard;
use super::{code, items, repo};
use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::catalog::pages::views::date_label;
use crate::db::DbConn;
use crate::db::ids::ServiceId;
use crate::error::AppError;
use crate::web::forms::{HtmlForm, private_page, see_other};
use crate::web::{AppState, PageCtx};

const RESIDENT: &[Role] = &[Role::Resident];

/// `?date=…&also=…&also=…` (the other items of the visit repeat).
#[derive(Deserialize, Default)]
struct BookQuery {
    date: Option<String>,
    #[serde(default)]
    also: Vec<String>,
}

fn query_of(req: &HttpRequest) -> BookQuery {
    serde_html_form::from_str(req.query_string()).unwrap_or_default()
}

/// The visit's items: the page's item, then the chosen others (unknown or
/// repeated ids are dropped, at most five in all).
fn visit_of(first: ServiceId, also: &[String]) -> Vec<ServiceId> {
    let mut ids = vec![first];
    for a in also {
        if let Ok(id) = a.parse::<ServiceId>()
            && !ids.contains(&id)
            && ids.len() < items::MAX_ITEMS
        {
            ids.push(id);
        }
    }
    ids
}

/// The slot picker for a visit (new booking or rescheduling).
pub(crate) fn book_page(
    conn: &mut DbConn,
    ctx: PageCtx,
    state: &AppState,
    services: &[ServiceId],
    date: Option<NaiveDate>,
    error: String,
    resched: Option<BookingView>,
) -> Result<BookPage, AppError> {
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let offer = offer_for(conn, services, now, tz)?;
    let ids = offer.ids();
    let days = offer.schedule.bookable_days();
    let chosen = date
        .filter(|d| days.contains(d))
        .or_else(|| days.first().copied());
    let bookable = offer.check_bookable();
    let slots = match (chosen, &bookable) {
        (Some(d), Ok(())) => offer.availability(conn, d)?.unwrap_or_default(),
        _ => Vec::new(),
    };
    let also_query: String = ids[1..].iter().map(|i| format!("&also={i}")).collect();
    let action = match &resched {
        Some(b) => format!("/bookings/{}/reschedule", b.code),
        None => "/bookings".to_string(),
    };
    let waitlist = if resched.is_none() && ids.len() == 1 {
        waitlist_choices(&ctx, &slots)
    } else {
        Vec::new()
    };
    let companions = if resched.is_none() {
        items::companions(conn, &ids, true)?
    } else {
        Vec::new()
    };
    let hall = &offer.schedule.hall;
    Ok(BookPage {
        bookable: bookable.is_ok(),
        rules: rules_text(ctx.lang, hall),
        visit_rule: if ids.len() > 1 {
            visit_rule_text(ctx.lang, hall, offer.places())
        } else {
            String::new()
        },
        days: day_options(&ctx, &days, chosen),
        date: chosen.map(|d| d.to_string()).unwrap_or_default(),
        day_full: !slots.is_empty() && slots.iter().all(|(_, n)| *n == 0),
        slots: slots
            .iter()
            .map(|(s, remaining)| SlotOption {
                value: hhmm(s.start),
                label: format!("{}–{}", hhmm(s.start), hhmm(s.end)),
                remaining: *remaining,
            })
            .collect(),
        waitlist,
        hall_name: hall.name.clone(),
        materials: items::combined_materials(conn, &ids)?,
        companions: companions.into_iter().map(|c| (c.id.0, c.name)).collect(),
        also: offer
            .also
            .iter()
            .map(|i| (i.id.0, i.name.clone()))
            .collect(),
        also_query,
        ids: ids.iter().map(|i| i.0).collect(),
        item: offer.item,
        error,
        action,
        rescheduling: resched,
        ctx,
    })
}

/// The visit's offer; items added by hand that do not make a visit
/// (another hall's, too many) leave the first item alone.
fn offer_for(
    conn: &mut DbConn,
    services: &[ServiceId],
    now: chrono::NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<Offer, AppError> {
    match Offer::load_visit(conn, services, now, tz) {
        Err(BookingError::InvalidItems | BookingError::ServiceNotFound) if services.len() > 1 => {
            Ok(Offer::load_visit(conn, &services[..1], now, tz)?)
        }
        other => Ok(other?),
    }
}

fn day_options(ctx: &PageCtx, days: &[NaiveDate], chosen: Option<NaiveDate>) -> Vec<DayOption> {
    days.iter()
        .map(|d| DayOption {
            value: d.to_string(),
            label: date_label(ctx.lang, *d),
            selected: Some(*d) == chosen,
        })
        .collect()
}

/// 候补 choices when a slot or the whole day is full: any slot of a full
/// day, and each full slot; none while every slot has room.
fn waitlist_choices(ctx: &PageCtx, slots: &[(super::slots::Slot, i32)]) -> Vec<(String, String)> {
    let full: Vec<&super::slots::Slot> = slots
        .iter()
        .filter(|(_, n)| *n == 0)
        .map(|(s, _)| s)
        .collect();
    let mut options = Vec::new();
    if !full.is_empty() && full.len() == slots.len() {
        options.push((String::new(), ctx.t("waitlist-any-slot")));
    }
    for s in full {
        options.push((hhmm(s.start), format!("{}–{}", hhmm(s.start), hhmm(s.end))));
    }
    options
}

#[get("/services/{id}/book")]
async fn book_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<ServiceId>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    identity.require(RESIDENT)?;
    let q = query_of(&req);
    let ids = visit_of(id.into_inner(), &q.also);
    let date = q.date.as_deref().and_then(|d| parse_date(d).ok());
    let st = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let offer = offer_for(conn, &ids, st.clock.now_utc(), st.tz())?;
            let error = match offer.check_bookable() {
                Ok(()) => String::new(),
                Err(e) => booking_error_message(&ctx, &e),
            };
            book_page(conn, ctx, &st, &ids, date, error, None)
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct BookForm {
    /// The visit's items (the field repeats for several).
    #[serde(default)]
    service_id: Vec<String>,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
}

impl BookForm {
    fn services(&self) -> Result<Vec<ServiceId>, AppError> {
        let ids = self
            .service_id
            .iter()
            .map(|s| s.parse::<ServiceId>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| AppError::NotFound)?;
        if ids.is_empty() {
            return Err(AppError::NotFound);
        }
        Ok(ids)
    }
}

#[post("/bookings")]
async fn create_booking(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    form: HtmlForm<BookForm>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let form = form.0;
    let services = form.services()?;
    let date = parse_date(&form.date).ok();
    let start = parse_time(&form.start).ok();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let result = match (date, start) {
                (Some(date), Some(start)) => service::book(
                    conn,
                    &BookRequest {
                        account,
                        services: services.clone(),
                        date,
                        start,
                    },
                    now,
                    tz,
                ),
                _ => Err(BookingError::InvalidSlot),
            };
            match result {
                Ok(b) => Ok(Ok(b.code)),
                Err(BookingError::ServiceNotFound) => Err(AppError::NotFound),
                Err(BookingError::Db(f)) => Err(f.into()),
                Err(e) => {
                    let message = booking_error_message(&ctx, &e);
                    Ok(Err((
                        book_page(conn, ctx, &st, &services, date, message, None)?,
                        e,
                    )))
                }
            }
        })
        .await?;
    match outcome {
        Ok(code) => Ok(see_other(&format!("/bookings/{code}?new=1"))),
        Err((page, e)) => private_page(status_of(&e), &page),
    }
}

pub fn booking_error_message(ctx: &PageCtx, e: &BookingError) -> String {
    match e {
        BookingError::Suspended(until, _) => ctx.tv(e.message_key(), &date_label(ctx.lang, *until)),
        BookingError::LimitReached(n) | BookingError::TooLate(n) => {
            ctx.tn(e.message_key(), i64::from(*n))
        }
        other => ctx.t(other.message_key()),
    }
}

/// The words for a suspension the resident is under (我的预约 says it).
pub fn suspension_message(ctx: &PageCtx, until: NaiveDate, why: Suspension) -> String {
    booking_error_message(ctx, &BookingError::Suspended(until, why))
}

pub fn status_of(e: &BookingError) -> StatusCode {
    match e {
        BookingError::Suspended(..) => StatusCode::FORBIDDEN,
        BookingError::OutsideHorizon
        | BookingError::InvalidSlot
        | BookingError::InvalidItems
        | BookingError::NotBookable
        | BookingError::NoWindow => StatusCode::UNPROCESSABLE_ENTITY,
        BookingError::NotFound | BookingError::ServiceNotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::CONFLICT,
    }
}

#[get("/bookings/{code}/reschedule")]
async fn reschedule_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let date = query_of(&req)
        .date
        .as_deref()
        .and_then(|d| parse_date(d).ok());
    let st = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let c = code::normalise(&code).ok_or(AppError::NotFound)?;
            let b = repo::find_owned(conn, &c, account)?.ok_or(AppError::NotFound)?;
            let view = BookingView::load(conn, &b, ctx.lang)?;
            let error = if b.status == BookingStatus::Booked {
                String::new()
            } else {
                ctx.t("book-error-state")
            };
            let ids = items::of(conn, b.id)?;
            book_page(conn, ctx, &st, &ids, date, error, Some(view))
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

#[post("/bookings/{code}/reschedule")]
async fn reschedule_booking(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    code: web::Path<String>,
    form: HtmlForm<BookForm>,
) -> Result<HttpResponse, AppError> {
    let account = identity.require(RESIDENT)?.account.id;
    let form = form.0;
    let date = parse_date(&form.date).ok();
    let start = parse_time(&form.start).ok();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let guard = Guard::of(&state.settings);
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let c = code::normalise(&code).ok_or(AppError::NotFound)?;
            let result = match (date, start) {
                (Some(d), Some(s)) => {
                    service::reschedule(conn, account, &c, (d, s), now, tz, guard)
                }
                _ => Err(BookingError::InvalidSlot),
            };
            match result {
                Ok(b) => Ok(Ok(b.code)),
                Err(BookingError::NotFound) => Err(AppError::NotFound),
                Err(BookingError::Db(f)) => Err(f.into()),
                Err(e) => {
                    let b = repo::find_owned(conn, &c, account)?.ok_or(AppError::NotFound)?;
                    let view = BookingView::load(conn, &b, ctx.lang)?;
                    let message = booking_error_message(&ctx, &e);
                    let ids = items::of(conn, b.id)?;
                    Ok(Err((
                        book_page(conn, ctx, &st, &ids, date, message, Some(view))?,
                        e,
                    )))
                }
            }
        })
        .await?;
    match outcome {
        Ok(code) => Ok(see_other(&format!("/bookings/{code}?moved=1"))),
        Err((page, e)) => private_page(status_of(&e), &page),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(book_form)
        .service(create_booking)
        .service(reschedule_form)
        .service(reschedule_booking);
}
