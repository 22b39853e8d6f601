//! `/admin/cases.csv`: the hall's 办件 data as the provincial exchange
//! tables, one table a download. Handing data upward is recorded in the
//! audit log, with the table and the period.

use actix_web::{HttpRequest, HttpResponse, get, web};

use super::Scope;
use super::stats_pages::{StatsQuery, filter_for};
use crate::accounts::Identity;
use crate::audit::{AuditResult, Entry};
use crate::cases::exchange::{self, ExchangeTable, Period};
use crate::clock::local;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::spreadsheet::csv_response;
use crate::web::throttle::client_ip;

#[get("/admin/cases.csv")]
async fn cases_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    q: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let q = q.into_inner();
    let table: ExchangeTable = q.table.parse().map_err(|_| AppError::NotFound)?;
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let today = local(now, tz).date();
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "cases.export",
        format!("exchange:{}", table.as_str()),
    );
    let rows = state
        .db
        .run(move |conn| {
            let (f, hall, _) = filter_for(conn, &scope, &q, today)?;
            let period = Period {
                hall: hall.id,
                department: f.department,
                from: f.from,
                to: f.to,
                tz,
            };
            // Read first, outside the write lock; nothing is sent unless
            // the export's audit row is written.
            let rows = exchange::rows(conn, table, &period)?;
            let detail = format!("{} – {}, {} rows", f.from, f.to, rows.len() - 1);
            crate::audit::record(
                conn,
                &entry.actor,
                &entry.action,
                &entry.target,
                AuditResult::Ok,
                &detail,
                now,
            )?;
            Ok::<_, AppError>(rows)
        })
        .await?;
    csv_response(&format!("cases-{}.csv", table.as_str()), rows)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(cases_csv);
}
