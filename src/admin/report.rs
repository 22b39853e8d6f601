//! What a statistics report holds, and the arithmetic of its figures.

use crate::cases::models::CaseStatus;
use crate::db::ids::{DepartmentId, HallId, ServiceId, WindowId};
use chrono::NaiveDate;

#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    pub hall: Option<HallId>,
    pub department: Option<DepartmentId>,
    pub window: Option<WindowId>,
    pub service: Option<ServiceId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayRow {
    pub date: NaiveDate,
    pub bookings: i64,
    pub cancelled: i64,
    pub no_show: i64,
    pub check_ins: i64,
    pub walk_ins: i64,
    pub completed: i64,
    /// Items given an outcome at a window (a visit of three items is three).
    pub items_served: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub days: Vec<DayRow>,
    pub bookings: i64,
    pub cancelled: i64,
    pub no_show: i64,
    /// No-shows among bookings that were due (not cancelled).
    pub no_show_rate: f64,
    pub check_ins: i64,
    pub walk_ins: i64,
    pub completed: i64,
    pub avg_wait_minutes: f64,
    pub p90_wait_minutes: f64,
    pub avg_service_minutes: f64,
    pub wait_histogram: Vec<i64>,
    pub cases: Vec<(CaseStatus, i64)>,
    pub cases_overdue: i64,
    /// Count per grade, index 0 = grade 1 … index 4 = grade 5.
    pub ratings: [i64; 5],
    /// (非常满意 + 满意 + 基本满意) / all ratings.
    pub satisfaction_rate: f64,
    pub items_served: i64,
    /// Visits of several items among the tickets (一窗受理).
    pub multi_item_visits: i64,
    /// The waiting list: places offered, and what became of the offers.
    pub waitlist: WaitlistFigures,
    /// Per department: concluded on time in the period, and today's cases
    /// due soon and overdue.
    pub case_clocks: Vec<super::stats_cases::DepartmentClock>,
    /// Cases concluded by their promised date ÷ cases concluded (按时办结率).
    pub on_time_rate: f64,
}

/// 候补 in a period (by the day of the place waited for).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaitlistFigures {
    pub joined: i64,
    pub offered: i64,
    pub accepted: i64,
    pub expired: i64,
    pub declined: i64,
}

pub fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The smallest value at or above the p-th share of a distribution given
/// as (value, count) pairs sorted by value.
pub fn percentile(sorted: &[(i64, i64)], p: f64) -> i64 {
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return 0;
    }
    let rank = (p * total as f64).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (v, n) in sorted {
        seen += n;
        if seen >= rank {
            return *v;
        }
    }
    sorted.last().map(|(v, _)| *v).unwrap_or(0)
}
