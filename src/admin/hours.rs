//! `/admin/halls/{id}/hours`: a hall's opening hours, two sessions a day.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveTime;

use super::Scope;
use super::halls::Saved;
use crate::accounts::Identity;
use crate::audit::{AuditResult, Entry, Refusal, audited};
use crate::db::ids::HallId;
use crate::error::{AppError, AppResult};
use crate::hall::edit::{parse_week, write_week};
use crate::hall::models::{Hall, OpeningHours};
use crate::hall::repo as hall_repo;
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

#[derive(Template)]
#[template(path = "admin/hours.html")]
struct HoursPage {
    ctx: PageCtx,
    hall: Hall,
    rows: Vec<(i32, String, [String; 4])>,
    error: String,
    saved: bool,
}

fn fmt(t: Option<NaiveTime>) -> String {
    t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
}

fn hours_rows(ctx: &PageCtx, week: &[OpeningHours]) -> Vec<(i32, String, [String; 4])> {
    (1..=7)
        .map(|wd| {
            let h = week.iter().find(|h| h.weekday == wd);
            let cells = [
                fmt(h.and_then(|h| h.morning_start)),
                fmt(h.and_then(|h| h.morning_end)),
                fmt(h.and_then(|h| h.afternoon_start)),
                fmt(h.and_then(|h| h.afternoon_end)),
            ];
            (wd, ctx.t(&format!("weekday-{wd}")), cells)
        })
        .collect()
}

#[get("/admin/halls/{id}/hours")]
async fn hours_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<HallId>,
    q: web::Query<Saved>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let id = id.into_inner();
    let (hall, week) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_repo::find_hall(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((hall, hall_repo::opening_hours_of(conn, id)?))
        })
        .await?;
    let rows = hours_rows(&ctx, &week);
    private_page(
        StatusCode::OK,
        &HoursPage {
            ctx,
            hall,
            rows,
            error: String::new(),
            saved: q.saved.is_some(),
        },
    )
}

#[post("/admin/halls/{id}/hours")]
async fn hours_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<HallId>,
    fields: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let id = id.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.hours.save",
        format!("hall:{id}"),
    );
    let week = parse_week(id, &fields);
    let (hall, saved) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_repo::find_hall(conn, id)?.ok_or(AppError::NotFound)?;
            // Longer hours open new slots: they go to the waiting list first.
            let saved = audited(conn, &entry, now, |conn| match &week {
                Ok(week) => {
                    write_week(conn, id, week)?;
                    crate::booking::waitlist::fill::offer_free_places(conn, id, now, tz)?;
                    Ok(())
                }
                Err(wd) => Err(HoursRefused::Day(*wd)),
            });
            Ok((hall, saved))
        })
        .await?;
    let wd = match saved {
        Ok(()) => return Ok(see_other(&format!("/admin/halls/{id}/hours?saved=1"))),
        Err(HoursRefused::Day(wd)) => wd,
        Err(HoursRefused::Db(e)) => return Err(e.into()),
    };
    let rows = hours_rows(&ctx, &parse_week_lenient(id, &fields));
    let error = ctx.tv("admin-error-hours", &ctx.t(&format!("weekday-{wd}")));
    private_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &HoursPage {
            ctx,
            hall,
            rows,
            error,
            saved: false,
        },
    )
}

/// Why a week was not saved: a bad day, or the database.
#[derive(Debug)]
enum HoursRefused {
    Day(i32),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for HoursRefused {
    fn from(e: diesel::result::Error) -> Self {
        HoursRefused::Db(e)
    }
}

impl Refusal for HoursRefused {
    fn refusal(&self) -> (AuditResult, String) {
        match self {
            HoursRefused::Day(_) => (AuditResult::Failed, "invalid_hours".into()),
            HoursRefused::Db(_) => (AuditResult::Failed, "internal".into()),
        }
    }
}

/// What was typed, for showing the form again.
fn parse_week_lenient(hall: HallId, fields: &[(String, String)]) -> Vec<OpeningHours> {
    let get = |wd: i32, i: i32| {
        fields
            .iter()
            .find(|(k, _)| *k == format!("d{wd}_{i}"))
            .and_then(|(_, v)| NaiveTime::parse_from_str(v.trim(), "%H:%M").ok())
    };
    (1..=7)
        .map(|wd| OpeningHours {
            hall_id: hall,
            weekday: wd,
            morning_start: get(wd, 0),
            morning_end: get(wd, 1),
            afternoon_start: get(wd, 2),
            afternoon_end: get(wd, 3),
        })
        .collect()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(hours_page).service(hours_save);
}
