//! `/admin/halls`: the halls (their place in the four-level network,
//! booking rules and capacity). The rules themselves are [`crate::hall::edit`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::audit::{AuditResult, Entry, Refusal, audited};
use crate::clock::local;
use crate::db::ids::HallId;
use crate::db::schema::halls;
use crate::error::{AppError, AppResult};
use crate::hall::edit::{HallError, HallForm, save_hall};
use crate::hall::models::{Hall, HallLevel};
use crate::hall::repo as hall_repo;
use crate::web::forms::{FormErrors, private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

#[derive(Template)]
#[template(path = "admin/halls.html")]
struct HallsPage {
    ctx: PageCtx,
    halls: Vec<Hall>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct Saved {
    pub saved: Option<String>,
}

#[get("/admin/halls")]
async fn halls_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<Saved>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let halls = state
        .db
        .run(|conn| -> AppResult<_> {
            Ok(halls::table
                .order(halls::id)
                .select(Hall::as_select())
                .load(conn)?)
        })
        .await?;
    private_page(
        StatusCode::OK,
        &HallsPage {
            ctx,
            halls,
            saved: q.saved.is_some(),
        },
    )
}

#[derive(Template)]
#[template(path = "admin/hall_form.html")]
struct HallFormPage {
    ctx: PageCtx,
    id: Option<i32>,
    form: HallForm,
    errors: FormErrors,
    parents: Vec<Hall>,
}

impl HallFormPage {
    fn levels(&self) -> Vec<(String, String)> {
        HallLevel::ALL
            .iter()
            .map(|l| {
                (
                    l.as_str().to_string(),
                    self.ctx.t(&format!("level-{}", l.as_str())),
                )
            })
            .collect()
    }
}

#[get("/admin/halls/new")]
async fn hall_new(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let parents = state
        .db
        .run(|conn| -> AppResult<_> { Ok(hall_repo::list_halls(conn)?) })
        .await?;
    let form = HallForm::new_hall();
    private_page(
        StatusCode::OK,
        &HallFormPage {
            ctx,
            id: None,
            form,
            errors: FormErrors::default(),
            parents,
        },
    )
}

#[get("/admin/halls/{id}")]
async fn hall_edit(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<HallId>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let id = id.into_inner();
    let (hall, parents) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall: Hall = halls::table
                .find(id)
                .select(Hall::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            Ok((hall, hall_repo::list_halls(conn)?))
        })
        .await?;
    let parents = parents.into_iter().filter(|h| h.id != hall.id).collect();
    private_page(
        StatusCode::OK,
        &HallFormPage {
            ctx,
            id: Some(id.0),
            form: HallForm::of(&hall),
            errors: FormErrors::default(),
            parents,
        },
    )
}

async fn save_hall_page(
    state: &AppState,
    req: &HttpRequest,
    ctx: PageCtx,
    scope: Scope,
    id: Option<HallId>,
    form: HallForm,
) -> Result<HttpResponse, AppError> {
    let (now, tz) = (state.clock.now_utc(), state.tz());
    let today = local(now, tz).date();
    let entry = Entry::new(
        scope.account.actor(&client_ip(req)),
        "admin.hall.save",
        format!("hall:{}", id.map_or(0, |i| i.0)),
    );
    let (saved, form, parents) = state
        .db
        .run(move |conn| -> AppResult<_> {
            // More places (a capacity raise) go to the waiting list at once,
            // in the same transaction as the change.
            let saved = audited(conn, &entry, now, |conn| {
                let id = save_hall(conn, id, &form, today)?;
                crate::booking::waitlist::fill::offer_free_places(conn, id, now, tz)?;
                Ok::<_, HallError>(id)
            });
            Ok((saved, form, hall_repo::list_halls(conn)?))
        })
        .await?;
    let errors = match saved {
        Ok(_) => return Ok(see_other("/admin/halls?saved=1")),
        Err(HallError::Invalid(keys)) => FormErrors::from_keys(ctx.lang, &keys),
        Err(HallError::Capacity(most, new)) => {
            let mut e = FormErrors::default();
            e.add(
                "slot_capacity",
                ctx.lang.t_args(
                    "admin-error-capacity",
                    &[("most", most.into()), ("new", new.into())],
                ),
            );
            e
        }
        Err(HallError::Db(e)) => return Err(e.into()),
    };
    private_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &HallFormPage {
            ctx,
            id: id.map(|i| i.0),
            form,
            errors,
            parents,
        },
    )
}

#[post("/admin/halls")]
async fn hall_create(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<HallForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    save_hall_page(&state, &req, ctx, scope, None, form.into_inner()).await
}

#[post("/admin/halls/{id}")]
async fn hall_update(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<HallId>,
    form: web::Form<HallForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    save_hall_page(
        &state,
        &req,
        ctx,
        scope,
        Some(id.into_inner()),
        form.into_inner(),
    )
    .await
}

/// A refused hall save is `failed` with the detail `invalid` (the form
/// shows why).
impl Refusal for HallError {
    fn refusal(&self) -> (AuditResult, String) {
        match self {
            HallError::Db(_) => (AuditResult::Failed, "internal".into()),
            _ => (AuditResult::Failed, "invalid".into()),
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(halls_page)
        .service(hall_new)
        .service(hall_create)
        .service(hall_edit)
        .service(hall_update);
}
