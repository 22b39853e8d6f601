//! The calling board: a full-screen page for the hall's screen, kept live
//! over Server-Sent Events. Each connection starts with a snapshot (so a
//! board that reconnects catches up), then carries calls and queue changes;
//! a comment every 20 seconds keeps proxies from closing it.

use super::events::EventBus;
use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use super::events::HallEvent;
use super::json::{CallJson, latest_calls};
use super::models::{TicketStatus, strs};
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::HallId;
use crate::db::schema::{tickets, zones};
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;
use crate::web::{AppState, PageCtx};

#[derive(Serialize)]
pub struct ZoneCount {
    pub letter: String,
    pub name: String,
    pub waiting: i64,
}

#[derive(Serialize)]
pub struct BoardState {
    pub hall: String,
    pub calls: Vec<CallJson>,
    pub zones: Vec<ZoneCount>,
}

pub fn board_state(
    conn: &mut DbConn,
    hall: &Hall,
    now: chrono::NaiveDateTime,
    tz: chrono_tz::Tz,
) -> QueryResult<BoardState> {
    let today = local(now, tz).date();
    let counts: Vec<(String, i64)> = tickets::table
        .filter(tickets::hall_id.eq(hall.id))
        .filter(tickets::day.eq(today))
        .filter(tickets::status.eq_any(strs(TicketStatus::QUEUED)))
        .group_by(tickets::letter)
        .select((tickets::letter, diesel::dsl::count_star()))
        .load(conn)?;
    let zones = zones::table
        .filter(zones::hall_id.eq(hall.id))
        .order(zones::letter)
        .select((zones::letter, zones::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(letter, name)| ZoneCount {
            waiting: counts
                .iter()
                .find(|(l, _)| *l == letter)
                .map(|(_, n)| *n)
                .unwrap_or(0),
            letter,
            name,
        })
        .collect();
    Ok(BoardState {
        hall: hall.name.clone(),
        calls: latest_calls(conn, hall.id, now, tz, 12)?,
        zones,
    })
}

#[derive(Deserialize)]
struct HallQuery {
    hall: Option<String>,
}

fn chosen_hall(conn: &mut DbConn, raw: Option<&str>) -> Result<Hall, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => hall_repo::find_hall(conn, s.parse().map_err(|_| AppError::NotFound)?)?
            .ok_or(AppError::NotFound),
        None => hall_repo::default_hall(conn)?.ok_or(AppError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "queue/display.html")]
struct DisplayPage {
    ctx: PageCtx,
    hall: Hall,
    /// The hall's clock, not the display PC's: its zone, the server's
    /// instant and the zone's offset now (for browsers without time zones).
    tz: &'static str,
    now_ms: i64,
    offset_min: i32,
    clock: String,
}

#[get("/display")]
async fn display_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let hall = state
        .db
        .run(move |conn| chosen_hall(conn, q.hall.as_deref()))
        .await?;
    let now = state.clock.now();
    let local = now.with_timezone(&state.tz());
    use chrono::Offset;
    let page = DisplayPage {
        ctx,
        hall,
        tz: state.tz().name(),
        now_ms: now.timestamp_millis(),
        offset_min: local.offset().fix().local_minus_utc() / 60,
        clock: local.format("%H:%M:%S").to_string(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

#[get("/display/state")]
async fn display_state(
    state: web::Data<AppState>,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let body = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = chosen_hall(conn, q.hall.as_deref())?;
            Ok(board_state(conn, &hall, now, tz)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
}

fn sse(event: &str, data: &str) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

#[get("/display/events")]
async fn display_events(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    q: web::Query<HallQuery>,
) -> Result<HttpResponse, AppError> {
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let (hall_id, snapshot) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = chosen_hall(conn, q.hall.as_deref())?;
            Ok((
                hall.id,
                serde_json::to_string(&board_state(conn, &hall, now, tz)?).unwrap_or_default(),
            ))
        })
        .await?;
    let rx = bus.subscribe();
    let first = sse("snapshot", &snapshot);
    let stream = futures_util::stream::unfold(
        (rx, Some(first), hall_id),
        |(mut rx, first, hall): (_, Option<Bytes>, HallId)| async move {
            if let Some(b) = first {
                return Some((Ok::<_, actix_web::Error>(b), (rx, None, hall)));
            }
            loop {
                tokio::select! {
                    received = rx.recv() => match received {
                        Ok(event) if event.hall() == hall => {
                            let name = match event { HallEvent::Call { .. } => "call", HallEvent::Queue { .. } => "queue" };
                            let data = serde_json::to_string(&event).unwrap_or_default();
                            return Some((Ok(sse(name, &data)), (rx, None, hall)));
                        }
                        Ok(_) => continue,
                        // Fell behind: tell the board to fetch the whole state.
                        Err(RecvError::Lagged(_)) => return Some((Ok(sse("queue", "{}")), (rx, None, hall))),
                        Err(RecvError::Closed) => return None,
                    },
                    _ = tokio::time::sleep(Duration::from_secs(20)) => {
                        return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), (rx, None, hall)));
                    }
                }
            }
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        // Compression would hold events back in its buffer.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        .streaming(stream))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(display_page)
        .service(display_state)
        .service(display_events);
}
