//! A property test: random sequences of bookings (of one item, or of two
//! items in one visit) and cancellations, applied to the real booking
//! service on a real database and to a plain reference model, must give the
//! same answers and leave counters equal to the places the model holds —
//! with the hall's fair-use rules on: a cancelled place stays held for the
//! release delay (the clock does not move here), and five cancellations
//! suspend online booking.

use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use onestop::booking::service::{self, BookRequest, BookingError};
use onestop::booking::waitlist::holds::Guard;
use onestop::db::DbConn;
use onestop::db::ids::{AccountId, ServiceId};
use onestop::db::schema::{
    booking_events, booking_items, bookings, notifications, place_holds, slot_counters,
    window_services, windows,
};
use proptest::prelude::*;

use crate::helpers::{TEST_NOW, TestBackend, TestDb, test_settings};

const PEOPLE: usize = 4;
const CAPACITY: i64 = 3;
const DAYS: [&str; 2] = ["2026-12-03", "2026-12-04"];
const SLOTS: [&str; 2] = ["09:00", "09:30"];

/// The visits a person may book: item 0, item 1, or both at once.
const VISITS: [&[usize]; 3] = [&[0], &[1], &[0, 1]];

#[derive(Debug, Clone)]
enum Op {
    Book {
        person: usize,
        visit: usize,
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
        3 => (0..PEOPLE, 0..3usize, 0..2usize, 0..2usize).prop_map(|(person, visit, day, slot)| Op::Book { person, visit, day, slot }),
        1 => (0..PEOPLE, 0..3usize).prop_map(|(person, nth)| Op::Cancel { person, nth }),
    ]
}

#[derive(Debug, Clone, PartialEq)]
struct ModelBooking {
    person: usize,
    items: &'static [usize],
    day: usize,
    slot: usize,
    code: String,
    active: bool,
}

/// What the model holds besides bookings: places held after
/// cancellations, per (day, slot), and each person's cancellations.
#[derive(Debug, Default)]
struct Model {
    bookings: Vec<ModelBooking>,
    held: std::collections::HashMap<(usize, usize), i64>,
    cancels: [usize; PEOPLE],
}

/// The hall's cancellation rule: this many cancellations suspend booking.
const CANCEL_LIMIT: usize = 5;

impl Model {
    /// Places taken in a slot: active visits (one place per item) and held
    /// places.
    fn used(&self, day: usize, slot: usize) -> i64 {
        self.bookings
            .iter()
            .filter(|b| b.active && b.day == day && b.slot == slot)
            .map(|b| b.items.len() as i64)
            .sum::<i64>()
            + self.held.get(&(day, slot)).copied().unwrap_or(0)
    }

    /// The rules as a resident would read them. Both items are served by the
    /// same single window, whose places per slot they share; a visit of
    /// both takes two places and counts as one booking toward the limit.
    fn book(
        &self,
        person: usize,
        items: &[usize],
        day: usize,
        slot: usize,
    ) -> Result<(), &'static str> {
        if self.cancels[person] >= CANCEL_LIMIT {
            return Err("suspended");
        }
        let mine = || {
            self.bookings
                .iter()
                .filter(move |b| b.active && b.person == person)
        };
        if mine().count() >= 3 {
            return Err("limit_reached");
        }
        if mine().any(|b| b.day == day && b.items.iter().any(|i| items.contains(i))) {
            return Err("duplicate_booking");
        }
        if self.used(day, slot) + items.len() as i64 > CAPACITY {
            return Err("slot_full");
        }
        Ok(())
    }
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
            halls::release_delay_minutes.eq(10),
            halls::cancel_limit.eq(CANCEL_LIMIT as i32),
            halls::limit_counts_items.eq(false),
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
    diesel::delete(booking_items::table).execute(conn).unwrap();
    diesel::delete(place_holds::table).execute(conn).unwrap();
    diesel::delete(bookings::table).execute(conn).unwrap();
    diesel::delete(slot_counters::table).execute(conn).unwrap();
}

fn check_counters(w: &mut World, model: &Model) {
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
            assert_eq!(
                i64::from(counter),
                model.used(d, s),
                "counter of day {d} slot {s}"
            );
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
        let mut model = Model::default();
        for op in ops {
            match op {
                Op::Book { person, visit, day, slot } => {
                    let items = VISITS[visit];
                    let expected = model.book(person, items, day, slot);
                    let req = BookRequest {
                        account: w.people[person],
                        services: items.iter().map(|i| w.items[*i]).collect(),
                        date: DAYS[day].parse().unwrap(),
                        start: NaiveTime::parse_from_str(SLOTS[slot], "%H:%M").unwrap(),
                    };
                    let got = service::book(&mut w.conn, &req, w.now, w.tz);
                    match (&expected, &got) {
                        (Ok(()), Ok(b)) => {
                            prop_assert_eq!(b.places, items.len() as i32);
                            model.bookings.push(ModelBooking { person, items, day, slot, code: b.code.clone(), active: true });
                        }
                        (Err(code), Err(e)) => prop_assert_eq!(*code, e.code()),
                        _ => prop_assert!(false, "model says {:?}, service says {:?}", expected, got.map(|b| b.code)),
                    }
                }
                Op::Cancel { person, nth } => {
                    let mine: Vec<usize> = model.bookings.iter().enumerate().filter(|(_, b)| b.active && b.person == person).map(|(i, _)| i).collect();
                    let Some(&idx) = mine.get(nth % mine.len().max(1)) else { continue };
                    let got = service::cancel(&mut w.conn, w.people[person], &model.bookings[idx].code, w.now, w.tz, Guard::On);
                    prop_assert!(got.is_ok(), "cancel failed: {:?}", got.err());
                    let b = &mut model.bookings[idx];
                    b.active = false;
                    // Nobody waits: its places are held for the release delay.
                    *model.held.entry((b.day, b.slot)).or_default() += b.items.len() as i64;
                    model.cancels[person] += 1;
                    // Cancelling someone else's booking is never possible.
                    let other = w.people[(person + 1) % PEOPLE];
                    prop_assert_eq!(service::cancel(&mut w.conn, other, &model.bookings[idx].code, w.now, w.tz, Guard::On).err(), Some(BookingError::NotFound));
                }
            }
        }
        check_counters(w, &model);
    });
}
