//! `/admin/items/{id}/files`: an item's blank forms and filled-in examples,
//! uploaded and removed by the staff who own the item, each audited.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;

use super::Scope;
use super::editor::{At, Editor, Moment, form_errors};
use super::items::Items;
use crate::accounts::Identity;
use crate::audit::{Entry, audited};
use crate::catalog::edit::SaveError;
use crate::catalog::files::{MAX_FILE_BYTES, Upload, add_file, delete_file};
use crate::db::ids::{FileId, ServiceId};
use crate::error::{AppError, AppResult};
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

/// The most parts a file form has (title, kind, file and the token).
const MAX_PARTS: usize = 8;

/// Reads the upload form; a part too large or unreadable is a refusal
/// the form names, not a failure.
async fn read_upload(mut payload: Multipart) -> Result<Upload, SaveError> {
    let refused = || SaveError::Invalid(vec![("file", "admin-error-file")]);
    let mut up = Upload::default();
    let mut parts = 0;
    while let Some(field) = payload.next().await {
        parts += 1;
        let mut field = field.map_err(|_| refused())?;
        if parts > MAX_PARTS {
            return Err(refused());
        }
        let name = field.name().unwrap_or_default().to_string();
        let limit = if name == "file" {
            MAX_FILE_BYTES + 1
        } else {
            4096
        };
        let bytes = match field.bytes(limit).await {
            Ok(Ok(b)) => b,
            _ => return Err(refused()),
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "title" => up.title = text(),
            "kind" => up.kind = text(),
            "file" => {
                up.file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or_default()
                    .to_string();
                up.content = bytes.to_vec();
            }
            _ => {}
        }
    }
    Ok(up)
}

#[post("/admin/items/{id}/files")]
async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<ServiceId>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let id = id.into_inner();
    let read = read_upload(payload).await;
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.item.file.add",
        format!("service:{id}"),
    );
    let moment = Moment::of(&state);
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let (form, hall) = Items::load(conn, &scope, id)?;
            let added = audited(conn, &entry, moment.now, |conn| {
                add_file(conn, id, &read?, moment.now)
            });
            match added {
                Ok(_) => Ok(None),
                Err(e) => {
                    let errors = form_errors(&ctx, e)?;
                    let at = At {
                        scope: &scope,
                        hall: &hall,
                        id: Some(id),
                        moment,
                    };
                    Ok(Some(Items::page(conn, &at, ctx, form, errors)?))
                }
            }
        })
        .await?;
    match page {
        None => Ok(see_other(&format!("/admin/items/{id}#files-title"))),
        Some(page) => private_page(StatusCode::UNPROCESSABLE_ENTITY, &page),
    }
}

#[post("/admin/items/{id}/files/{file}/delete")]
async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    path: web::Path<(ServiceId, FileId)>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::of(&identity)?;
    let (id, file) = path.into_inner();
    let entry = Entry::new(
        scope.account.actor(&client_ip(&req)),
        "admin.item.file.delete",
        format!("service:{id}"),
    );
    let now = Moment::of(&state).now;
    state
        .db
        .run(move |conn| -> AppResult<_> {
            Items::load(conn, &scope, id)?;
            audited(conn, &entry, now, |conn| delete_file(conn, id, file)).map_err(|e| match e {
                SaveError::Db(f) => f.into(),
                _ => AppError::NotFound,
            })
        })
        .await?;
    Ok(see_other(&format!("/admin/items/{id}#files-title")))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload).service(delete);
}
