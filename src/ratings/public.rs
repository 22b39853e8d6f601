//! `/ratings`: the published 好差评 figures of a hall, by department for a
//! period and month by month over the last year — for anyone to read.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use super::summary::{self, DepartmentFigures};
use crate::error::{AppError, AppResult};
use crate::hall::models::{Hall, picker};
use crate::hall::repo as hall_repo;
use crate::web::{AppState, PageCtx};

/// One month's figures of the hall as a whole.
pub struct MonthRow {
    pub month: String,
    pub ratings: i64,
    pub satisfaction: String,
    pub bad: i64,
    pub rectified: String,
    pub called_back: String,
}

#[derive(Template)]
#[template(path = "ratings/public.html")]
struct RatingsPage {
    ctx: PageCtx,
    hall: Hall,
    halls: Vec<Hall>,
    from: String,
    to: String,
    departments: Vec<DepartmentFigures>,
    months: Vec<MonthRow>,
    error: String,
}

impl RatingsPage {
    fn pct(&self, x: &f64) -> String {
        format!("{:.1}%", x * 100.0)
    }

    /// A department's count of one grade ("1" … "5").
    fn grade(&self, d: &DepartmentFigures, g: &str) -> i64 {
        d.by_grade.get(g).copied().unwrap_or(0)
    }
}

#[derive(Deserialize, Default)]
struct Query {
    hall: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn pct(a: i64, b: i64) -> String {
    if b == 0 {
        "—".to_string()
    } else {
        format!("{:.1}%", a as f64 / b as f64 * 100.0)
    }
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

#[get("/ratings")]
async fn ratings_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    q: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    let tz = state.tz();
    let today = state.clock.today_in(tz);
    let q = q.into_inner();
    let parse = |v: &Option<String>| {
        v.as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
    };
    let (mut from, mut to) = (
        parse(&q.from).unwrap_or(month_start(today)),
        parse(&q.to).unwrap_or(today),
    );
    let mut error = String::new();
    if to < from || (to - from).num_days() > 800 {
        error = ctx.t("ratings-bad-period");
        (from, to) = (month_start(today), today);
    }
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let all = hall_repo::list_halls(conn)?;
            let hall = match q.hall.as_deref().and_then(|h| h.parse().ok()) {
                Some(h) => hall_repo::find_hall(conn, h)?,
                None => hall_repo::default_hall(conn)?,
            }
            .ok_or(AppError::NotFound)?;
            let halls = picker(&all, hall.id).into_iter().cloned().collect();
            let departments = summary::figures(conn, Some(hall.id), from, to, tz)?;
            let mut months = Vec::new();
            let mut start = month_start(today);
            for _ in 0..12 {
                let end =
                    (start + Duration::days(32)).with_day(1).unwrap_or(start) - Duration::days(1);
                let all = summary::figures(conn, Some(hall.id), start, end.min(today), tz)?;
                let sum = |f: fn(&DepartmentFigures) -> i64| all.iter().map(f).sum::<i64>();
                let total = sum(|d| d.ratings);
                let good = sum(|d| {
                    d.by_grade.get("3").copied().unwrap_or(0)
                        + d.by_grade.get("4").copied().unwrap_or(0)
                        + d.by_grade.get("5").copied().unwrap_or(0)
                });
                let bad = sum(|d| d.bad);
                let called = all
                    .iter()
                    .map(|d| (d.follow_up_rate * d.bad as f64).round() as i64)
                    .sum::<i64>();
                months.push(MonthRow {
                    month: start.format("%Y-%m").to_string(),
                    ratings: total,
                    satisfaction: pct(good, total),
                    bad,
                    rectified: pct(sum(|d| d.bad_rectified), bad),
                    called_back: pct(called, bad),
                });
                start = month_start(start - Duration::days(1));
            }
            Ok(RatingsPage {
                ctx,
                hall,
                halls,
                from: from.to_string(),
                to: to.to_string(),
                departments,
                months,
                error,
            })
        })
        .await?;
    Ok(HttpResponse::build(StatusCode::OK)
        .content_type("text/html; charset=utf-8")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=300",
        ))
        .body(askama::Template::render(&page)?))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(ratings_page);
}
