//! Building the application: database, migrations, first-start seeding,
//! keys, then the HTTP server on a bound listener (port 0 in tests).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};

use crate::accounts::hasher::Hasher;
use crate::accounts::{access, identity};
use crate::booking::waitlist::worker::HoldKeeper;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{self, Backend, Db};
use crate::error::AppError;
use crate::notify::gateway::Gateway;
use crate::notify::worker::{OutboxSignal, Worker};
use crate::pii::{PiiKeys, derive_key};
use crate::queue::events::EventBus;
use crate::web::throttle::Throttle;
use crate::web::{AppState, assets, errors, health, lang, middleware};
use crate::{accounts, admin, booking, cases, catalog, keys, queue, ratings, seed, visit};

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

/// The features' services, registered beside [`AppState`] as their own
/// `web::Data` so that the plumbing knows none of them.
#[derive(Clone)]
pub struct Services {
    pub hasher: Hasher,
    pub events: EventBus,
    pub outbox: OutboxSignal,
    pub catalogue: catalog::snapshot::Catalogue,
}

/// What [`prepare`] readies: the shared state and the features' services.
pub struct Prepared {
    pub state: AppState,
    pub services: Services,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let settings_for_setup = settings.clone();
        let Prepared { state, services } =
            actix_web::rt::task::spawn_blocking(move || prepare(settings_for_setup)).await??;
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let gateway = Gateway::from_config(settings.sms_webhook.as_deref())?;
        let server = serve(listener, state.clone(), services.clone())?;
        // Search's dictionary loads while the first pages are served.
        drop(actix_web::rt::task::spawn_blocking(
            crate::catalog::search::warm,
        ));
        // Every instance delivers messages; claims keep them from sending
        // one twice. The task ends with the server's runtime.
        actix_web::rt::spawn(
            Worker {
                db: state.db.clone(),
                clock: state.clock.clone(),
                gateway,
                signal: services.outbox.clone(),
                poll: settings.outbox_poll,
            }
            .run(),
        );
        // Every instance keeps the waiting list's held places on time; each
        // step is conditional, so two instances never end one offer twice.
        actix_web::rt::spawn(
            HoldKeeper {
                db: state.db.clone(),
                clock: state.clock.clone(),
                tz: state.tz(),
                outbox: services.outbox.clone(),
                poll: settings.hold_poll,
            }
            .run(),
        );
        // Follow-ups past their deadline reach the administrators, and a
        // hall's default-grade rule is applied, without anyone visiting a page.
        actix_web::rt::spawn(
            ratings::keeper::RatingKeeper {
                db: state.db.clone(),
                clock: state.clock.clone(),
                tz: state.tz(),
                poll: settings.hold_poll,
            }
            .run(),
        );
        Ok(Application {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Runs until SIGINT/SIGTERM; in-flight requests are given time to finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Connects, migrates, seeds an empty database and loads the keys.
pub fn prepare(settings: Settings) -> anyhow::Result<Prepared> {
    let backend = Backend::from_url(&settings.database_url)?;
    let pool = db::connect(&settings.database_url, settings.pool_size)?;
    let mut conn = pool.get().map_err(|e| db::DbSetupError::Unreachable {
        url: db::redact_url(&settings.database_url),
        reason: e.to_string(),
    })?;
    let applied = db::run_migrations(&mut conn)?;
    for m in &applied {
        tracing::info!(migration = %m, "applied migration");
    }
    let clock = match settings.now {
        Some(start) => {
            tracing::warn!(start = %start, "ONESTOP_NOW is set: the clock starts at a fixed instant (demos and tests only)");
            Clock::starting_at(start)
        }
        None => Clock::system(),
    };
    if settings.seed_if_empty {
        let report = seed::seed_catalogue(&mut conn, clock.now_utc(), &mut |line| {
            tracing::info!("seeded {line}")
        })?;
        if !report.already_seeded {
            tracing::info!("empty database: loaded the built-in catalogue");
        }
    }
    let master_key = keys::load_or_create(&mut conn, settings.secret_key.as_ref())?;
    let pii = PiiKeys::derive(master_key.expose());
    let csrf_key = derive_key(master_key.expose(), "onestop/csrf/v1");
    let events = EventBus::default();
    if backend == Backend::Postgres {
        queue::events::spawn_pg_listener(settings.database_url.clone(), &events);
    }
    drop(conn);
    let state = AppState {
        db: Db::new(pool, backend),
        clock,
        settings: Arc::new(settings),
        pii,
        master_key,
        csrf_key,
        throttle: Arc::new(Throttle::default()),
    };
    let services = Services {
        hasher: Hasher::for_this_machine(),
        events,
        outbox: OutboxSignal::default(),
        catalogue: catalog::snapshot::Catalogue::default(),
    };
    Ok(Prepared { state, services })
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|err, _req| {
            use actix_web::error::JsonPayloadError;
            let app = match &err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => AppError::PayloadTooLarge,
                JsonPayloadError::ContentType => {
                    AppError::bad_request("malformed", "send the body as application/json")
                }
                other => AppError::bad_request(
                    "malformed",
                    format!("the JSON body could not be read: {other}"),
                ),
            };
            app.into()
        })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _req| AppError::bad_request("malformed", err.to_string()).into())
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req| AppError::NotFound.into())
}

pub fn serve(listener: TcpListener, state: AppState, services: Services) -> anyhow::Result<Server> {
    let https = state.settings.cookie_secure;
    let workers = state.settings.workers;
    let data = web::Data::new(state);
    let hasher = web::Data::new(services.hasher);
    let events = web::Data::new(services.events);
    let outbox = web::Data::new(services.outbox);
    let catalogue = web::Data::new(services.catalogue);
    let cors_origins = data.settings.cors_origins.clone();
    let api_doc = web::Data::new(crate::openapi::Document::build()?);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(hasher.clone())
            .app_data(events.clone())
            .app_data(outbox.clone())
            .app_data(catalogue.clone())
            .app_data(api_doc.clone())
            .app_data(json_config())
            .app_data(query_config())
            .app_data(path_config())
            .app_data(web::PayloadConfig::default().limit(4 * 1024 * 1024))
            .app_data(web::FormConfig::default().limit(64 * 1024))
            .wrap(from_fn(crate::notify::worker::wake_outbox))
            .wrap(from_fn(access::enforce))
            .wrap(from_fn(identity::identify))
            .wrap(errors::error_pages())
            .wrap(middleware::security_headers(https))
            .wrap(Compress::default())
            .wrap(from_fn(middleware::head_as_get))
            .wrap(from_fn(middleware::log_request))
            .configure(health::configure)
            .configure(assets::configure)
            .configure(lang::configure)
            .service(crate::openapi::api_scope(&cors_origins))
            .configure(catalog::pages::configure)
            .configure(accounts::routes::configure)
            .configure(accounts::pair::configure)
            .configure(ratings::pages::configure)
            .configure(ratings::follow_up_pages::configure)
            .configure(ratings::public::configure)
            .configure(booking::pages::configure)
            .configure(booking::waitlist::pages::configure)
            .configure(visit::pages::configure)
            .configure(queue::kiosk::configure)
            .configure(queue::clerk::configure)
            .configure(queue::display::configure)
            .configure(cases::pages::configure)
            .configure(admin::configure)
            .configure(crate::openapi::page::configure)
            .default_service(web::to(errors::not_found))
    })
    // Compressed pages go out in chunks; without TCP_NODELAY each waits
    // ~40 ms for the client's delayed ACK (Nagle's algorithm).
    .on_connect(|conn, _ext| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>()
            && let Err(e) = tcp.set_nodelay(true)
        {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    })
    .shutdown_timeout(20);
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.listen(listener)?.run())
}
