//! The one flow of every admin form: find the record (ownership checked by
//! [`Scope`]), save it through its feature's write path with its audit row
//! in the same transaction, then go back to the list — or show the form
//! again with the messages. Departments, windows and items each describe
//! themselves as an [`Editor`]; the routes below serve them all.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Scope;
use crate::accounts::Identity;
use crate::audit::{AuditResult, Entry, Refusal, audited};
use crate::catalog::edit::SaveError;
use crate::clock::local;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::hall::models::Hall;
use crate::web::forms::{FormErrors, private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

/// A refused save is `failed`: `invalid` when the person can fix it (the
/// form shows why), otherwise the error's code.
impl Refusal for SaveError {
    fn refusal(&self) -> (AuditResult, String) {
        let detail = match self {
            SaveError::Invalid(_) | SaveError::Stranded(..) => "invalid",
            SaveError::NotFound => "not_found",
            SaveError::Db(_) => "internal",
        };
        (AuditResult::Failed, detail.into())
    }
}

/// A refusal as messages beside the fields; not-found and database
/// failures stay errors.
pub fn form_errors(ctx: &PageCtx, e: SaveError) -> Result<FormErrors, AppError> {
    match e {
        SaveError::Invalid(keys) => Ok(FormErrors::from_keys(ctx.lang, &keys)),
        SaveError::Stranded(key, n) => {
            let mut errors = FormErrors::default();
            errors.add("active", ctx.tn(key, n));
            Ok(errors)
        }
        SaveError::NotFound => Err(AppError::NotFound),
        SaveError::Db(f) => Err(f.into()),
    }
}

/// When a save happens: the hall's day and the instant.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub today: NaiveDate,
    pub now: NaiveDateTime,
}

impl Moment {
    pub fn of(state: &AppState) -> Moment {
        let now = state.clock.now_utc();
        Moment {
            today: local(now, state.tz()).date(),
            now,
        }
    }
}

/// A kind of record with an admin form.
pub trait Editor: 'static {
    type Id: Copy + Send + std::fmt::Display + DeserializeOwned + 'static;
    type Form: Clone + Send + DeserializeOwned + 'static;
    type Page: Template + Send + 'static;
    type List: Template + Send + 'static;
    /// The list page, e.g. `/admin/departments`; the form is at `LIST/new`
    /// and `LIST/{id}`.
    const LIST: &'static str;
    /// The audit action, e.g. `admin.department.save`.
    const ACTION: &'static str;
    /// The audit target's kind, e.g. `department`.
    const TARGET: &'static str;
    /// Only administrators create records of this kind.
    const ADMIN_CREATES: bool;

    /// The list page of the hall.
    fn list(
        conn: &mut DbConn,
        scope: &Scope,
        hall: Hall,
        q: &ListQuery,
        ctx: PageCtx,
    ) -> AppResult<Self::List>;
    /// An existing record's form and hall; ownership is checked here.
    fn load(conn: &mut DbConn, scope: &Scope, id: Self::Id) -> AppResult<(Self::Form, Hall)>;
    /// The hall of a record, ownership checked.
    fn hall_of(conn: &mut DbConn, scope: &Scope, id: Self::Id) -> AppResult<Hall> {
        Ok(Self::load(conn, scope, id)?.1)
    }
    /// A new record's form.
    fn blank(scope: &Scope) -> Self::Form;
    fn save(conn: &mut DbConn, at: &At<Self::Id>, form: &Self::Form)
    -> Result<Self::Id, SaveError>;
    /// The form page: new, edit, or again with the messages.
    fn page(
        conn: &mut DbConn,
        at: &At<Self::Id>,
        ctx: PageCtx,
        form: Self::Form,
        errors: FormErrors,
    ) -> AppResult<Self::Page>;
}

/// Where a form is: who edits, in which hall, which record (`None`: a new
/// one), and when.
pub struct At<'a, Id> {
    pub scope: &'a Scope,
    pub hall: &'a Hall,
    pub id: Option<Id>,
    pub moment: Moment,
}

#[derive(Deserialize, Default)]
pub struct HallField {
    pub hall: Option<String>,
}

/// A list page's query: the hall, "saved" after a save, and the filters
/// the item list offers.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub hall: Option<String>,
    pub saved: Option<String>,
    pub department: Option<String>,
    pub q: Option<String>,
}

async fn list<E: Editor>(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = scope.hall_for(conn, q.hall.as_deref())?;
            E::list(conn, &scope, hall, &q, ctx)
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

fn creator<E: Editor>(identity: &Identity) -> Result<Scope, AppError> {
    if E::ADMIN_CREATES {
        Scope::admin(identity)
    } else {
        Scope::of(identity)
    }
}

async fn new_form<E: Editor>(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<HallField>,
) -> Result<HttpResponse, AppError> {
    let scope = creator::<E>(&identity)?;
    let moment = Moment::of(&state);
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = scope.hall_for(conn, q.hall.as_deref())?;
            let at = At {
                scope: &scope,
                hall: &hall,
                id: None,
                moment,
            };
            E::page(conn, &at, ctx, E::blank(&scope), FormErrors::default())
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

async fn edit_form<E: Editor>(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<E::Id>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id = id.into_inner();
    let moment = Moment::of(&state);
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let (form, hall) = E::load(conn, &scope, id)?;
            let at = At {
                scope: &scope,
                hall: &hall,
                id: Some(id),
                moment,
            };
            E::page(conn, &at, ctx, form, FormErrors::default())
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

async fn save<E: Editor>(
    state: &AppState,
    req: &HttpRequest,
    ctx: PageCtx,
    scope: Scope,
    id: Option<E::Id>,
    hall_raw: Option<String>,
    form: E::Form,
) -> Result<HttpResponse, AppError> {
    let moment = Moment::of(state);
    let now = moment.now;
    let target = id.map_or_else(|| "0".to_string(), |i| i.to_string());
    let entry = Entry::new(
        scope.account.actor(&client_ip(req)),
        E::ACTION,
        format!("{}:{target}", E::TARGET),
    );
    let outcome = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = match id {
                Some(id) => E::hall_of(conn, &scope, id)?,
                None => scope.hall_for(conn, hall_raw.as_deref())?,
            };
            let at = At {
                scope: &scope,
                hall: &hall,
                id,
                moment,
            };
            match audited(conn, &entry, now, |conn| E::save(conn, &at, &form)) {
                Ok(_) => Ok(Err(hall.id)),
                Err(e) => {
                    let errors = form_errors(&ctx, e)?;
                    Ok(Ok(E::page(conn, &at, ctx, form, errors)?))
                }
            }
        })
        .await?;
    match outcome {
        Err(hall) => Ok(see_other(&format!("{}?hall={hall}&saved=1", E::LIST))),
        Ok(page) => private_page(StatusCode::UNPROCESSABLE_ENTITY, &page),
    }
}

async fn create<E: Editor>(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<E::Form>,
    h: web::Query<HallField>,
) -> Result<HttpResponse, AppError> {
    let scope = creator::<E>(&identity)?;
    save::<E>(
        &state,
        &req,
        ctx,
        scope,
        None,
        h.into_inner().hall,
        form.into_inner(),
    )
    .await
}

async fn update<E: Editor>(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<E::Id>,
    form: web::Form<E::Form>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    save::<E>(
        &state,
        &req,
        ctx,
        scope,
        Some(id.into_inner()),
        None,
        form.into_inner(),
    )
    .await
}

/// The list (the editor's own page), the new and edit forms and their saves.
pub fn routes<E: Editor>(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(E::LIST)
            .route(web::get().to(list::<E>))
            .route(web::post().to(create::<E>)),
    )
    .service(web::resource(format!("{}/new", E::LIST)).route(web::get().to(new_form::<E>)))
    .service(
        web::resource(format!("{}/{{id}}", E::LIST))
            .route(web::get().to(edit_form::<E>))
            .route(web::post().to(update::<E>)),
    );
}
