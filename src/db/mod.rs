//! Database plumbing: one connection type over SQLite and PostgreSQL, the pool,
//! embedded migrations, and [`Db::run`] which moves blocking work off the async
//! workers.

pub mod ids;
pub mod schema;
pub mod text_enum;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

pub type DbPool = Pool<DbManager>;
pub type PooledConn = PooledConnection<DbManager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend is chosen by the URL scheme, never by trying each in turn.
    pub fn from_url(url: &str) -> Result<Self, DbSetupError> {
        if url.starts_with("sqlite:") || url.ends_with(".db") || url == ":memory:" {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbSetupError::UnknownScheme(url_scheme(url)))
        }
    }
}

fn url_scheme(url: &str) -> String {
    url.split(':').next().unwrap_or_default().to_string()
}

/// What diesel's `SqliteConnection` expects: a path or a `file:` URI.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got scheme '{0}')")]
    UnknownScheme(String),
    #[error("cannot reach the database at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("database migration failed: {0}")]
    Migration(String),
}

/// Hides the password in a database URL so that it can be logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Per-connection settings for SQLite. `busy_timeout` comes first so that the
/// others wait instead of failing while another connection holds the lock.
/// `synchronous = FULL` makes every committed booking survive a power cut
/// (see README, "SQLite durability").
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        if let DbConn::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA busy_timeout = 10000;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Opens connections of the backend the URL names. (diesel's generic
/// manager for a `MultiConnection` tries each backend in turn and reports
/// only "invalid connection url"; this one reports the real cause.)
#[derive(Debug, Clone)]
pub struct DbManager {
    target: String,
    backend: Backend,
}

impl DbManager {
    pub fn new(url: &str) -> Result<Self, DbSetupError> {
        let backend = Backend::from_url(url)?;
        let target = match backend {
            Backend::Sqlite => sqlite_path(url).to_string(),
            Backend::Postgres => url.to_string(),
        };
        Ok(DbManager { target, backend })
    }

    pub fn establish(&self) -> diesel::ConnectionResult<DbConn> {
        match self.backend {
            Backend::Sqlite => SqliteConnection::establish(&self.target).map(DbConn::Sqlite),
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConn::Pg),
        }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        self.establish()
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Builds the pool after checking that the database answers (one direct
/// connection first, so that a wrong URL or a stopped server is reported at
/// once with its real cause).
pub fn connect(url: &str, max_size: u32) -> Result<DbPool, DbSetupError> {
    let manager = DbManager::new(url)?;
    let unreachable = |reason: String| DbSetupError::Unreachable {
        url: redact_url(url),
        reason: reason.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    let mut probe = manager
        .establish()
        .map_err(|e| unreachable(e.to_string()))?;
    // WAL is a property of the database file. Switching a new file to it
    // needs a lock the busy timeout does not wait for, so it is done once
    // here, before the pool opens connections beside a running migration.
    if let DbConn::Sqlite(c) = &mut probe {
        c.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
            .map_err(|e| unreachable(e.to_string()))?;
    }
    Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|e| DbSetupError::Unreachable {
            url: redact_url(url),
            reason: e.to_string(),
        })
}

pub fn run_migrations(conn: &mut DbConn) -> Result<Vec<String>, DbSetupError> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| DbSetupError::Migration(e.to_string()))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Reverts every migration (used by the schema round-trip test).
pub fn revert_all_migrations(conn: &mut DbConn) -> Result<usize, DbSetupError> {
    let reverted = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS),
        DbConn::Pg(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| DbSetupError::Migration(e.to_string()))?;
    Ok(reverted.len())
}

/// A database error carried inside a feature's own error type: the cause
/// is kept (for the log), and two failures never compare equal (so that the
/// features' errors can still be compared in tests).
#[derive(Debug, thiserror::Error)]
#[error("database error")]
pub struct DbFailure(#[source] pub diesel::result::Error);

impl PartialEq for DbFailure {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl Eq for DbFailure {}

impl From<diesel::result::Error> for DbFailure {
    fn from(e: diesel::result::Error) -> Self {
        DbFailure(e)
    }
}

/// No connection could be used: the pool timed out, or the blocking task
/// running the work failed.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("no database connection is free")]
    Pool,
    #[error("the database task failed")]
    Task,
}

/// Shared handle on the pool; every query runs on the blocking thread pool.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    backend: Backend,
}

impl Db {
    pub fn new(pool: DbPool, backend: Backend) -> Self {
        Db { pool, backend }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    pub fn get(&self) -> Result<PooledConn, Unavailable> {
        self.pool.get().map_err(|e| {
            tracing::error!(error = %e, "database connection unavailable");
            Unavailable::Pool
        })
    }

    /// Runs `f` with a pooled connection on the blocking thread pool. The
    /// error is the caller's: any error that can say "no connection" (see
    /// [`Unavailable`]), `AppError` or a feature's own.
    pub async fn run<F, R, E>(&self, f: F) -> Result<R, E>
    where
        F: FnOnce(&mut DbConn) -> Result<R, E> + Send + 'static,
        R: Send + 'static,
        E: From<Unavailable> + Send + 'static,
    {
        let db = self.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let mut conn = db.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "a database task failed");
            Unavailable::Task
        })?
    }
}

/// A write transaction (a savepoint when called inside one). On SQLite it
/// begins IMMEDIATE, taking the write lock up front: a transaction that reads before it writes would otherwise
/// fail with "database is locked" under load instead of waiting its turn.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    // Inside a transaction already (a feature's write path called from a
    // caller's transaction): a savepoint, so the caller's commit decides.
    let depth = match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .ok()
            .flatten(),
        DbConn::Pg(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .ok()
            .flatten(),
    };
    if depth.is_some() {
        return conn.transaction(f);
    }
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) =
                <DbConn as Connection>::TransactionManager::rollback_transaction(conn)
            {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}
