//! The printable 一次性补正告知书: every missing material, once.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use diesel::prelude::*;

use crate::accounts::Identity;
use crate::accounts::models::Role;
use crate::catalog::repo as catalog_repo;
use crate::db::ids::TicketId;
use crate::db::schema::windows;
use crate::error::{AppError, AppResult};
use crate::queue::calls::missing_materials;
use crate::queue::issue;
use crate::queue::models::Outcome;
use crate::web::forms::private_page;
use crate::web::{AppState, PageCtx};

#[derive(Template)]
#[template(path = "queue/notice.html")]
struct NoticePage {
    ctx: PageCtx,
    number: String,
    item: String,
    department: String,
    phone: String,
    missing: Vec<String>,
    date: String,
    window_number: i32,
}

#[get("/clerk/notice/{id}")]
pub async fn notice(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<TicketId>,
) -> Result<HttpResponse, AppError> {
    let clerk = identity.require(&[Role::Clerk])?.account.clone();
    let (id, tz) = (id.into_inner(), state.tz());
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let t = issue::find(conn, id)
                .optional()?
                .ok_or(AppError::NotFound)?;
            if t.outcome.as_deref() != Some(Outcome::Incomplete.as_str())
                || clerk.hall_id != Some(t.hall_id)
            {
                return Err(AppError::NotFound);
            }
            let item = catalog_repo::find_service(conn, t.service_id)?.ok_or(AppError::NotFound)?;
            let department = catalog_repo::find_department(conn, item.department_id)?
                .ok_or(AppError::NotFound)?;
            let window_number: i32 = match t.window_id {
                Some(w) => windows::table.find(w).select(windows::number).first(conn)?,
                None => 0,
            };
            Ok(NoticePage {
                number: t.number.clone(),
                item: item.name,
                department: department.name,
                phone: department.phone,
                missing: missing_materials(conn, t.id)?,
                date: t
                    .finished_at
                    .map(|f| crate::clock::local(f, tz).format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                window_number,
                ctx,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}
