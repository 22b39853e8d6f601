//! A property test of the ticket and booking state machine: random
//! sequences of kiosk and clerk actions on the real queue service, against
//! a small reference model. Visits carry one item or two (一窗受理): the
//! clerk records an outcome per item, a transfer may leave some items
//! decided here, and each item accepted opens its own case. Moves the model
//! forbids must be refused (the API answers them with 409 or 422), and
//! bookings must follow their tickets.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use onestop::accounts::models::Role;
use onestop::booking::service::{BookRequest, book};
use onestop::db::ids::{AccountId, ServiceId, WindowId};
use onestop::db::schema::{booking_events, bookings, ticket_counters, ticket_events, tickets};
use onestop::queue::calls::{self, Action, Decision, Decisions, Destination};
use onestop::queue::error::QueueError;
use onestop::queue::models::Outcome;
use onestop::queue::{issue, staffing};
use proptest::prelude::*;

use crate::helpers::{TestBackend, TestDb, test_settings};

#[derive(Debug, Clone)]
enum Op {
    /// A walk-in for one item, or for both items at once.
    WalkIn(bool),
    CheckIn,
    CallNext,
    Act(usize, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => any::<bool>().prop_map(Op::WalkIn),
        2 => Just(Op::CheckIn),
        3 => Just(Op::CallNext),
        6 => (0..12usize, 0..8u8).prop_map(|(t, a)| Op::Act(t, a)),
    ]
}

fn decision(outcome: Outcome) -> Decision {
    Decision {
        outcome,
        missing: if outcome == Outcome::Incomplete {
            vec!["户口簿".into()]
        } else {
            vec![]
        },
        reason: String::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum S {
    Waiting,
    Called(i32),
    Serving,
    Completed,
    NoShow,
    Transferred,
}

struct World {
    _db: TestDb,
    conn: onestop::db::PooledConn,
    item: ServiceId,
    /// A second item both windows serve: a visit may carry both.
    second: ServiceId,
    /// Items per booking, by index (even bookings carry both items).
    booked: Vec<usize>,
    window: WindowId,
    other_window: i32,
    clerk: AccountId,
    codes: Vec<String>,
    phones: Vec<String>,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
}

fn utc(s: &str) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&Utc)
        .naive_utc()
}

fn world() -> World {
    let db = TestDb::new(TestBackend::from_env());
    let mut settings = test_settings(&db);
    settings.now = Some(
        DateTime::parse_from_rfc3339("2026-12-01T08:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc),
    );
    let state = onestop::startup::prepare(settings).expect("prepare").state;
    let tz = state.tz();
    let mut conn = state.db.get().unwrap();
    use onestop::db::schema::{halls, window_services};
    diesel::update(halls::table)
        .set((
            halls::slot_capacity.eq(20),
            halls::online_share_percent.eq(50),
        ))
        .execute(&mut conn)
        .unwrap();
    // Two bookable items served by exactly the same two windows: the clerk
    // works at one, transfers go to the other.
    let pairs: Vec<(ServiceId, WindowId)> = window_services::table
        .inner_join(onestop::db::schema::service_items::table)
        .filter(onestop::db::schema::service_items::bookable_online.eq(true))
        .select((window_services::service_id, window_services::window_id))
        .load(&mut conn)
        .unwrap();
    let windows_of = |s: ServiceId| -> Vec<WindowId> {
        let mut ws: Vec<WindowId> = pairs
            .iter()
            .filter(|(x, _)| *x == s)
            .map(|(_, w)| *w)
            .collect();
        ws.sort();
        ws
    };
    let mut items: Vec<ServiceId> = pairs.iter().map(|(s, _)| *s).collect();
    items.sort();
    items.dedup();
    let (item, second, windows) = items
        .iter()
        .filter(|s| windows_of(**s).len() == 2)
        .find_map(|s| {
            let ws = windows_of(*s);
            items
                .iter()
                .find(|o| *o != s && windows_of(**o) == ws)
                .map(|o| (*s, *o, ws.clone()))
        })
        .expect("two items served by the same two windows");
    let number = |conn: &mut onestop::db::DbConn, w: WindowId| -> i32 {
        onestop::db::schema::windows::table
            .find(w)
            .select(onestop::db::schema::windows::number)
            .first(conn)
            .unwrap()
    };
    let (mine, other) = (number(&mut conn, windows[0]), number(&mut conn, windows[1]));
    let clerk = onestop::accounts::create::add_user(
        &mut conn,
        &onestop::accounts::create::AddUser {
            role: Role::Clerk,
            phone: "13904739901".into(),
            name: "模型窗口".into(),
            password: crate::helpers::PASSWORD.into(),
            id_number: None,
            hall: None,
            window: Some(mine),
            department: None,
            must_change_password: false,
        },
        &state.pii,
        utc("2026-12-01T08:00:00+08:00"),
    )
    .unwrap();
    staffing::take_window(
        &mut conn,
        windows[0],
        clerk,
        utc("2026-12-01T08:00:00+08:00"),
    )
    .unwrap();
    // Someone staffs the other window: transfers go only to staffed ones.
    let colleague = onestop::accounts::create::add_user(
        &mut conn,
        &onestop::accounts::create::AddUser {
            role: Role::Clerk,
            phone: "13904739902".into(),
            name: "模型同事".into(),
            password: crate::helpers::PASSWORD.into(),
            id_number: None,
            hall: None,
            window: Some(other),
            department: None,
            must_change_password: false,
        },
        &state.pii,
        utc("2026-12-01T08:00:00+08:00"),
    )
    .unwrap();
    staffing::take_window(
        &mut conn,
        windows[1],
        colleague,
        utc("2026-12-01T08:00:00+08:00"),
    )
    .unwrap();
    let hash = onestop::accounts::password::hash(crate::helpers::PASSWORD).unwrap();
    let mut codes = Vec::new();
    let mut phones = Vec::new();
    let mut booked = Vec::new();
    for n in 0..8u32 {
        let phone = crate::helpers::phone(800 + n);
        let id = onestop::accounts::repo::insert_account(
            &mut conn,
            onestop::accounts::models::NewAccount {
                role: Role::Resident,
                name: format!("模型{n}"),
                phone: phone.clone(),
                id_number_cipher: None,
                id_number_hash: Some(state.pii.lookup_hash(&crate::helpers::id_number(800 + n))),
                password_hash: hash.clone(),
                hall_id: None,
                department_id: None,
                window_id: None,
                must_change_password: false,
                created_at: utc("2026-12-01T08:00:00+08:00"),
                updated_at: utc("2026-12-01T08:00:00+08:00"),
            },
        )
        .unwrap();
        let services = if n % 2 == 0 {
            vec![item, second]
        } else {
            vec![item]
        };
        booked.push(services.len());
        let b = book(
            &mut conn,
            &BookRequest {
                account: id,
                services,
                date: "2026-12-01".parse().unwrap(),
                start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            },
            utc("2026-12-01T08:00:00+08:00"),
            tz,
        )
        .unwrap();
        codes.push(b.code);
        phones.push(phone);
    }
    World {
        _db: db,
        conn,
        item,
        second,
        booked,
        window: windows[0],
        other_window: other,
        clerk,
        codes,
        phones,
        now: utc("2026-12-01T08:45:00+08:00"),
        tz,
    }
}

fn reset(w: &mut World) {
    use onestop::db::schema::{case_counters, case_events, cases};
    diesel::delete(case_events::table)
        .execute(&mut w.conn)
        .unwrap();
    diesel::delete(cases::table).execute(&mut w.conn).unwrap();
    diesel::delete(case_counters::table)
        .execute(&mut w.conn)
        .unwrap();
    diesel::delete(ticket_events::table)
        .execute(&mut w.conn)
        .unwrap();
    diesel::delete(onestop::db::schema::ticket_missing_materials::table)
        .execute(&mut w.conn)
        .unwrap();
    diesel::delete(onestop::db::schema::ticket_items::table)
        .execute(&mut w.conn)
        .unwrap();
    diesel::delete(tickets::table).execute(&mut w.conn).unwrap();
    diesel::delete(ticket_counters::table)
        .execute(&mut w.conn)
        .unwrap();
    diesel::delete(booking_events::table)
        .execute(&mut w.conn)
        .unwrap();
    diesel::update(bookings::table)
        .set(bookings::status.eq("booked"))
        .execute(&mut w.conn)
        .unwrap();
}

fn booking_status_for(s: S) -> &'static str {
    match s {
        S::Waiting | S::Transferred => "checked_in",
        S::Called(_) => "called",
        S::Serving => "serving",
        S::Completed => "completed",
        S::NoShow => "no_show",
    }
}

#[test]
fn tickets_and_bookings_follow_the_state_machine() {
    let world = std::cell::RefCell::new(world());
    let config = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(ops in prop::collection::vec(op(), 1..40))| {
        let mut guard = world.borrow_mut();
        let w = &mut *guard;
        reset(w);
        // Model: each ticket with its state, booking index if any and its
        // undecided items, in arrival order.
        struct M { id: onestop::db::ids::TicketId, s: S, booking: Option<usize>, open: usize }
        let mut model: Vec<M> = Vec::new();
        let mut next_booking = 0;
        for op in ops {
            let current = model.iter().position(|m| matches!(m.s, S::Called(_) | S::Serving));
            match op {
                Op::WalkIn(both) => {
                    let items = if both { vec![w.item, w.second] } else { vec![w.item] };
                    let t = issue::walk_in(&mut w.conn, &items, None, w.now, w.tz).unwrap();
                    model.push(M { id: t.id, s: S::Waiting, booking: None, open: items.len() });
                }
                Op::CheckIn => {
                    if next_booking >= w.codes.len() { continue; }
                    let last4 = w.phones[next_booking][7..].to_string();
                    let (t, new) = issue::check_in(&mut w.conn, &w.codes[next_booking], &last4, w.now, w.tz).unwrap();
                    prop_assert!(new);
                    model.push(M { id: t.id, s: S::Waiting, booking: Some(next_booking), open: w.booked[next_booking] });
                    next_booking += 1;
                }
                Op::CallNext => {
                    let got = calls::call_next(&mut w.conn, w.window, w.clerk, w.now, w.tz).map(|(t, _)| t.map(|t| t.id));
                    match current {
                        Some(_) => prop_assert_eq!(got, Err(QueueError::WindowBusy)),
                        None => {
                            let next = model.iter().position(|m| m.s == S::Waiting);
                            prop_assert_eq!(got, Ok(next.map(|i| model[i].id)));
                            if let Some(i) = next { model[i].s = S::Called(1); }
                        }
                    }
                }
                Op::Act(which, a) => {
                    if model.is_empty() { continue; }
                    let i = which % model.len();
                    let (id, s, open) = (model[i].id, model[i].s, model[i].open);
                    let all = |o| Decisions { all: Some(decision(o)), each: vec![] };
                    // The visit's first item is open whenever this window acts:
                    // a visit sent on with it decided is never back here.
                    let only_first = |o| Decisions { all: None, each: vec![(w.item, decision(o))] };
                    let action = match a {
                        0 => Action::Recall,
                        1 => Action::Start,
                        2 => Action::NoShow,
                        3 => Action::Complete { decisions: all(Outcome::Done), phone_last4: String::new() },
                        4 => Action::Complete { decisions: all(Outcome::Accepted), phone_last4: "1234".into() },
                        5 => Action::Transfer { to: Destination::Window(w.other_window), done: Decisions::default(), phone_last4: String::new() },
                        6 => Action::Complete { decisions: only_first(Outcome::Incomplete), phone_last4: String::new() },
                        _ => Action::Transfer { to: Destination::Window(w.other_window), done: only_first(Outcome::Accepted), phone_last4: String::new() },
                    };
                    // (next state, items left open, cases opened)
                    let expected: Result<(S, usize, usize), QueueError> = match (s, a) {
                        (S::Called(n), 0) if n >= 3 => Err(QueueError::TooManyCalls),
                        (S::Called(n), 0) => Ok((S::Called(n + 1), open, 0)),
                        (S::Called(_), 1) => Ok((S::Serving, open, 0)),
                        (S::Called(_), 2) => Ok((S::NoShow, open, 0)),
                        (S::Serving, 3) => Ok((S::Completed, 0, 0)),
                        (S::Serving, 4) => Ok((S::Completed, 0, open)),
                        (S::Serving, 6) if open == 1 => Ok((S::Completed, 0, 0)),
                        (S::Serving, 6) => Err(QueueError::Invalid("outcome_required")),
                        (S::Called(_) | S::Serving, 5) => Ok((S::Transferred, open, 0)),
                        (S::Called(_) | S::Serving, 7) if open == 2 => Ok((S::Transferred, 1, 1)),
                        (S::Called(_) | S::Serving, 7) => Err(QueueError::Invalid("nothing_to_transfer")),
                        (other, _) => Err(QueueError::IllegalMove(match other {
                            S::Waiting => "waiting",
                            S::Called(_) => "called",
                            S::Serving => "serving",
                            S::Completed => "completed",
                            S::NoShow => "no_show",
                            S::Transferred => "transferred",
                        })),
                    };
                    let got = calls::act(&mut w.conn, id, w.clerk, action, w.now);
                    match expected {
                        Ok((next, left, opened)) => {
                            let Ok(decided) = got else {
                                prop_assert!(false, "{:?} on {:?}: {:?}", a, s, got.err());
                                unreachable!();
                            };
                            prop_assert_eq!(decided.accepted.len(), opened, "applications accepted");
                            model[i].s = next;
                            model[i].open = left;
                        }
                        Err(e) => prop_assert_eq!(got.err(), Some(e)),
                    }
                    // The ticket's items say what is still open.
                    let undecided = onestop::queue::items::undecided_of(&mut w.conn, &[id]).unwrap();
                    prop_assert_eq!(undecided.get(&id).map_or(0, Vec::len), model[i].open, "open items of {}", id);
                }
            }
            // Bookings follow their tickets.
            for m in &model {
                if let Some(b) = m.booking {
                    let status: String = bookings::table.filter(bookings::code.eq(&w.codes[b])).select(bookings::status).first(&mut w.conn).unwrap();
                    prop_assert_eq!(status.as_str(), booking_status_for(m.s), "ticket {} in {:?}", m.id, m.s);
                }
            }
            // At most one ticket is at the window.
            prop_assert!(model.iter().filter(|m| matches!(m.s, S::Called(_) | S::Serving)).count() <= 1);
        }
    });
}
