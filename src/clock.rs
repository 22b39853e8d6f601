//! The one source of "now". Production reads the system clock; `ONESTOP_NOW`
//! (demos and tests) starts the clock at a fixed instant and lets it run on.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Milliseconds added to the system clock.
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Clock::default()
    }

    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        let clock = Clock::default();
        clock.set(start);
        clock
    }

    /// Moves the clock so that it reads `instant` now (tests and demos).
    pub fn set(&self, instant: DateTime<Utc>) {
        let offset = instant.timestamp_millis() - Utc::now().timestamp_millis();
        self.offset_ms.store(offset, Ordering::Relaxed);
    }

    pub fn now(&self) -> DateTime<Utc> {
        let offset = chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed));
        Utc::now() + offset
    }

    /// Now as the UTC `NaiveDateTime` stored in the database.
    pub fn now_utc(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }

    pub fn now_in(&self, tz: Tz) -> DateTime<Tz> {
        self.now().with_timezone(&tz)
    }

    pub fn today_in(&self, tz: Tz) -> NaiveDate {
        self.now_in(tz).date_naive()
    }
}

/// Converts a stored UTC instant to hall-local time.
pub fn to_local(utc: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    tz.from_utc_datetime(&utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_start_runs_on_from_that_instant() {
        let start = DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00")
            .map(|d| d.with_timezone(&Utc))
            .unwrap();
        let clock = Clock::starting_at(start);
        let now = clock.now();
        assert!(now >= start && now - start < chrono::Duration::seconds(5));
        assert_eq!(
            clock.today_in(chrono_tz::Asia::Shanghai),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }
}
