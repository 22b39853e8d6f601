//! Window slots: cut from the hall's opening sessions, on the days the hall
//! is open, within the booking horizon. All in hall-local time.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::hall::calendar::WorkCalendar;
use crate::hall::models::{Hall, OpeningHours};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The slots of one day: each open session cut into `minutes`-long pieces
/// (a remainder too short for a slot is left out).
pub fn day_slots(hours: &OpeningHours, minutes: i32) -> Vec<Slot> {
    let step = Duration::minutes(i64::from(minutes.max(5)));
    let mut out = Vec::new();
    for (start, end) in hours.sessions() {
        let mut t = start;
        while t + step <= end && t < t + step {
            out.push(Slot {
                start: t,
                end: t + step,
            });
            t += step;
        }
    }
    out
}

/// The days that can be booked: the next `booking_horizon_days` days the hall
/// is open, starting today — today only before the same-day cut-off.
pub fn bookable_days(
    hall: &Hall,
    week: &[OpeningHours],
    calendar: &WorkCalendar,
    now_local: NaiveDateTime,
) -> Vec<NaiveDate> {
    let today = now_local.date();
    let mut days = Vec::new();
    for offset in 0..90 {
        if days.len() >= hall.booking_horizon_days as usize {
            break;
        }
        let date = today + Duration::days(offset);
        if date == today && now_local.time() >= hall.same_day_cutoff {
            continue;
        }
        if calendar.hours_on(date, week).is_some() {
            days.push(date);
        }
    }
    days
}

/// The slots of `date` still open for booking: on a bookable day, starting
/// at least `min_lead_minutes` from now.
pub fn open_slots(
    hall: &Hall,
    week: &[OpeningHours],
    calendar: &WorkCalendar,
    date: NaiveDate,
    now_local: NaiveDateTime,
) -> Option<Vec<Slot>> {
    if !bookable_days(hall, week, calendar, now_local).contains(&date) {
        return None;
    }
    let hours = calendar.hours_on(date, week)?;
    let earliest = now_local + Duration::minutes(i64::from(hall.min_lead_minutes));
    Some(
        day_slots(hours, hall.slot_minutes)
            .into_iter()
            .filter(|s| date.and_time(s.start) >= earliest)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::ids::HallId;
    use crate::hall::models::{CalendarDay, DayKind, HallLevel};

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    pub fn hall() -> Hall {
        Hall {
            id: HallId(1),
            code: "T".into(),
            name: "T".into(),
            level: HallLevel::City,
            parent_id: None,
            address: String::new(),
            phone: String::new(),
            complaint_phone: "12345".into(),
            slot_minutes: 30,
            slot_capacity: 4,
            online_share_percent: 50,
            active: true,
            created_at: dt("2026-01-01 00:00"),
            booking_horizon_days: 7,
            same_day_cutoff: t("12:00"),
            min_lead_minutes: 30,
            cancel_cutoff_minutes: 60,
            max_active_bookings: 3,
            no_show_limit: 3,
            no_show_window_days: 90,
            suspension_days: 30,
            checkin_early_minutes: 30,
            checkin_late_minutes: 15,
            starvation_minutes: 30,
            waitlist_hold_minutes: 120,
            release_delay_minutes: 10,
            cancel_limit: 5,
            cancel_window_days: 30,
            cancel_suspension_days: 7,
            limit_counts_items: false,
            follow_up_days: 5,
            default_rating_days: 0,
            default_rating_grade: 5,
        }
    }

    fn week() -> Vec<OpeningHours> {
        (1..=5)
            .map(|wd| OpeningHours {
                hall_id: HallId(1),
                weekday: wd,
                morning_start: Some(t("08:30")),
                morning_end: Some(t("12:00")),
                afternoon_start: Some(t("14:00")),
                afternoon_end: Some(t("17:30")),
            })
            .collect()
    }

    #[test]
    fn a_day_is_cut_into_half_hour_slots_per_session() {
        let slots = day_slots(&week()[0], 30);
        assert_eq!(slots.len(), 14);
        assert_eq!(
            slots[0],
            Slot {
                start: t("08:30"),
                end: t("09:00")
            }
        );
        assert_eq!(slots[6].end, t("12:00"));
        assert_eq!(slots[7].start, t("14:00"));
        assert_eq!(
            day_slots(&week()[0], 45).len(),
            8,
            "4 + 4, remainders dropped"
        );
    }

    #[test]
    fn the_horizon_is_seven_open_days_skipping_holidays_and_counting_adjusted_days() {
        // Wed 30 Sep 2026, 10:00: National Day holiday 1–7 Oct, Sat 10 Oct a working day.
        let cal = WorkCalendar::new(
            &(1..=7)
                .map(|d| CalendarDay {
                    day: NaiveDate::from_ymd_opt(2026, 10, d).unwrap(),
                    kind: DayKind::Holiday,
                    name: "国庆节".into(),
                })
                .chain([CalendarDay {
                    day: NaiveDate::from_ymd_opt(2026, 10, 10).unwrap(),
                    kind: DayKind::Workday,
                    name: "调休".into(),
                }])
                .collect::<Vec<_>>(),
        );
        let days = bookable_days(&hall(), &week(), &cal, dt("2026-09-30 10:00"));
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            days,
            vec![
                d("2026-09-30"),
                d("2026-10-08"),
                d("2026-10-09"),
                d("2026-10-10"),
                d("2026-10-12"),
                d("2026-10-13"),
                d("2026-10-14")
            ]
        );
        // After the noon cut-off today is no longer offered.
        let days = bookable_days(&hall(), &week(), &cal, dt("2026-09-30 12:30"));
        assert_eq!(days[0], d("2026-10-08"));
    }

    #[test]
    fn past_slots_and_those_too_soon_are_not_open() {
        let cal = WorkCalendar::default();
        let date = "2026-12-01".parse().unwrap();
        let open = open_slots(&hall(), &week(), &cal, date, dt("2026-12-01 09:10")).unwrap();
        assert_eq!(
            open[0].start,
            t("10:00"),
            "09:30 starts within the 30-minute lead"
        );
        assert!(
            open_slots(
                &hall(),
                &week(),
                &cal,
                "2026-12-05".parse().unwrap(),
                dt("2026-12-01 09:10")
            )
            .is_none(),
            "Saturday"
        );
        assert!(
            open_slots(
                &hall(),
                &week(),
                &cal,
                "2026-11-30".parse().unwrap(),
                dt("2026-12-01 09:10")
            )
            .is_none(),
            "yesterday"
        );
    }
}
