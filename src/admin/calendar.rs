//! `/admin/calendar`: the holidays and 调休 working days every hall keeps.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::audit::{Entry, audited};
use crate::clock::local;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::hall::edit::{parse_bulk, write_calendar};
use crate::hall::models::CalendarDay;
use crate::hall::repo as hall_repo;
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    ctx: PageCtx,
    year: i32,
    days: Vec<CalendarDay>,
    bulk: String,
    error: String,
    saved: bool,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    year: Option<i32>,
    saved: Option<String>,
}

fn load_year(conn: &mut DbConn, year: i32) -> QueryResult<Vec<CalendarDay>> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    hall_repo::calendar_between(conn, from, to)
}

#[get("/admin/calendar")]
async fn calendar_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let today = local(state.clock.now_utc(), state.tz()).date();
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(chrono::Datelike::year(&today));
    let days = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(load_year(conn, year)?) })
        .await?;
    private_page(
        StatusCode::OK,
        &CalendarPage {
            ctx,
            year,
            days,
            bulk: String::new(),
            error: String::new(),
            saved: q.saved.is_some(),
        },
    )
}

#[derive(Deserialize)]
struct BulkForm {
    #[serde(default)]
    bulk: String,
    year: Option<i32>,
}

#[post("/admin/calendar")]
async fn calendar_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<BulkForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let this_year = chrono::Datelike::year(&local(state.clock.now_utc(), state.tz()).date());
    let year = form
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(this_year);
    let now = state.clock.now_utc();
    match parse_bulk(&form.bulk) {
        Ok(entries) => {
            let entry = Entry::new(
                scope.account.actor(&client_ip(&req)),
                "admin.calendar.save",
                format!("{} days", entries.len()),
            );
            state
                .db
                .run(move |conn| -> AppResult<_> {
                    audited(conn, &entry, now, |conn| {
                        Ok::<_, AppError>(write_calendar(conn, &entries)?)
                    })
                })
                .await?;
            Ok(see_other(&format!("/admin/calendar?year={year}&saved=1")))
        }
        Err(line) => {
            let days = state
                .db
                .run(move |conn| -> AppResult<_> { Ok(load_year(conn, year)?) })
                .await?;
            let error = ctx.tn("admin-error-calendar-line", line as i64);
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CalendarPage {
                    ctx,
                    year,
                    days,
                    bulk: form.bulk.clone(),
                    error,
                    saved: false,
                },
            )
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(calendar_page).service(calendar_save);
}
