//! `/admin/stats.csv`: each statistics table as a spreadsheet.

use super::Scope;
use super::stats::{self, Report};
use super::stats_pages::{StatsQuery, day_start, filter_for, wait_labels};
use crate::accounts::Identity;
use crate::clock::local;
use crate::error::{AppError, AppResult};
use crate::web::spreadsheet::csv_response;
use crate::web::{AppState, PageCtx};
use actix_web::{HttpResponse, get, web};

#[get("/admin/stats.csv")]
pub(crate) async fn stats_csv(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let q = q.into_inner();
    let table = match q.table.as_str() {
        "" | "days" => "days",
        "waits" => "waits",
        "ratings" => "ratings",
        "cases" => "cases",
        "summary" => "summary",
        "waitlist" => "waitlist",
        "case_clocks" => "case_clocks",
        _ => return Err(AppError::NotFound),
    };
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let today = local(now, tz).date();
    let r = state
        .db
        .run(move |conn| -> AppResult<_> {
            let (f, _, _) = filter_for(conn, &scope, &q, today)?;
            Ok(stats::report(conn, &f, today, day_start(tz))?)
        })
        .await?;
    csv_response(
        &format!("statistics-{table}.csv"),
        table_rows(&ctx, &r, table),
    )
}

fn pair(ctx: &PageCtx, k: &str, v: String) -> Vec<String> {
    vec![ctx.t(k), v]
}

/// The figures at the top of the page, in their order there.
fn summary_rows(ctx: &PageCtx, r: &Report) -> Vec<Vec<String>> {
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    vec![
        vec![ctx.t("stats-figure"), ctx.t("stats-value")],
        pair(ctx, "stats-bookings", r.bookings.to_string()),
        pair(ctx, "stats-check-ins", r.check_ins.to_string()),
        pair(ctx, "stats-walk-ins", r.walk_ins.to_string()),
        pair(ctx, "stats-no-show-rate", pct(r.no_show_rate)),
        pair(ctx, "stats-avg-wait", format!("{:.1}", r.avg_wait_minutes)),
        pair(ctx, "stats-p90-wait", format!("{:.1}", r.p90_wait_minutes)),
        pair(
            ctx,
            "stats-avg-service",
            format!("{:.1}", r.avg_service_minutes),
        ),
        pair(ctx, "stats-satisfaction", pct(r.satisfaction_rate)),
        pair(ctx, "stats-items-served", r.items_served.to_string()),
        pair(
            ctx,
            "stats-multi-item-visits",
            r.multi_item_visits.to_string(),
        ),
    ]
}

/// 候补: entries, offers and what came of them.
fn waitlist_rows(ctx: &PageCtx, r: &Report) -> Vec<Vec<String>> {
    let w = &r.waitlist;
    vec![
        vec![ctx.t("stats-figure"), ctx.t("stats-value")],
        pair(ctx, "stats-waitlist-joined", w.joined.to_string()),
        pair(ctx, "stats-waitlist-offered", w.offered.to_string()),
        pair(ctx, "stats-waitlist-accepted", w.accepted.to_string()),
        pair(ctx, "stats-waitlist-expired", w.expired.to_string()),
        pair(ctx, "stats-waitlist-declined", w.declined.to_string()),
    ]
}

/// 按时办结率 and today's case clocks, per department.
fn case_clock_rows(ctx: &PageCtx, r: &Report) -> Vec<Vec<String>> {
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    std::iter::once(
        [
            "today-department",
            "stats-concluded",
            "stats-on-time",
            "stats-on-time-rate",
            "case-due-soon",
            "case-overdue",
            "stats-notice-overdue",
        ]
        .iter()
        .map(|k| ctx.t(k))
        .collect(),
    )
    .chain(r.case_clocks.iter().map(|c| {
        vec![
            c.name.clone(),
            c.concluded.to_string(),
            c.on_time.to_string(),
            pct(c.on_time_rate),
            c.due_soon.to_string(),
            c.overdue.to_string(),
            c.notice_overdue.to_string(),
        ]
    }))
    .collect()
}

/// One table of the statistics page as spreadsheet rows, header first.
pub(crate) fn table_rows(ctx: &PageCtx, r: &Report, table: &str) -> Vec<Vec<String>> {
    let row = |cells: &[String]| cells.to_vec();
    let pair = |k: &str, v: String| vec![ctx.t(k), v];
    match table {
        "waits" => std::iter::once(row(&[ctx.t("clerk-col-waited"), ctx.t("stats-tickets")]))
            .chain(
                wait_labels()
                    .into_iter()
                    .zip(&r.wait_histogram)
                    .map(|(l, n)| vec![l, n.to_string()]),
            )
            .collect(),
        "ratings" => std::iter::once(row(&[ctx.t("stats-ratings"), ctx.t("stats-count")]))
            .chain(
                (1..=5)
                    .rev()
                    .map(|g: usize| pair(&format!("grade-{g}"), r.ratings[g - 1].to_string())),
            )
            .chain([pair(
                "stats-satisfaction",
                format!("{:.1}%", r.satisfaction_rate * 100.0),
            )])
            .collect(),
        "cases" => std::iter::once(row(&[ctx.t("case-status"), ctx.t("stats-count")]))
            .chain(
                r.cases
                    .iter()
                    .map(|(s, n)| pair(&format!("case-{}", s.as_str()), n.to_string())),
            )
            .chain([pair("case-overdue", r.cases_overdue.to_string())])
            .collect(),
        "summary" => summary_rows(ctx, r),
        "waitlist" => waitlist_rows(ctx, r),
        "case_clocks" => case_clock_rows(ctx, r),
        _ => std::iter::once(
            [
                "stats-date",
                "stats-bookings",
                "status-cancelled",
                "status-no_show",
                "stats-check-ins",
                "stats-walk-ins",
                "stats-served",
                "stats-items-served",
            ]
            .iter()
            .map(|k| ctx.t(k))
            .collect(),
        )
        .chain(r.days.iter().map(|d| {
            vec![
                d.date.to_string(),
                d.bookings.to_string(),
                d.cancelled.to_string(),
                d.no_show.to_string(),
                d.check_ins.to_string(),
                d.walk_ins.to_string(),
                d.completed.to_string(),
                d.items_served.to_string(),
            ]
        }))
        .collect(),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(stats_csv);
}
