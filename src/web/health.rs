use actix_web::{HttpResponse, get, web};
use diesel::RunQueryDsl;

use super::AppState;

/// 200 `ok` when the database answers a query, 503 otherwise.
#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let answered: crate::error::AppResult<usize> = state
        .db
        .run(|conn| Ok(diesel::sql_query("SELECT 1").execute(conn)?))
        .await;
    match answered {
        Ok(_) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("unavailable"),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz);
}
