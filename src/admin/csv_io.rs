//! Catalogue import and export pages: the files themselves are the
//! catalogue's ([`crate::catalog::sheet`], [`crate::catalog::import`]).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::audit::{AuditResult, Entry, Refusal, audited};
use crate::catalog::export::export;
use crate::catalog::import::{ImportError, Summary, import};
use crate::catalog::sheet::{BadRow, Kind};
use crate::clock::local;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::web::forms::private_page;
use crate::web::spreadsheet::csv_response;
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

/// A refused file is `failed` with the detail `invalid`; the page names
/// the line and column.
impl Refusal for ImportError {
    fn refusal(&self) -> (AuditResult, String) {
        (AuditResult::Failed, "invalid".into())
    }
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    ctx: PageCtx,
    kinds: Vec<(String, bool)>,
    text: String,
    summary: Option<Summary>,
    applied: bool,
    error: String,
}

async fn import_form(ctx: PageCtx, identity: Identity) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let kinds = Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), *k == Kind::Items))
        .collect();
    private_page(
        StatusCode::OK,
        &ImportPage {
            ctx,
            kinds,
            text: String::new(),
            summary: None,
            applied: false,
            error: String::new(),
        },
    )
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    apply: Option<String>,
}

async fn import_post(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<ImportForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let form = form.into_inner();
    let kind: Kind = form
        .kind
        .parse()
        .map_err(|_| AppError::invalid("invalid_kind", "unknown file kind"))?;
    let apply = form.apply.is_some();
    let now = state.clock.now_utc();
    let today = local(now, state.tz()).date();
    let text = form.text.clone();
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.catalogue.import",
        kind.as_str(),
    );
    let result = state
        .db
        .run(move |conn| -> AppResult<_> {
            let booked =
                |c: &mut DbConn, w, s| crate::booking::repo::future_bookings(c, today, w, s);
            Ok(if apply {
                audited(conn, &entry, now, |conn| {
                    import(conn, kind, &text, &booked, true)
                })
            } else {
                import(conn, kind, &text, &booked, false)
            })
        })
        .await?;
    let kinds = Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), *k == kind))
        .collect();
    match result {
        Ok(summary) => private_page(
            StatusCode::OK,
            &ImportPage {
                ctx,
                kinds,
                text: if apply { String::new() } else { form.text },
                summary: Some(summary),
                applied: apply,
                error: String::new(),
            },
        ),
        Err(ImportError::Row(BadRow { line, column, key })) => {
            let error = ctx.lang.t_args(
                "import-error-at",
                &[
                    ("line", (line as i64).into()),
                    ("column", column.into()),
                    ("problem", ctx.t(key).into()),
                ],
            );
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ImportPage {
                    ctx,
                    kinds,
                    text: form.text,
                    summary: None,
                    applied: false,
                    error,
                },
            )
        }
        Err(ImportError::Db(f)) => Err(f.into()),
        Err(ImportError::DryRun(_)) => Err(AppError::Internal("dry run escaped".into())),
    }
}

#[get("/admin/export/{file}")]
async fn export_file(
    state: web::Data<AppState>,
    identity: Identity,
    file: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let name = file.into_inner();
    let kind: Kind = name
        .strip_suffix(".csv")
        .and_then(|k| k.parse().ok())
        .ok_or(AppError::NotFound)?;
    let rows = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(export(conn, kind)?) })
        .await?;
    csv_response(&name, rows)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export_file).service(
        web::resource("/admin/import")
            .app_data(web::FormConfig::default().limit(4 * 1024 * 1024))
            .route(web::get().to(import_form))
            .route(web::post().to(import_post)),
    );
}
