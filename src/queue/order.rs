//! The one fair queue, as plain functions: who is called next, how many are
//! ahead, and how long the wait is likely to be.

use std::cmp::Ordering;

use chrono::{Duration, NaiveDateTime};

use super::models::Ticket;

/// Priority (绿色通道) first; then appointments whose slot has begun and
/// anyone who has waited past the starvation limit; then everyone else —
/// within each class in arrival order.
pub fn class(t: &Ticket, now: NaiveDateTime, starvation: Duration) -> u8 {
    if t.priority_reason.is_some() {
        0
    } else if t.appointment_at.is_some_and(|a| a <= now) || now - t.queue_since >= starvation {
        1
    } else {
        2
    }
}

pub fn compare(a: &Ticket, b: &Ticket, now: NaiveDateTime, starvation: Duration) -> Ordering {
    (class(a, now, starvation), a.queue_since, a.id).cmp(&(
        class(b, now, starvation),
        b.queue_since,
        b.id,
    ))
}

/// Sorts candidates into calling order.
pub fn in_calling_order(tickets: &mut [Ticket], now: NaiveDateTime, starvation: Duration) {
    tickets.sort_by(|a, b| compare(a, b, now, starvation));
}

/// Minutes until a ticket is likely to be called: the tickets ahead share
/// the open windows that can serve it, each taking the item's average time.
pub fn estimated_wait_minutes(ahead: usize, avg_service_minutes: f64, open_windows: usize) -> i64 {
    if ahead == 0 {
        return 0;
    }
    let windows = open_windows.max(1) as f64;
    ((ahead as f64) * avg_service_minutes / windows).ceil() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::ids::{HallId, ServiceId};
    use crate::queue::models::TicketStatus;

    fn at(min: i64) -> NaiveDateTime {
        "2026-12-01T09:00:00".parse::<NaiveDateTime>().unwrap() + Duration::minutes(min)
    }

    fn ticket(id: i32, arrived: i64, priority: bool, appointment: Option<i64>) -> Ticket {
        Ticket {
            id: crate::db::ids::TicketId(id),
            hall_id: HallId(1),
            day: at(0).date(),
            letter: "A".into(),
            seq: id,
            number: format!("A{id:03}"),
            service_id: ServiceId(1),
            booking_id: appointment.map(|_| crate::db::ids::BookingId(id)),
            status: TicketStatus::Waiting,
            priority_reason: priority.then(|| "elderly".to_string()),
            appointment_at: appointment.map(at),
            queue_since: at(arrived),
            issued_at: at(arrived),
            target_window_id: None,
            window_id: None,
            clerk_id: None,
            call_count: 0,
            called_at: None,
            started_at: None,
            finished_at: None,
            wait_seconds: None,
            service_seconds: None,
        }
    }

    #[test]
    fn priority_then_begun_appointments_then_arrival_order() {
        let now = at(20);
        let mut q = vec![
            ticket(1, 0, false, None),      // walk-in, 20 min
            ticket(2, 5, false, Some(30)),  // appointment not yet begun
            ticket(3, 10, false, Some(15)), // appointment begun
            ticket(4, 18, true, None),      // priority
            ticket(5, 2, false, None),      // walk-in
        ];
        in_calling_order(&mut q, now, Duration::minutes(30));
        let ids: Vec<i32> = q.iter().map(|t| t.id.0).collect();
        assert_eq!(
            ids,
            vec![4, 3, 1, 5, 2],
            "a not-yet-begun appointment waits in arrival order"
        );
    }

    #[test]
    fn a_long_wait_moves_a_walk_in_up_so_nobody_starves() {
        let now = at(40);
        let mut q = vec![
            ticket(1, 0, false, None),
            ticket(2, 30, false, Some(35)),
            ticket(3, 1, false, None),
        ];
        in_calling_order(&mut q, now, Duration::minutes(30));
        let ids: Vec<i32> = q.iter().map(|t| t.id.0).collect();
        assert_eq!(
            ids,
            vec![1, 3, 2],
            "40 and 39 minutes of waiting rank with begun appointments, by arrival"
        );
    }

    #[test]
    fn estimates_share_the_work_between_open_windows() {
        assert_eq!(estimated_wait_minutes(0, 10.0, 3), 0);
        assert_eq!(estimated_wait_minutes(5, 10.0, 2), 25);
        assert_eq!(estimated_wait_minutes(1, 7.5, 4), 2);
        assert_eq!(
            estimated_wait_minutes(3, 10.0, 0),
            30,
            "no open window: as if one"
        );
    }
}
