//! The bare baseline of the booking benchmark (scripts/bench/booking.sh):
//! the booking transaction with nothing around it, at onestop's durability
//! (SQLite: WAL, synchronous = FULL, BEGIN IMMEDIATE; PostgreSQL: its
//! defaults, synchronous_commit on). Each of `threads` workers books
//! `per_thread` places: take a place of a slot with a conditional UPDATE,
//! insert the booking, commit. Prints "<bookings> <seconds> <per second>".
//!
//!   cargo run --release --example bare_booking -- <database-url> <threads> <per_thread> <slots>

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Integer;

/// One booking: a place of `slot` for `person`, in one transaction.
macro_rules! booking_fn {
    ($name:ident, $conn:ty) => {
        fn $name(conn: &mut $conn, begin: &str, slot: i32, person: i32) -> QueryResult<bool> {
            conn.batch_execute(begin)?;
            let took = diesel::sql_query(
                "UPDATE bare_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity",
            )
            .bind::<Integer, _>(slot)
            .execute(conn);
            let outcome = took.and_then(|n| {
                if n == 1 {
                    diesel::sql_query(
                        "INSERT INTO bare_bookings (slot_id, person) VALUES ($1, $2)",
                    )
                    .bind::<Integer, _>(slot)
                    .bind::<Integer, _>(person)
                    .execute(conn)?;
                }
                Ok(n == 1)
            });
            match outcome {
                Ok(b) => conn.batch_execute("COMMIT").map(|_| b),
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    };
}
booking_fn!(run_pg, PgConnection);
booking_fn!(run_sqlite, SqliteConnection);

fn setup(url: &str, slots: i32) -> Result<(), String> {
    let ddl = "DROP TABLE IF EXISTS bare_bookings; DROP TABLE IF EXISTS bare_slots;
        CREATE TABLE bare_slots (id INTEGER PRIMARY KEY, capacity INTEGER NOT NULL, booked INTEGER NOT NULL);
        CREATE TABLE bare_bookings (id SERIAL PRIMARY KEY, slot_id INTEGER NOT NULL REFERENCES bare_slots(id), person INTEGER NOT NULL);";
    let fill = format!(
        "INSERT INTO bare_slots (id, capacity, booked) SELECT n, 1000000, 0 FROM ({}) t",
        (1..=slots)
            .map(|n| format!("SELECT {n} AS n"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    );
    if url.starts_with("postgres") {
        let mut c = PgConnection::establish(url).map_err(|e| e.to_string())?;
        c.batch_execute(ddl)
            .and_then(|_| c.batch_execute(&fill))
            .map_err(|e| e.to_string())
    } else {
        let mut c = SqliteConnection::establish(url).map_err(|e| e.to_string())?;
        let ddl = ddl.replace("SERIAL", "INTEGER");
        c.batch_execute("PRAGMA journal_mode = WAL;")
            .and_then(|_| c.batch_execute(&ddl))
            .and_then(|_| c.batch_execute(&fill))
            .map_err(|e| e.to_string())
    }
}

fn worker(url: &str, thread: i32, per_thread: i32, slots: i32) -> Result<u32, String> {
    let mut booked = 0;
    if url.starts_with("postgres") {
        let mut c = PgConnection::establish(url).map_err(|e| e.to_string())?;
        for i in 0..per_thread {
            booked += u32::from(
                run_pg(
                    &mut c,
                    "BEGIN",
                    1 + (thread + i) % slots,
                    thread * per_thread + i,
                )
                .map_err(|e| e.to_string())?,
            );
        }
    } else {
        let mut c = SqliteConnection::establish(url).map_err(|e| e.to_string())?;
        c.batch_execute(
            "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )
        .map_err(|e| e.to_string())?;
        for i in 0..per_thread {
            booked += u32::from(
                run_sqlite(
                    &mut c,
                    "BEGIN IMMEDIATE",
                    1 + (thread + i) % slots,
                    thread * per_thread + i,
                )
                .map_err(|e| e.to_string())?,
            );
        }
    }
    Ok(booked)
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .first()
        .cloned()
        .ok_or("usage: bare_booking <url> <threads> <per_thread> <slots>")?;
    let url = url.trim_start_matches("sqlite://").to_string();
    let num = |i: usize, d: i32| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (threads, per_thread, slots) = (num(1, 32), num(2, 20), num(3, 1));
    setup(&url, slots)?;
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let url = url.clone();
            std::thread::spawn(move || worker(&url, t, per_thread, slots))
        })
        .collect();
    let mut total = 0;
    for h in handles {
        total += h.join().map_err(|_| "a worker panicked")??;
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{total} {secs:.3} {:.1}", f64::from(total) / secs);
    Ok(())
}
