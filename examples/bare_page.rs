//! The bare baseline of the catalogue benchmarks (scripts/bench/): the
//! thinnest actix-web + askama + diesel program serving the same items of
//! the same database as onestop's `/services` and `/api/v1/services` — one
//! query, one template, no middleware but compression, TCP_NODELAY set. It
//! shows what this stack does per request before any product logic.
//!
//!   cargo run --release --example bare_page -- <database-url> <port>

use actix_web::{App, HttpResponse, HttpServer, get, middleware::Compress, web};
use askama::Template;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::{Bool, Integer, Text};

#[derive(QueryableByName, serde::Serialize)]
struct Item {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = Integer)]
    promised_days: i32,
    #[diesel(sql_type = Bool)]
    bookable_online: bool,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>办事指南</title></head>
<body><main><h1>事项列表</h1><table><tbody>
{% for i in items %}<tr><td>{{ i.code }}</td><td><a href="/services/{{ i.id }}">{{ i.name }}</a></td><td>{{ i.department }}</td><td>{{ i.promised_days }} 个工作日</td><td>{% if i.bookable_online %}可预约{% endif %}</td></tr>
{% endfor %}</tbody></table></main></body></html>"#
)]
struct Page {
    items: Vec<Item>,
}

const QUERY: &str = "SELECT s.id, s.code, s.name, d.short_name AS department, s.promised_days, \
     s.bookable_online FROM service_items s JOIN departments d ON d.id = s.department_id \
     WHERE s.active AND s.hall_id = 1 ORDER BY d.sort_order, s.code";

enum Db {
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
    Pg(Pool<ConnectionManager<PgConnection>>),
}

impl Db {
    fn items(&self) -> Result<Vec<Item>, String> {
        let q = diesel::sql_query(QUERY);
        match self {
            Db::Sqlite(p) => q.load(&mut p.get().map_err(|e| e.to_string())?),
            Db::Pg(p) => q.load(&mut p.get().map_err(|e| e.to_string())?),
        }
        .map_err(|e| e.to_string())
    }
}

async fn load(db: web::Data<Db>) -> Result<Vec<Item>, actix_web::Error> {
    web::block(move || db.items())
        .await?
        .map_err(actix_web::error::ErrorInternalServerError)
}

#[get("/services")]
async fn page(db: web::Data<Db>) -> Result<HttpResponse, actix_web::Error> {
    let body = Page {
        items: load(db).await?,
    }
    .render()
    .map_err(actix_web::error::ErrorInternalServerError)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

#[get("/api/v1/services")]
async fn api(db: web::Data<Db>) -> Result<HttpResponse, actix_web::Error> {
    Ok(HttpResponse::Ok().json(load(db).await?))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "onestop.db".into());
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(18090);
    let db = if url.starts_with("postgres") {
        Db::Pg(
            Pool::builder()
                .max_size(8)
                .build(ConnectionManager::new(url))
                .map_err(std::io::Error::other)?,
        )
    } else {
        let path = url.trim_start_matches("sqlite://").to_string();
        Db::Sqlite(
            Pool::builder()
                .max_size(8)
                .build(ConnectionManager::new(path))
                .map_err(std::io::Error::other)?,
        )
    };
    let db = web::Data::new(db);
    HttpServer::new(move || {
        App::new()
            .app_data(db.clone())
            .wrap(Compress::default())
            .service(page)
            .service(api)
    })
    .on_connect(|conn, _| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
        }
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
