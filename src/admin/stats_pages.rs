//! `/admin/stats`: the statistics dashboard with charts and CSV exports.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use super::stats::{self, Report, StatsFilter, WAIT_BUCKETS};
use super::svg::{Series, stacked_bars};
use crate::accounts::Identity;
use crate::catalog::models::{Department, ServiceItem, Window};
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, ServiceId, WindowId};
use crate::db::schema::{service_items, windows};
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::web::forms::private_page;
pub use crate::web::spreadsheet::csv_response;
use crate::web::{AppState, PageCtx};

#[derive(Deserialize, Default, Clone)]
pub struct StatsQuery {
    #[serde(default)]
    pub hall: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub window: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Which table `stats.csv` exports: days (default), waits, ratings,
    /// cases or summary.
    #[serde(default)]
    pub table: String,
}

/// The longest period one report covers.
const MAX_PERIOD_DAYS: i64 = 400;

/// The period asked for, and what the page must tell the reader when it
/// differs: an unreadable date falls back to the last 30 days, reversed
/// dates are put in order, and a period longer than 400 days is cut to its
/// last 400.
fn period(from: &str, to: &str, today: NaiveDate) -> (NaiveDate, NaiveDate, Option<&'static str>) {
    let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d");
    let (from, to) = (from.trim(), to.trim());
    let (f, t) = (parse(from), parse(to));
    if (!from.is_empty() && f.is_err()) || (!to.is_empty() && t.is_err()) {
        return (today - Duration::days(29), today, Some("stats-bad-date"));
    }
    let t = t.unwrap_or(today);
    let f = f.unwrap_or(t - Duration::days(29));
    let (f, t) = if f > t { (t, f) } else { (f, t) };
    if (t - f).num_days() >= MAX_PERIOD_DAYS {
        return (
            t - Duration::days(MAX_PERIOD_DAYS - 1),
            t,
            Some("stats-period-limited"),
        );
    }
    (f, t, None)
}

/// The filter a manager may use: a department admin is held to their
/// department whatever the query says; the period is at most 400 days.
pub(super) fn filter_for(
    conn: &mut DbConn,
    scope: &Scope,
    q: &StatsQuery,
    today: NaiveDate,
) -> Result<(StatsFilter, Hall, Option<&'static str>), AppError> {
    let hall = scope.hall_for(conn, Some(q.hall.as_str()).filter(|h| !h.is_empty()))?;
    let (from, to, notice) = period(&q.from, &q.to, today);
    let department = scope
        .department()
        .or_else(|| q.department.parse::<DepartmentId>().ok());
    let window = q.window.parse::<WindowId>().ok();
    let service = q.service.parse::<ServiceId>().ok();
    // An id outside the manager's department is not theirs to look at.
    if let Some(w) = window {
        let d: DepartmentId = windows::table
            .find(w)
            .select(windows::department_id)
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        scope.check(d)?;
    }
    if let Some(s) = service {
        let d: DepartmentId = service_items::table
            .find(s)
            .select(service_items::department_id)
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        scope.check(d)?;
    }
    Ok((
        StatsFilter {
            hall: Some(hall.id),
            department,
            window,
            service,
            from,
            to,
        },
        hall,
        notice,
    ))
}

pub(super) fn day_start(tz: chrono_tz::Tz) -> impl Fn(NaiveDate) -> NaiveDateTime {
    move |d| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.naive_utc())
            .unwrap_or_default()
    }
}

/// "0–5", "5–10" … "≥60": the wait-distribution bars, in minutes.
pub(super) fn wait_labels() -> Vec<String> {
    WAIT_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let lo = if i == 0 { 0 } else { WAIT_BUCKETS[i - 1] };
            if *b == i64::MAX {
                format!("≥{lo}")
            } else {
                format!("{lo}–{b}")
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/stats.html")]
struct StatsPage {
    ctx: PageCtx,
    q: StatsQuery,
    hall: Hall,
    from: String,
    to: String,
    r: Report,
    daily_chart: String,
    wait_chart: String,
    wait_labels: Vec<String>,
    departments: Vec<Department>,
    windows: Vec<Window>,
    items: Vec<ServiceItem>,
    department: Option<i32>,
    admin: bool,
    csv_query: String,
    /// Why the period shown differs from the one asked for, if it does.
    notice: String,
}

impl StatsPage {
    fn pct(&self, v: &f64) -> String {
        format!("{:.1}%", v * 100.0)
    }
    fn minutes(&self, v: &f64) -> String {
        format!("{v:.1}")
    }
}

/// The daily and the waiting-time charts, with the wait buckets' labels.
fn charts(ctx: &PageCtx, r: &Report) -> (String, String, Vec<String>) {
    let labels: Vec<String> = r
        .days
        .iter()
        .map(|d| d.date.format("%m-%d").to_string())
        .collect();
    let daily_chart = stacked_bars(
        &ctx.t("stats-chart-daily"),
        &labels,
        &[
            Series {
                name: &ctx.t("stats-check-ins"),
                class: "s1",
                values: r.days.iter().map(|d| d.check_ins).collect(),
            },
            Series {
                name: &ctx.t("stats-walk-ins"),
                class: "s2",
                values: r.days.iter().map(|d| d.walk_ins).collect(),
            },
        ],
    );
    let wait_labels = wait_labels();
    let wait_chart = stacked_bars(
        &ctx.t("stats-chart-wait"),
        &wait_labels,
        &[Series {
            name: &ctx.t("stats-tickets"),
            class: "s3",
            values: r.wait_histogram.clone(),
        }],
    );
    (daily_chart, wait_chart, wait_labels)
}

/// The windows and items of the chosen department, for the filters.
fn choices(
    conn: &mut DbConn,
    department: Option<DepartmentId>,
) -> QueryResult<(Vec<Window>, Vec<ServiceItem>)> {
    let Some(d) = department else {
        return Ok((Vec::new(), Vec::new()));
    };
    Ok((
        windows::table
            .filter(windows::department_id.eq(d))
            .order(windows::number)
            .select(Window::as_select())
            .load(conn)?,
        service_items::table
            .filter(service_items::department_id.eq(d))
            .order(service_items::code)
            .select(ServiceItem::as_select())
            .load(conn)?,
    ))
}

/// The filter as the CSV links' query.
fn csv_query(f: &StatsFilter) -> String {
    serde_urlencoded::to_string([
        ("hall", f.hall.map(|h| h.to_string()).unwrap_or_default()),
        (
            "department",
            f.department.map(|h| h.to_string()).unwrap_or_default(),
        ),
        (
            "window",
            f.window.map(|h| h.to_string()).unwrap_or_default(),
        ),
        (
            "service",
            f.service.map(|h| h.to_string()).unwrap_or_default(),
        ),
        ("from", f.from.to_string()),
        ("to", f.to.to_string()),
    ])
    .unwrap_or_default()
}

#[get("/admin/stats")]
async fn stats_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let q = q.into_inner();
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let today = local(now, tz).date();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let (f, hall, notice) = filter_for(conn, &scope, &q, today)?;
            let r = stats::report(conn, &f, today, day_start(tz))?;
            let (daily_chart, wait_chart, wait_labels) = charts(&ctx, &r);
            let departments = scope.departments(conn, hall.id)?;
            let (windows, items) = choices(conn, f.department)?;
            let csv_query = csv_query(&f);
            Ok(StatsPage {
                notice: notice.map(|k| ctx.t(k)).unwrap_or_default(),
                from: f.from.to_string(),
                to: f.to.to_string(),
                department: f.department.map(|d| d.0),
                admin: scope.is_admin(),
                ctx,
                q,
                hall,
                r,
                daily_chart,
                wait_chart,
                wait_labels,
                departments,
                windows,
                items,
                csv_query,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(stats_page);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_read_put_in_order_and_limited() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(period("", "", today), (d("2026-10-30"), today, None));
        assert_eq!(
            period("2026-11-01", "2026-11-07", today),
            (d("2026-11-01"), d("2026-11-07"), None)
        );
        assert_eq!(
            period("2026-11-07", "2026-11-01", today),
            (d("2026-11-01"), d("2026-11-07"), None)
        );
        assert_eq!(
            period("garbage", "2026-11-07", today),
            (d("2026-10-30"), today, Some("stats-bad-date"))
        );
        assert_eq!(
            period("2020-01-01", "2026-11-27", today),
            (
                d("2025-10-24"),
                d("2026-11-27"),
                Some("stats-period-limited")
            )
        );
        // A whole year fits.
        assert_eq!(
            period("2025-11-29", "2026-11-28", today),
            (d("2025-11-29"), today, None)
        );
    }
}
