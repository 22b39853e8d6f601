//! What a hall must watch in its cases today, per department: cases due
//! within two working days, overdue ones, and materials received whose 补正
//! notice is late (Art. 32). A suspended case's clock stands still: it is
//! neither due nor overdue.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::models::CaseStatus;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId};
use crate::db::schema::{cases, departments};
use crate::hall::repo as hall_repo;

/// Working days ahead that count as "due soon".
pub const DUE_SOON_DAYS: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentCases {
    pub department: DepartmentId,
    pub name: String,
    pub due_soon: i64,
    pub overdue: i64,
    pub notice_overdue: i64,
}

impl DepartmentCases {
    pub fn any(&self) -> bool {
        self.due_soon + self.overdue + self.notice_overdue > 0
    }
}

fn running() -> Vec<&'static str> {
    [CaseStatus::Accepted, CaseStatus::Reviewing]
        .iter()
        .map(|s| s.as_str())
        .collect()
}

/// Per department of the hall (every hall: `None`), or of one department:
/// counts as of today.
pub fn by_department(
    conn: &mut DbConn,
    hall: Option<HallId>,
    department: Option<DepartmentId>,
    today: NaiveDate,
) -> QueryResult<Vec<DepartmentCases>> {
    let soon = hall_repo::work_calendar_around(conn, today)?.add_working_days(today, DUE_SOON_DAYS);
    let count = |conn: &mut DbConn, which: u8| -> QueryResult<Vec<(DepartmentId, i64)>> {
        let mut q = cases::table
            .group_by(cases::department_id)
            .select((cases::department_id, count_star()))
            .into_boxed();
        if let Some(h) = hall {
            q = q.filter(cases::hall_id.eq(h));
        }
        if let Some(d) = department {
            q = q.filter(cases::department_id.eq(d));
        }
        q = match which {
            0 => q
                .filter(cases::status.eq_any(running()))
                .filter(cases::suspended_since.is_null())
                .filter(cases::promised_due.between(today, soon)),
            1 => q
                .filter(cases::status.eq_any(running()))
                .filter(cases::suspended_since.is_null())
                .filter(cases::promised_due.lt(today)),
            _ => q
                .filter(cases::status.eq(CaseStatus::Received.as_str()))
                .filter(cases::notice_due.lt(today)),
        };
        q.load(conn)
    };
    let (soon, overdue, notice) = (count(conn, 0)?, count(conn, 1)?, count(conn, 2)?);
    let mut ids: Vec<DepartmentId> = soon
        .iter()
        .chain(&overdue)
        .chain(&notice)
        .map(|(d, _)| *d)
        .collect();
    ids.sort();
    ids.dedup();
    let names: Vec<(DepartmentId, String)> = departments::table
        .filter(departments::id.eq_any(&ids))
        .order(departments::sort_order)
        .select((departments::id, departments::name))
        .load(conn)?;
    let of = |list: &[(DepartmentId, i64)], d: DepartmentId| {
        list.iter().find(|(x, _)| *x == d).map_or(0, |(_, n)| *n)
    };
    Ok(names
        .into_iter()
        .map(|(d, name)| DepartmentCases {
            department: d,
            name,
            due_soon: of(&soon, d),
            overdue: of(&overdue, d),
            notice_overdue: of(&notice, d),
        })
        .collect())
}
