//! A case's clock (办件时限): working days counted from acceptance, not
//! counting those the case was suspended (行政许可法 Art. 45), with an
//! approved extension added (Art. 42). Plain functions of the calendar.

use chrono::NaiveDate;

use crate::hall::calendar::WorkCalendar;

/// Days a suspension covers: `from` up to (not including) `to`, the day it
/// was resumed; an open one covers up to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Stop {
    fn covers(&self, day: NaiveDate, today: NaiveDate) -> bool {
        match self.to {
            Some(to) => self.from <= day && day < to,
            None => self.from <= day && day <= today,
        }
    }
}

/// Whether `day` counts toward the case's limit: a working day not covered
/// by a suspension.
fn counts(calendar: &WorkCalendar, stops: &[Stop], day: NaiveDate, today: NaiveDate) -> bool {
    calendar.is_working_day(day) && !stops.iter().any(|s| s.covers(day, today))
}

/// The date by which `limit` counting working days after `accepted` have
/// passed (a limit of 0: the day of acceptance). While a suspension is
/// open the date moves on day by day: it is what it would be were the case
/// resumed tomorrow.
pub fn due(
    calendar: &WorkCalendar,
    accepted: NaiveDate,
    limit: u32,
    stops: &[Stop],
    today: NaiveDate,
) -> NaiveDate {
    let mut day = accepted;
    let mut left = limit;
    // A limit is at most a few hundred working days; the bound stops a
    // calendar with no working days from looping for ever.
    for _ in 0..10_000 {
        if left == 0 {
            break;
        }
        day = day.succ_opt().unwrap_or(day);
        if counts(calendar, stops, day, today) {
            left -= 1;
        }
    }
    day
}

/// Working days a suspension took off the clock (for the case's record):
/// those it covered after the day of acceptance, which never counts.
pub fn stopped_days(
    calendar: &WorkCalendar,
    stop: Stop,
    accepted: NaiveDate,
    today: NaiveDate,
) -> i32 {
    let end = stop.to.unwrap_or_else(|| today.succ_opt().unwrap_or(today));
    let mut day = stop.from.max(accepted.succ_opt().unwrap_or(accepted));
    let mut n = 0;
    while day < end {
        if calendar.is_working_day(day) {
            n += 1;
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    n
}

/// Working days from `today` until `due`: positive while time is left,
/// 0 on the day itself, negative when overdue.
pub fn working_days_left(calendar: &WorkCalendar, today: NaiveDate, due: NaiveDate) -> i64 {
    let (from, to, sign) = if due >= today {
        (today, due, 1)
    } else {
        (due, today, -1)
    };
    let mut day = from;
    let mut n = 0;
    while day < to {
        day = match day.succ_opt() {
            Some(d) => d,
            None => break,
        };
        if calendar.is_working_day(day) {
            n += 1;
        }
    }
    sign * n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hall::models::{CalendarDay, DayKind};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// National Day 2026: 1–7 October off, Saturday 10 October worked (调休).
    fn october() -> WorkCalendar {
        let mut days: Vec<CalendarDay> = (1..=7)
            .map(|n| CalendarDay {
                day: NaiveDate::from_ymd_opt(2026, 10, n).unwrap(),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            })
            .collect();
        days.push(CalendarDay {
            day: d("2026-10-10"),
            kind: DayKind::Workday,
            name: "调休".into(),
        });
        WorkCalendar::new(&days)
    }

    #[test]
    fn working_days_skip_the_holiday_and_count_the_adjusted_saturday() {
        let cal = october();
        // Accepted Wednesday 30 September; 3 working days: 8, 9, 10 October.
        assert_eq!(
            due(&cal, d("2026-09-30"), 3, &[], d("2026-09-30")),
            d("2026-10-10")
        );
        assert_eq!(
            due(&cal, d("2026-09-30"), 0, &[], d("2026-09-30")),
            d("2026-09-30")
        );
    }

    #[test]
    fn a_suspension_moves_the_date_by_the_working_days_it_covered() {
        let cal = october();
        // Accepted Monday 12 October, 5 working days: due Monday 19.
        assert_eq!(
            due(&cal, d("2026-10-12"), 5, &[], d("2026-10-12")),
            d("2026-10-19")
        );
        // Suspended Wednesday 14 to Friday 16 (resumed on the 16th): the
        // 14th and 15th do not count; due two working days later.
        let stop = Stop {
            from: d("2026-10-14"),
            to: Some(d("2026-10-16")),
        };
        assert_eq!(
            stopped_days(&cal, stop, d("2026-10-12"), d("2026-10-20")),
            2
        );
        assert_eq!(
            due(&cal, d("2026-10-12"), 5, &[stop], d("2026-10-20")),
            d("2026-10-21")
        );
        // Still suspended on Monday 19: as if resumed on Tuesday 20.
        let open = Stop {
            from: d("2026-10-14"),
            to: None,
        };
        assert_eq!(
            due(&cal, d("2026-10-12"), 5, &[open], d("2026-10-19")),
            d("2026-10-23")
        );
        assert_eq!(
            stopped_days(&cal, open, d("2026-10-12"), d("2026-10-19")),
            4
        );
        // Suspended on the day of acceptance: that day never counted.
        let same_day = Stop {
            from: d("2026-10-12"),
            to: Some(d("2026-10-14")),
        };
        assert_eq!(
            stopped_days(&cal, same_day, d("2026-10-12"), d("2026-10-20")),
            1
        );
        assert_eq!(
            due(&cal, d("2026-10-12"), 5, &[same_day], d("2026-10-20")),
            d("2026-10-20")
        );
    }

    #[test]
    fn days_left_count_working_days_either_way() {
        let cal = october();
        assert_eq!(working_days_left(&cal, d("2026-09-30"), d("2026-10-09")), 2);
        assert_eq!(working_days_left(&cal, d("2026-10-09"), d("2026-10-09")), 0);
        assert_eq!(
            working_days_left(&cal, d("2026-10-12"), d("2026-10-08")),
            -3
        );
    }
}
