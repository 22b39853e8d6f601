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
use crate::queue::calls::missing_materials_of;
use crate::queue::issue;
use crate::queue::models::Outcome;
use crate::web::forms::private_page;
use crate::web::{AppState, PageCtx};

/// One item's 补正 notice: what is missing, and whom to ask.
struct Sheet {
    item: String,
    department: String,
    phone: String,
    missing: Vec<String>,
    window_number: i32,
}

#[derive(Template)]
#[template(path = "queue/notice.html")]
struct NoticePage {
    ctx: PageCtx,
    number: String,
    date: String,
    /// One sheet per item recorded as 补正 (a visit may carry several).
    sheets: Vec<Sheet>,
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
            if clerk.hall_id != Some(t.hall_id) {
                return Err(AppError::NotFound);
            }
            let mut sheets = Vec::new();
            let mut date = String::new();
            for i in crate::queue::items::of(conn, t.id)? {
                if i.outcome() != Some(Outcome::Incomplete) {
                    continue;
                }
                let item =
                    catalog_repo::find_service(conn, i.service_id)?.ok_or(AppError::NotFound)?;
                let department = catalog_repo::find_department(conn, item.department_id)?
                    .ok_or(AppError::NotFound)?;
                let window_number: i32 = match i.window_id {
                    Some(w) => windows::table.find(w).select(windows::number).first(conn)?,
                    None => 0,
                };
                if let Some(at) = i.decided_at {
                    date = crate::clock::local(at, tz).format("%Y-%m-%d").to_string();
                }
                sheets.push(Sheet {
                    item: item.name,
                    department: department.name,
                    phone: department.phone,
                    missing: missing_materials_of(conn, t.id, i.service_id)?,
                    window_number,
                });
            }
            if sheets.is_empty() {
                return Err(AppError::NotFound);
            }
            Ok(NoticePage {
                number: t.number.clone(),
                date,
                sheets,
                ctx,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}
