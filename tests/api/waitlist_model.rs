//! A property test of the waiting list: random sequences of bookings,
//! cancellations, joins, leaves, accepts and the clock moving on (with the
//! hold keeper's round after each move), applied to the real services on a
//! real database and to a plain reference model, must give the same
//! answers, the same entry statuses, and slot counters equal to the active
//! bookings plus the places held for offers.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use onestop::booking::service::{self, BookRequest};
use onestop::booking::waitlist::holds::Guard;
use onestop::booking::waitlist::service::{self as waitlist, JoinRequest};
use onestop::booking::waitlist::worker;
use onestop::db::DbConn;
use onestop::db::ids::{AccountId, ServiceId, WaitlistEntryId};
use onestop::db::schema::{
    booking_events, booking_items, bookings, notifications, place_holds, slot_counters,
    waitlist_entries, window_services,
};
use proptest::prelude::*;

use crate::helpers::{TestBackend, TestDb, test_settings};

const PEOPLE: usize = 5;
/// Online places per slot of the one window.
const CAPACITY: usize = 1;
const DAY: &str = "2026-12-02";
const SLOTS: [&str; 2] = ["09:00", "09:30"];
const HOLD_MINUTES: i64 = 120;

#[derive(Debug, Clone)]
enum Op {
    Book(usize, usize),
    Cancel(usize, usize),
    Join(usize, Option<usize>),
    Leave(usize),
    Accept(usize),
    Tick(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..PEOPLE, 0..2usize).prop_map(|(p, s)| Op::Book(p, s)),
        3 => (0..PEOPLE, 0..3usize).prop_map(|(p, n)| Op::Cancel(p, n)),
        4 => (0..PEOPLE, prop::option::of(0..2usize)).prop_map(|(p, s)| Op::Join(p, s)),
        1 => (0..PEOPLE).prop_map(Op::Leave),
        3 => (0..PEOPLE).prop_map(Op::Accept),
        1 => prop_oneof![Just(30i64), Just(90), Just(150)].prop_map(Op::Tick),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    Waiting,
    Offered,
    Booked,
    Expired,
    Cancelled,
}

impl St {
    fn text(self) -> &'static str {
        match self {
            St::Waiting => "waiting",
            St::Offered => "offered",
            St::Booked => "booked",
            St::Expired => "expired",
            St::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone)]
struct MEntry {
    id: WaitlistEntryId,
    person: usize,
    slot: Option<usize>,
    status: St,
    /// The place held for it: (slot, until, order the offer was made in).
    offer: Option<(usize, NaiveDateTime, u64)>,
}

#[derive(Debug, Default)]
struct Model {
    /// (person, slot, code, active)
    bookings: Vec<(usize, usize, String, bool)>,
    entries: Vec<MEntry>,
    offers_made: u64,
}

/// The latest a place of a slot may be held: an hour before it (UTC).
fn latest(slot: usize) -> NaiveDateTime {
    let local: NaiveDateTime = format!("{DAY}T{}:00", SLOTS[slot]).parse().unwrap();
    local - Duration::hours(1) - Duration::hours(8)
}

impl Model {
    fn active(&self, p: usize) -> usize {
        self.bookings.iter().filter(|b| b.0 == p && b.3).count()
    }

    fn used(&self, slot: usize) -> usize {
        self.bookings.iter().filter(|b| b.1 == slot && b.3).count()
            + self
                .entries
                .iter()
                .filter(|e| e.status == St::Offered && e.offer.is_some_and(|o| o.0 == slot))
                .count()
    }

    fn live(&self, p: usize) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.person == p && matches!(e.status, St::Waiting | St::Offered))
    }

    /// A freed place of `slot`: to the first waiting entry that fits, else
    /// back on the market (the release delay is off in this world).
    fn place(&mut self, slot: usize, now: NaiveDateTime) {
        let until = latest(slot).min(now + Duration::minutes(HOLD_MINUTES));
        if let Some(e) = self
            .entries
            .iter_mut()
            .find(|e| e.status == St::Waiting && e.slot.is_none_or(|s| s == slot))
        {
            self.offers_made += 1;
            e.status = St::Offered;
            e.offer = Some((slot, until, self.offers_made));
        }
    }

    /// An offer ends (expired, declined or overtaken by a booking): its
    /// place passes on at once.
    fn end_offer(&mut self, i: usize, to: St, now: NaiveDateTime) {
        let slot = self.entries[i].offer.map(|o| o.0);
        self.entries[i].status = to;
        self.entries[i].offer = None;
        if let Some(slot) = slot {
            self.place(slot, now);
        }
    }

    /// The hold keeper's round: offers due, in the order they run out.
    fn sweep(&mut self, now: NaiveDateTime) {
        loop {
            let due = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.status == St::Offered && e.offer.is_some_and(|o| o.1 <= now))
                .min_by_key(|(_, e)| e.offer.map(|o| (o.1, o.2)))
                .map(|(i, _)| i);
            let Some(i) = due else { return };
            self.end_offer(i, St::Expired, now);
        }
    }
}

struct World {
    _db: TestDb,
    conn: onestop::db::PooledConn,
    people: Vec<AccountId>,
    item: ServiceId,
    tz: chrono_tz::Tz,
}

fn world() -> World {
    let db = TestDb::new(TestBackend::from_env());
    let settings = test_settings(&db);
    let state = onestop::startup::prepare(settings).expect("prepare").state;
    let mut conn = state.db.get().expect("connection");
    use onestop::db::schema::halls;
    diesel::update(halls::table)
        .set((
            halls::slot_capacity.eq(CAPACITY as i32 * 2),
            halls::online_share_percent.eq(50),
            halls::release_delay_minutes.eq(0),
            halls::cancel_limit.eq(0),
            halls::waitlist_hold_minutes.eq(HOLD_MINUTES as i32),
            halls::max_active_bookings.eq(3),
        ))
        .execute(&mut conn)
        .unwrap();
    // On Wednesday 2 December the hall opens 09:00–10:00: two slots, so
    // that "any slot of the day" means these two.
    use onestop::db::schema::opening_hours;
    diesel::update(opening_hours::table.filter(opening_hours::weekday.eq(3)))
        .set((
            opening_hours::morning_start.eq(NaiveTime::from_hms_opt(9, 0, 0)),
            opening_hours::morning_end.eq(NaiveTime::from_hms_opt(10, 0, 0)),
            opening_hours::afternoon_start.eq(None::<NaiveTime>),
            opening_hours::afternoon_end.eq(None::<NaiveTime>),
        ))
        .execute(&mut conn)
        .unwrap();
    // A bookable item of the city hall served by exactly one window.
    let item: ServiceId = window_services::table
        .inner_join(onestop::db::schema::service_items::table)
        .filter(onestop::db::schema::service_items::bookable_online.eq(true))
        .filter(onestop::db::schema::service_items::hall_id.eq(1))
        .group_by(window_services::service_id)
        .having(diesel::dsl::count_star().eq(1))
        .select(window_services::service_id)
        .first(&mut conn)
        .unwrap();
    let hash = onestop::accounts::password::hash(crate::helpers::PASSWORD).unwrap();
    let now = state.clock.now_utc();
    let people = (0..PEOPLE)
        .map(|n| {
            onestop::accounts::repo::insert_account(
                &mut conn,
                onestop::accounts::models::NewAccount {
                    role: onestop::accounts::models::Role::Resident,
                    name: format!("候补{n}"),
                    phone: crate::helpers::phone(900 + n as u32),
                    id_number_cipher: None,
                    id_number_hash: Some(
                        state
                            .pii
                            .lookup_hash(&crate::helpers::id_number(900 + n as u32)),
                    ),
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
        item,
        tz: state.tz(),
    }
}

fn reset(conn: &mut DbConn) {
    diesel::delete(place_holds::table).execute(conn).unwrap();
    diesel::delete(notifications::table).execute(conn).unwrap();
    diesel::update(waitlist_entries::table)
        .set(waitlist_entries::booking_id.eq(None::<i32>))
        .execute(conn)
        .unwrap();
    diesel::delete(waitlist_entries::table)
        .execute(conn)
        .unwrap();
    diesel::delete(booking_events::table).execute(conn).unwrap();
    diesel::delete(booking_items::table).execute(conn).unwrap();
    diesel::delete(bookings::table).execute(conn).unwrap();
    diesel::delete(slot_counters::table).execute(conn).unwrap();
}

fn code_of<T>(r: &Result<T, onestop::booking::error::BookingError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

#[test]
fn the_waiting_list_matches_the_reference_model() {
    let world = std::cell::RefCell::new(world());
    let config = ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let start: NaiveDateTime = "2026-12-01T00:00:00".parse().unwrap(); // 08:00 in Wuhai
    let stop: NaiveDateTime = "2026-12-01T22:00:00".parse().unwrap(); // 06:00 on the 2nd
    proptest!(config, |(ops in prop::collection::vec(op(), 20..60))| {
        let mut guard = world.borrow_mut();
        let w = &mut *guard;
        reset(&mut w.conn);
        let mut m = Model::default();
        let mut now = start;
        let day = DAY.parse().unwrap();
        let t = |s: usize| NaiveTime::parse_from_str(SLOTS[s], "%H:%M").unwrap();
        for op in ops {
            match op {
                Op::Book(p, s) => {
                    let expected = if m.active(p) >= 3 {
                        "limit_reached"
                    } else if m.active(p) > 0 {
                        "duplicate_booking"
                    } else if m.used(s) >= CAPACITY {
                        "slot_full"
                    } else {
                        "ok"
                    };
                    let got = service::book(&mut w.conn, &BookRequest { account: w.people[p], services: vec![w.item], date: day, start: t(s) }, now, w.tz);
                    prop_assert_eq!(code_of(&got), expected, "book {} {}", p, s);
                    if let Ok(b) = got {
                        m.bookings.push((p, s, b.code, true));
                        if let Some(i) = m.live(p) {
                            m.end_offer(i, St::Booked, now);
                        }
                    }
                }
                Op::Cancel(p, n) => {
                    let mine: Vec<usize> = m.bookings.iter().enumerate().filter(|(_, b)| b.0 == p && b.3).map(|(i, _)| i).collect();
                    let Some(&i) = mine.get(n % mine.len().max(1)) else { continue };
                    let got = service::cancel(&mut w.conn, w.people[p], &m.bookings[i].2, now, w.tz, Guard::On);
                    prop_assert!(got.is_ok(), "cancel: {:?}", got.err());
                    m.bookings[i].3 = false;
                    let slot = m.bookings[i].1;
                    m.place(slot, now);
                }
                Op::Join(p, s) => {
                    let wanted: Vec<usize> = match s { Some(s) => vec![s], None => vec![0, 1] };
                    let expected = if wanted.iter().any(|s| m.used(*s) < CAPACITY) {
                        "places_available"
                    } else if m.active(p) >= 3 {
                        "limit_reached"
                    } else if m.active(p) > 0 {
                        "duplicate_booking"
                    } else if m.live(p).is_some() {
                        "already_waiting"
                    } else {
                        "ok"
                    };
                    let got = waitlist::join(&mut w.conn, &JoinRequest { account: w.people[p], service: w.item, date: day, start: s.map(t) }, now, w.tz);
                    prop_assert_eq!(code_of(&got), expected, "join {} {:?}", p, s);
                    if let Ok((e, _)) = got {
                        m.entries.push(MEntry { id: e.id, person: p, slot: s, status: St::Waiting, offer: None });
                    }
                }
                Op::Leave(p) => {
                    let Some(i) = m.live(p) else { continue };
                    let got = waitlist::leave(&mut w.conn, w.people[p], m.entries[i].id, now, w.tz);
                    prop_assert!(got.is_ok(), "leave: {:?}", got.err());
                    m.end_offer(i, St::Cancelled, now);
                }
                Op::Accept(p) => {
                    let Some(i) = m.entries.iter().rposition(|e| e.person == p) else { continue };
                    let e = m.entries[i].clone();
                    let expected = match (e.status, e.offer) {
                        (St::Offered, Some((_, until, _))) if until <= now => "offer_expired",
                        (St::Offered, _) if m.active(p) >= 3 => "limit_reached",
                        (St::Offered, _) if m.active(p) > 0 => "duplicate_booking",
                        (St::Offered, _) => "ok",
                        (St::Expired, _) => "offer_expired",
                        _ => "invalid_state",
                    };
                    let got = waitlist::accept(&mut w.conn, w.people[p], e.id, now, w.tz, Guard::On);
                    prop_assert_eq!(code_of(&got), expected, "accept {} {:?}", p, e.status);
                    match got {
                        Ok(b) => {
                            let slot = e.offer.map(|o| o.0).unwrap();
                            prop_assert_eq!(b.start_time, t(slot));
                            m.bookings.push((p, slot, b.code, true));
                            m.entries[i].status = St::Booked;
                            m.entries[i].offer = None;
                        }
                        Err(_) if expected == "offer_expired" && e.status == St::Offered => {
                            m.end_offer(i, St::Expired, now);
                        }
                        Err(_) => {}
                    }
                }
                Op::Tick(minutes) => {
                    let next = now + Duration::minutes(minutes);
                    if next >= stop { continue; }
                    now = next;
                    worker::sweep(&mut w.conn, now, w.tz).unwrap();
                    m.sweep(now);
                }
            }
            // Counters count bookings and held places; statuses agree.
            for s in 0..2 {
                let counter: i32 = slot_counters::table
                    .filter(slot_counters::day.eq(day).and(slot_counters::start_time.eq(t(s))))
                    .select(slot_counters::booked)
                    .first(&mut w.conn)
                    .optional()
                    .unwrap()
                    .unwrap_or(0);
                prop_assert_eq!(counter as usize, m.used(s), "counter of slot {}", s);
                prop_assert!(counter as usize <= CAPACITY, "never over capacity");
            }
            for e in &m.entries {
                let status: String = waitlist_entries::table.find(e.id).select(waitlist_entries::status).first(&mut w.conn).unwrap();
                prop_assert_eq!(status.as_str(), e.status.text(), "entry of person {}", e.person);
            }
            let holds: i64 = place_holds::table.count().get_result(&mut w.conn).unwrap();
            prop_assert_eq!(holds as usize, m.entries.iter().filter(|e| e.status == St::Offered).count());
        }
    });
}
