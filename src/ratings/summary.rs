//! The published 好差评 figures (GB/T 39734-2020), per department and
//! period, readable by anyone: ratings, their distribution, 好评率 (非常满意,
//! 满意 and 基本满意 among all), 差评数, 整改率 (bad ratings whose follow-up
//! was answered) and 回访率 (bad ratings called back). A rating excluded
//! after an upheld appeal stays on record but out of these figures.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::clock::utc_of;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId};
use crate::db::schema::{departments, follow_ups, ratings};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = RatingSummary)]
pub struct DepartmentFigures {
    pub department_id: DepartmentId,
    #[schema(example = "市公安局出入境管理支队")]
    pub department: String,
    /// Ratings counted (those excluded after an upheld appeal are not).
    pub ratings: i64,
    /// Ratings per grade, "1" 非常不满意 … "5" 非常满意.
    #[schema(value_type = std::collections::BTreeMap<String, i64>, example = json!({"1": 0, "2": 1, "3": 2, "4": 10, "5": 40}))]
    pub by_grade: BTreeMap<String, i64>,
    /// 好评率: grades 3–5 among all ratings counted.
    pub satisfaction_rate: f64,
    /// 差评数: grades 1–2.
    pub bad: i64,
    /// Bad ratings whose follow-up was answered (整改反馈).
    pub bad_rectified: i64,
    /// Bad ratings called back (回访), among all bad ones.
    pub follow_up_rate: f64,
    /// Of the ratings, those a hall rule gave for a visit not rated in
    /// time (never the resident's own words).
    pub default_ratings: i64,
    /// Ratings kept on record but excluded after an upheld appeal.
    pub excluded: i64,
}

fn rate(a: i64, b: i64) -> f64 {
    if b == 0 {
        0.0
    } else {
        (a as f64 / b as f64 * 1000.0).round() / 1000.0
    }
}

/// The ratings of a period: the hall's (or every hall's), between two
/// instants.
struct Span {
    hall: Option<HallId>,
    start: NaiveDateTime,
    end: NaiveDateTime,
}

type Counts = BTreeMap<DepartmentId, i64>;

impl Span {
    /// Counted ratings per department and grade.
    fn grades(&self, conn: &mut DbConn) -> QueryResult<Vec<(DepartmentId, i32, i64)>> {
        let mut q = ratings::table
            .filter(ratings::created_at.ge(self.start))
            .filter(ratings::created_at.lt(self.end))
            .filter(ratings::excluded.eq(false))
            .group_by((ratings::department_id, ratings::grade))
            .select((ratings::department_id, ratings::grade, count_star()))
            .into_boxed();
        if let Some(h) = self.hall {
            q = q.filter(ratings::hall_id.eq(h));
        }
        q.load(conn)
    }

    /// Ratings per department: excluded ones, or counted ones given by
    /// the hall's default rule.
    fn per_department(
        &self,
        conn: &mut DbConn,
        excluded: bool,
        defaults: bool,
    ) -> QueryResult<Counts> {
        let mut q = ratings::table
            .filter(ratings::created_at.ge(self.start))
            .filter(ratings::created_at.lt(self.end))
            .filter(ratings::excluded.eq(excluded))
            .group_by(ratings::department_id)
            .select((ratings::department_id, count_star()))
            .into_boxed();
        if let Some(h) = self.hall {
            q = q.filter(ratings::hall_id.eq(h));
        }
        if defaults {
            q = q.filter(ratings::channel.eq("default"));
        }
        Ok(q.load::<(DepartmentId, i64)>(conn)?.into_iter().collect())
    }

    /// Counted bad ratings answered (整改反馈) or called back (回访).
    fn followed(&self, conn: &mut DbConn, answered: bool) -> QueryResult<Counts> {
        let mut q = follow_ups::table
            .inner_join(ratings::table)
            .filter(ratings::created_at.ge(self.start))
            .filter(ratings::created_at.lt(self.end))
            .filter(ratings::excluded.eq(false))
            .group_by(ratings::department_id)
            .select((ratings::department_id, count_star()))
            .into_boxed();
        if let Some(h) = self.hall {
            q = q.filter(ratings::hall_id.eq(h));
        }
        q = if answered {
            q.filter(follow_ups::report_at.is_not_null())
        } else {
            q.filter(follow_ups::callback_at.is_not_null())
        };
        Ok(q.load::<(DepartmentId, i64)>(conn)?.into_iter().collect())
    }
}

/// The figures of each department of a hall (or of every hall) for the
/// days `from` to `to` (hall-local).
pub fn figures(
    conn: &mut DbConn,
    hall: Option<HallId>,
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
) -> QueryResult<Vec<DepartmentFigures>> {
    let span = Span {
        hall,
        start: utc_of(from.and_time(NaiveTime::MIN), tz),
        end: utc_of(to.succ_opt().unwrap_or(to).and_time(NaiveTime::MIN), tz),
    };
    let grades = span.grades(conn)?;
    let defaults = span.per_department(conn, false, true)?;
    let excluded = span.per_department(conn, true, false)?;
    let (rectified, called) = (span.followed(conn, true)?, span.followed(conn, false)?);
    let mut ids: Vec<DepartmentId> = grades.iter().map(|(d, _, _)| *d).collect();
    ids.extend(excluded.keys());
    ids.sort();
    ids.dedup();
    let names: Vec<(DepartmentId, String)> = departments::table
        .filter(departments::id.eq_any(&ids))
        .order((departments::hall_id, departments::sort_order))
        .select((departments::id, departments::name))
        .load(conn)?;
    let of = |m: &Counts, d: DepartmentId| m.get(&d).copied().unwrap_or(0);
    Ok(names
        .into_iter()
        .map(|(d, name)| {
            let mut by_grade: BTreeMap<String, i64> = (1..=5).map(|g| (g.to_string(), 0)).collect();
            for (_, g, n) in grades.iter().filter(|(x, _, _)| *x == d) {
                by_grade.insert(g.to_string(), *n);
            }
            let n = |g: &str| by_grade.get(g).copied().unwrap_or(0);
            let total: i64 = by_grade.values().sum();
            let bad = n("1") + n("2");
            DepartmentFigures {
                department_id: d,
                department: name,
                ratings: total,
                satisfaction_rate: rate(n("3") + n("4") + n("5"), total),
                bad,
                bad_rectified: of(&rectified, d),
                follow_up_rate: rate(of(&called, d), bad),
                default_ratings: of(&defaults, d),
                excluded: of(&excluded, d),
                by_grade,
            }
        })
        .collect())
}
