//! Business limits that are plain functions of history.

use chrono::{Duration, NaiveDate};

/// Online booking is suspended for `suspension_days` after the no-show that
/// brings the count within any `window_days` window to `limit`. Returns the
/// first day booking is allowed again, when suspended today.
pub fn suspended_until(
    no_shows: &[NaiveDate],
    today: NaiveDate,
    limit: i32,
    window_days: i32,
    suspension_days: i32,
) -> Option<NaiveDate> {
    let mut days = no_shows.to_vec();
    days.sort_unstable();
    let limit = limit.max(1) as usize;
    days.iter()
        .enumerate()
        .filter(|(i, _)| *i + 1 >= limit)
        .filter_map(|(i, &latest)| {
            let first = days[i + 1 - limit];
            let within = latest - first < Duration::days(i64::from(window_days));
            let until = latest + Duration::days(i64::from(suspension_days));
            (within && today < until).then_some(until)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn three_no_shows_within_ninety_days_suspend_for_thirty() {
        let shows = [d("2026-09-01"), d("2026-10-01"), d("2026-11-20")];
        assert_eq!(
            suspended_until(&shows, d("2026-11-28"), 3, 90, 30),
            Some(d("2026-12-20"))
        );
        assert_eq!(
            suspended_until(&shows, d("2026-12-20"), 3, 90, 30),
            None,
            "the suspension has ended"
        );
        assert_eq!(
            suspended_until(&shows[..2], d("2026-11-28"), 3, 90, 30),
            None,
            "two are not enough"
        );
    }

    #[test]
    fn no_shows_spread_over_more_than_the_window_do_not_count_together() {
        let shows = [d("2026-06-01"), d("2026-08-01"), d("2026-11-20")];
        assert_eq!(suspended_until(&shows, d("2026-11-28"), 3, 90, 30), None);
        let shows = [
            d("2026-06-01"),
            d("2026-08-01"),
            d("2026-08-15"),
            d("2026-11-20"),
        ];
        assert_eq!(
            suspended_until(&shows, d("2026-08-20"), 3, 90, 30),
            Some(d("2026-09-14"))
        );
        assert_eq!(suspended_until(&shows, d("2026-11-28"), 3, 90, 30), None);
    }
}
