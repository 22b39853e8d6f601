//! A property test: random sequences of bookings and cancellations, applied
//! to the real booking service on a real database and to a plain reference
//! model, must give the same answers and leave counters equal to rows.

use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use onestop::booking::service::{self, BookRequest, BookingError};
use onestop::db::DbConn;
use onestop::db::ids::{AccountId, ServiceId};
use onestop::db::schema::{
    booking_events, bookings, notifications, slot_counters, window_services, windows,
};
use proptest::prelude::*;

use crate::helpers::{TEST_NOW, TestBackend, TestDb, test_settings};

const PEOPLE: usize = 4;
const CAPACITY: i64 = 2;
const DAYS: [&str; 2] = ["2026-12-03", "2026-12-04"];
const SLOTS: [&str; 2] = ["09:00", "09:30"];

#[derive(Debug, Clone)]
enum Op {
    Book {
        person: usize,
        item: usize,
        day: usize,
        slot: usize,
    },
    Cancel {
        person: usize,
        nth: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..PEOPLE, 0..2usize, 0..2usize, 0..2usize).prop_map(|(person, item, day, slot)| Op::Book { person, item, day, slot }),
        1 => (0..PEOPLE, 0..3usize).prop_map(|(person, nth)| Op::Cancel { person, nth }),
    ]
}

#[derive(Debug, Clone, PartialEq)]
struct ModelBooking {
    person: usize,
    item: usize,
    day: usize,
    slot: usize,
    code: String,
    active: bool,
}

/// The rules as a resident would read them. Both items are served by the
/// same single window, whose places per slot they share.
fn model_book(
    model: &[ModelBooking],
    person: usize,
    item: usize,
    day: usize,
    slot: usize,
) -> Result<(), &'static str> {
    let active = |b: &&ModelBooking| b.active;
    if model
        .iter()
        .filter(active)
        .filter(|b| b.person == person)
        .count()
        >= 3
    {
        return Err("limit_reached");
    }
    if model
        .iter()
        .filter(active)
        .any(|b| b.person == person && b.item == item && b.day == day)
    {
        return Err("duplicate_booking");
    }
    if model
        .iter()
        .filter(active)
        .filter(|b| b.day == day && b.slot == slot)
        .count() as i64
        >= CAPACITY
    {
        return Err("slot_full");
    }
    Ok(())
}

struct World {
    _db: TestDb,
    conn: onestop::db::PooledConn,
    people: Vec<AccountId>,
    items: Vec<ServiceId>,
    now: chrono::NaiveDateTime,
    tz: chrono_tz::Tz,
}

fn world() -> World {
    let db = TestDb::new(TestBackend::from_env());
    let mut settings = test_settings(&db);
    settings.now = Some(
        chrono::DateTime::parse_from_rfc3339(TEST_NOW)
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let state = onestop::startup::prepare(settings).expect("prepare").state;
    let mut conn = state.db.get().expect("connection");
    use onestop::db::schema::halls;
    diesel::update(halls::table)
        .set((
            halls::slot_capacity.eq(CAPACITY as i32 * 2),
            halls::online_share_percent.eq(50),
        ))
        .execute(&mut conn)
        .unwrap();
    // Two bookable items of the city hall served only by the same window.
    let single: Vec<ServiceId> = window_services::table
        .inner_join(windows::table)
        .group_by(window_services::service_id)
        .having(diesel::dsl::count_star().eq(1))
        .select(window_services::service_id)
        .load(&mut conn)
        .unwrap();
    let pairs: Vec<(ServiceId, onestop::db::ids::WindowId)> = window_services::table
        .inner_join(onestop::db::schema::service_items::table)
        .filter(window_services::service_id.eq_any(&single))
        .filter(onestop::db::schema::service_items::bookable_online.eq(true))
        .filter(onestop::db::schema::service_items::hall_id.eq(1))
        .select((window_services::service_id, window_services::window_id))
        .load(&mut conn)
        .unwrap();
    let window = pairs
        .iter()
        .map(|(_, w)| *w)
        .find(|w| pairs.iter().filter(|(_, x)| x == w).count() >= 2)
        .expect("a window with two single-window items");
    let items: Vec<ServiceId> = pairs
        .iter()
        .filter(|(_, w)| *w == window)
        .map(|(s, _)| *s)
        .take(2)
        .collect();
    let hash = onestop::accounts::password::hash(crate::helpers::PASSWORD).unwrap();
    let now = state.clock.now_utc();
    let people = (0..PEOPLE)
        .map(|n| {
            let id_no = crate::helpers::id_number(500 + n as u32);
            onestop::accounts::repo::insert_account(
                &mut conn,
                onestop::accounts::models::NewAccount {
                    role: onestop::accounts::models::Role::Resident,
                    name: format!("模型{n}"),
                    phone: crate::helpers::phone(500 + n as u32),
                    id_number_cipher: None,
                    id_number_hash: Some(state.pii.lookup_hash(&id_no)),
                    password_hash: hash.clone(),
                    hall_id: None,
                    department_id: None,
                    window_id: None,
                    must_change_password: false,
                    created_at: now,
                    updated_at: now,
                },
            )
            .unwrap()
        })
        .collect();
    World {
        _db: db,
        conn,
        people,
        items,
        now,
        tz: state.tz(),
    }
}

fn reset(conn: &mut DbConn) {
    diesel::delete(notifications::table).execute(conn).unwrap();
    diesel::delete(booking_events::table).execute(conn).unwrap();
    diesel::delete(bookings::table).execute(conn).unwrap();
    diesel::delete(slot_counters::table).execute(conn).unwrap();
}

fn check_counters(w: &mut World, model: &[ModelBooking]) {
    let window = window_services::table
        .filter(window_services::service_id.eq(w.items[0]))
        .select(window_services::window_id)
        .first::<onestop::db::ids::WindowId>(&mut w.conn)
        .unwrap();
    for (d, day) in DAYS.iter().enumerate() {
        for (s, start) in SLOTS.iter().enumerate() {
            let day: NaiveDate = day.parse().unwrap();
            let start = NaiveTime::parse_from_str(start, "%H:%M").unwrap();
            let counter: i32 = slot_counters::table
                .find((window, day, start))
                .select(slot_counters::booked)
                .first(&mut w.conn)
                .optional()
                .unwrap()
                .unwrap_or(0);
            let expected = model
                .iter()
                .filter(|b| b.active && b.day == d && b.slot == s)
                .count() as i32;
            assert_eq!(counter, expected, "counter of day {d} slot {s}");
        }
    }
}

#[test]
fn booking_rules_match_the_reference_model() {
    let world = std::cell::RefCell::new(world());
    let config = ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(ops in prop::collection::vec(op(), 1..30))| {
        let mut guard = world.borrow_mut();
        let w = &mut *guard;
        reset(&mut w.conn);
        let mut model: Vec<ModelBooking> = Vec::new();
        for op in ops {
            match op {
                Op::Book { person, item, day, slot } => {
                    let expected = model_book(&model, person, item, day, slot);
                    let req = BookRequest {
                        account: w.people[person],
                        service: w.items[item],
                        date: DAYS[day].parse().unwrap(),
                        start: NaiveTime::parse_from_str(SLOTS[slot], "%H:%M").unwrap(),
                    };
                    let got = service::book(&mut w.conn, &req, w.now, w.tz);
                    match (&expected, &got) {
                        (Ok(()), Ok(b)) => model.push(ModelBooking { person, item, day, slot, code: b.code.clone(), active: true }),
                        (Err(code), Err(e)) => prop_assert_eq!(*code, e.code()),
                        _ => prop_assert!(false, "model says {:?}, service says {:?}", expected, got.map(|b| b.code)),
                    }
                }
                Op::Cancel { person, nth } => {
                    let mine: Vec<usize> = model.iter().enumerate().filter(|(_, b)| b.active && b.person == person).map(|(i, _)| i).collect();
                    let Some(&idx) = mine.get(nth % mine.len().max(1)) else { continue };
                    let got = service::cancel(&mut w.conn, w.people[person], &model[idx].code, w.now, w.tz);
                    prop_assert!(got.is_ok(), "cancel failed: {:?}", got.err());
                    model[idx].active = false;
                    // Cancelling someone else's booking is never possible.
                    let other = w.people[(person + 1) % PEOPLE];
                    prop_assert_eq!(service::cancel(&mut w.conn, other, &model[idx].code, w.now, w.tz).err(), Some(BookingError::NotFound));
                }
            }
        }
        check_counters(w, &model);
    });
}
