//! Every migration runs up, down and up again on both backends, and the
//! schema comes back the same.

use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use onestop::db::{self, DbConn};

use crate::helpers::{TestBackend, TestDb, pg_available};

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

const SQLITE_SCHEMA: &str = "SELECT type || ' ' || name || ' ' || coalesce(sql, '') AS line FROM sqlite_master \
     WHERE name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY 1";

const PG_SCHEMA: &str = "SELECT line FROM ( \
     SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS line \
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
     UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' \
     UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) \
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '__diesel_schema_migrations' \
     UNION ALL SELECT 'trigger ' || tgrelid::regclass::text || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal \
     UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace \
   ) s ORDER BY 1";

fn schema(conn: &mut DbConn) -> Vec<String> {
    let sql = match conn {
        DbConn::Sqlite(_) => SQLITE_SCHEMA,
        DbConn::Pg(_) => PG_SCHEMA,
    };
    diesel::sql_query(sql)
        .load::<Line>(conn)
        .expect("schema query")
        .into_iter()
        .map(|l| l.line)
        .collect()
}

fn round_trip(backend: TestBackend) {
    let test_db = TestDb::new(backend);
    let pool = db::connect(&test_db.url, 1).expect("connect");
    let mut conn = pool.get().expect("connection");
    let applied = db::run_migrations(&mut conn).expect("up");
    assert!(!applied.is_empty());
    let first = schema(&mut conn);
    assert!(
        first.iter().any(|l| l.contains("service_items")),
        "{first:?}"
    );

    let reverted = db::revert_all_migrations(&mut conn).expect("down");
    assert_eq!(reverted, applied.len());
    assert!(
        schema(&mut conn).is_empty(),
        "down leaves nothing behind: {:?}",
        schema(&mut conn)
    );

    db::run_migrations(&mut conn).expect("up again");
    assert_eq!(
        schema(&mut conn),
        first,
        "{backend:?}: schema differs after down and up"
    );
}

#[test]
fn migrations_round_trip_on_sqlite() {
    round_trip(TestBackend::Sqlite);
}

#[test]
fn migrations_round_trip_on_postgres() {
    if pg_available() {
        round_trip(TestBackend::Postgres);
    }
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("migrations/sqlite"), names("migrations/postgres"));
}

#[test]
fn an_unknown_or_unreachable_database_is_a_clear_error() {
    let err = match db::connect("mysql://localhost/x", 1) {
        Ok(_) => panic!("a mysql URL was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("sqlite://") && err.contains("postgres://"),
        "{err}"
    );
    let err = match db::connect("postgres://nobody:secret@127.0.0.1:1/none", 1) {
        Ok(_) => panic!("connected to nothing"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("cannot reach the database"), "{err}");
    assert!(!err.contains("secret"), "the password is not shown: {err}");
}
