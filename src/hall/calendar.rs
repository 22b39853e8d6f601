//! Working days: Monday to Friday, minus public holidays, plus the weekend
//! days the State Council declares working days (调休). Legal and promised
//! time limits are counted on this calendar; a hall is open on a working day
//! when it has hours for it.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};

use super::models::{CalendarDay, DayKind, OpeningHours};

#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    days: HashMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    pub fn new(days: &[CalendarDay]) -> Self {
        WorkCalendar {
            days: days.iter().map(|d| (d.day, d.kind)).collect(),
        }
    }

    pub fn kind_of(&self, date: NaiveDate) -> Option<DayKind> {
        self.days.get(&date).copied()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.kind_of(date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The date `n` working days after `start` (a case accepted on `start`
    /// with a limit of `n` working days is due at the end of that date).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().unwrap_or(date);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The hours a hall keeps on `date`: none on a holiday; on a 调休 working
    /// day the Monday timetable (a weekday timetable stands in for the
    /// weekend day that has become a working day).
    pub fn hours_on<'a>(
        &self,
        date: NaiveDate,
        week: &'a [OpeningHours],
    ) -> Option<&'a OpeningHours> {
        let weekday = match self.kind_of(date) {
            Some(DayKind::Holiday) => return None,
            Some(DayKind::Workday) if date.weekday().number_from_monday() > 5 => 1,
            _ => date.weekday().number_from_monday() as i32,
        };
        week.iter()
            .find(|h| h.weekday == weekday)
            .filter(|h| !h.sessions().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::ids::HallId;
    use chrono::NaiveTime;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn calendar() -> WorkCalendar {
        WorkCalendar::new(&[
            CalendarDay {
                day: d("2026-10-01"),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            CalendarDay {
                day: d("2026-10-02"),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            CalendarDay {
                day: d("2026-10-05"),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            CalendarDay {
                day: d("2026-10-06"),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            CalendarDay {
                day: d("2026-10-07"),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            CalendarDay {
                day: d("2026-10-10"),
                kind: DayKind::Workday,
                name: "调休上班".into(),
            },
        ])
    }

    #[test]
    fn holidays_close_and_adjusted_weekends_open() {
        let c = calendar();
        assert!(
            !c.is_working_day(d("2026-10-01")),
            "National Day is a holiday"
        );
        assert!(
            c.is_working_day(d("2026-10-10")),
            "Saturday 10 October is a 调休 working day"
        );
        assert!(!c.is_working_day(d("2026-10-11")), "an ordinary Sunday");
        assert!(c.is_working_day(d("2026-10-08")));
    }

    #[test]
    fn working_days_skip_holidays_and_count_adjusted_days() {
        let c = calendar();
        // Accepted Wed 30 Sep; Oct 1-7 closed, Thu 8, Fri 9, Sat 10 (调休), Mon 12.
        assert_eq!(c.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
        assert_eq!(c.add_working_days(d("2026-09-30"), 3), d("2026-10-10"));
        assert_eq!(c.add_working_days(d("2026-09-30"), 4), d("2026-10-12"));
        assert_eq!(c.add_working_days(d("2026-09-30"), 0), d("2026-09-30"));
    }

    #[test]
    fn an_adjusted_saturday_keeps_monday_hours() {
        let t = |s: &str| Some(NaiveTime::parse_from_str(s, "%H:%M").unwrap());
        let week: Vec<OpeningHours> = (1..=5)
            .map(|wd| OpeningHours {
                hall_id: HallId(1),
                weekday: wd,
                morning_start: t("08:30"),
                morning_end: t("12:00"),
                afternoon_start: t("14:00"),
                afternoon_end: t("17:30"),
            })
            .collect();
        let c = calendar();
        assert!(c.hours_on(d("2026-10-10"), &week).is_some());
        assert!(c.hours_on(d("2026-10-11"), &week).is_none());
        assert!(c.hours_on(d("2026-10-01"), &week).is_none());
        assert_eq!(
            c.hours_on(d("2026-10-09"), &week).map(|h| h.weekday),
            Some(5)
        );
    }
}
