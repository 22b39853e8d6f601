//! The one source of "now". Production reads the system clock; `ONESTOP_NOW`
//! (demos and tests) starts the clock at a fixed instant and lets it run on.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
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

// The conversions between stored instants (UTC `NaiveDateTime`) and the
// hall's wall clock. Everything converts through these.

/// A stored UTC instant as a hall-local date and time with its zone.
pub fn to_local(utc: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    tz.from_utc_datetime(&utc)
}

/// A stored UTC instant as hall-local wall-clock time.
pub fn local(utc: NaiveDateTime, tz: Tz) -> NaiveDateTime {
    to_local(utc, tz).naive_local()
}

/// The UTC instant of a hall-local wall-clock time. A time that a
/// daylight-saving change makes ambiguous is read as its earlier instant; one
/// it skips is read with the offset in force just before.
pub fn utc_of(local: NaiveDateTime, tz: Tz) -> NaiveDateTime {
    match tz.from_local_datetime(&local).earliest() {
        Some(d) => d.naive_utc(),
        None => {
            let offset = tz.offset_from_utc_datetime(&local).fix();
            local - chrono::Duration::seconds(i64::from(offset.local_minus_utc()))
        }
    }
}

/// `2026-12-01 09:30` in the hall's time zone.
pub fn format_local(utc: NaiveDateTime, tz: Tz) -> String {
    to_local(utc, tz).format("%Y-%m-%d %H:%M").to_string()
}

/// An instant for the API: RFC 3339 with the hall's offset
/// (`2026-12-01T09:30:00+08:00`).
pub fn rfc3339(utc: NaiveDateTime, tz: Tz) -> String {
    to_local(utc, tz).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
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

    #[test]
    fn local_and_utc_convert_both_ways_across_zones() {
        let utc: NaiveDateTime = "2026-12-01T01:30:00".parse().unwrap();
        let sh = chrono_tz::Asia::Shanghai;
        assert_eq!(local(utc, sh).to_string(), "2026-12-01 09:30:00");
        assert_eq!(utc_of(local(utc, sh), sh), utc);
        assert_eq!(rfc3339(utc, sh), "2026-12-01T09:30:00+08:00");
        // 02:30 on 8 March 2026 does not exist in New York; it is read with
        // the offset before the change (EST, -5).
        let ny = chrono_tz::America::New_York;
        let gap: NaiveDateTime = "2026-03-08T02:30:00".parse().unwrap();
        assert_eq!(utc_of(gap, ny).to_string(), "2026-03-08 07:30:00");
    }
}
