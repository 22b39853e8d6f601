//! Kiosks and calling boards (`/admin/devices`): an administrator issues a
//! device its token (shown once), sees when each was last heard from, and
//! revokes one that is lost or replaced. Issue and revoke are audited in
//! the same transaction.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::accounts::device::{self, Device, DeviceKind};
use crate::audit::{Entry, audited};
use crate::clock::format_local;
use crate::db::ids::{DeviceId, HallId};
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::hall::repo as hall_repo;
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

pub struct DeviceRow {
    pub id: i32,
    pub name: String,
    pub kind: &'static str,
    pub hall: String,
    pub created: String,
    pub last_seen: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "admin/devices.html")]
struct DevicesPage {
    ctx: PageCtx,
    rows: Vec<DeviceRow>,
    halls: Vec<Hall>,
    form: IssueForm,
    errors: Vec<(&'static str, String)>,
    message: String,
}

impl DevicesPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
    }
}

#[derive(Template)]
#[template(path = "admin/device_issued.html")]
struct IssuedPage {
    ctx: PageCtx,
    name: String,
    kind: &'static str,
    hall: String,
    token: String,
}

#[derive(Deserialize, Default, Clone)]
struct IssueForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    hall_id: String,
}

fn kind_key(k: DeviceKind) -> &'static str {
    match k {
        DeviceKind::Kiosk => "admin-device-kiosk",
        DeviceKind::Board => "admin-device-board",
    }
}

async fn view(
    state: &AppState,
    ctx: PageCtx,
    form: IssueForm,
    errors: FieldErrors,
    message: String,
) -> Result<DevicesPage, AppError> {
    let tz = state.tz();
    state
        .db
        .run(move |conn| -> AppResult<_> {
            let halls = hall_repo::list_halls(conn)?;
            let name_of = |h: HallId| {
                halls
                    .iter()
                    .find(|x| x.id == h)
                    .map(|x| x.name.clone())
                    .unwrap_or_default()
            };
            let when = |t: Option<chrono::NaiveDateTime>| {
                t.map(|t| format_local(t, tz)).unwrap_or_default()
            };
            let rows = device::list(conn, None)?
                .into_iter()
                .map(|d: Device| DeviceRow {
                    id: d.id.0,
                    kind: kind_key(d.kind),
                    hall: name_of(d.hall_id),
                    created: when(Some(d.created_at)),
                    last_seen: when(d.last_seen_at),
                    revoked: when(d.revoked_at),
                    name: d.name,
                })
                .collect();
            Ok(DevicesPage {
                ctx,
                rows,
                halls,
                form,
                errors,
                message,
            })
        })
        .await
}

#[get("/admin/devices")]
async fn devices_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let message = if q.contains_key("revoked") {
        ctx.t("admin-device-revoked")
    } else {
        String::new()
    };
    let page = view(&state, ctx, IssueForm::default(), Vec::new(), message).await?;
    private_page(StatusCode::OK, &page)
}

/// What is wrong with a form, per field.
type FieldErrors = Vec<(&'static str, String)>;

/// The form's values, or what is wrong with each.
fn checked(
    ctx: &PageCtx,
    form: &IssueForm,
    halls: &[Hall],
) -> Result<(String, DeviceKind, Hall), FieldErrors> {
    let mut errors = Vec::new();
    let name = crate::text::clean_line(&form.name, 41);
    if name.is_empty() || name.chars().count() > 40 {
        errors.push(("name", ctx.t("admin-device-name-invalid")));
    }
    let kind = form.kind.parse::<DeviceKind>().ok();
    if kind.is_none() {
        errors.push(("kind", ctx.t("admin-device-kind-invalid")));
    }
    let hall = form
        .hall_id
        .trim()
        .parse::<HallId>()
        .ok()
        .and_then(|h| halls.iter().find(|x| x.id == h).cloned());
    if hall.is_none() {
        errors.push(("hall_id", ctx.t("admin-device-hall-invalid")));
    }
    match (kind, hall) {
        (Some(k), Some(h)) if errors.is_empty() => Ok((name, k, h)),
        _ => Err(errors),
    }
}

#[post("/admin/devices")]
async fn issue(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<IssueForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let form = form.into_inner();
    let halls = state
        .db
        .run(|conn| -> AppResult<_> { Ok(hall_repo::list_halls(conn)?) })
        .await?;
    let (name, kind, hall) = match checked(&ctx, &form, &halls) {
        Ok(v) => v,
        Err(errors) => {
            let page = view(&state, ctx, form, errors, String::new()).await?;
            return private_page(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (now, by) = (state.clock.now_utc(), scope.account.id);
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.device.issue",
        format!("hall:{}", hall.id),
    );
    let n = name.clone();
    let (_, token) = state
        .db
        .run(move |conn| {
            audited(conn, &entry, now, |conn| -> AppResult<_> {
                Ok(device::issue(conn, hall.id, kind, &n, by, now)?)
            })
        })
        .await?;
    let page = IssuedPage {
        kind: kind_key(kind),
        hall: hall.name,
        name,
        token,
        ctx,
    };
    private_page(StatusCode::OK, &page)
}

#[post("/admin/devices/{id}/revoke")]
async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    id: web::Path<DeviceId>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let id = id.into_inner();
    let now = state.clock.now_utc();
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.device.revoke",
        format!("device:{id}"),
    );
    state
        .db
        .run(move |conn| {
            audited(conn, &entry, now, |conn| -> AppResult<_> {
                device::find(conn, id)?.ok_or(AppError::NotFound)?;
                Ok(device::revoke(conn, id, now)?)
            })
        })
        .await?;
    Ok(see_other("/admin/devices?revoked=1"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(devices_page).service(issue).service(revoke);
}
