//! The follow-up of a bad rating: 回访 → 整改 → 反馈, due in the hall's
//! working days (5 by default); past its deadline it is escalated to the
//! administrators, and the resident reads the 反馈 on /track.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::service::{Rating, RatingError};
use crate::clock::local;
use crate::db::ids::{DepartmentId, FollowUpId, HallId, RatingId, TicketId};
use crate::db::schema::{follow_ups, ratings};
use crate::db::{DbConn, write_transaction};
use crate::hall::repo as hall_repo;
use crate::text_enum;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follow_ups)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub rating_id: RatingId,
    pub department_id: DepartmentId,
    pub due_on: NaiveDate,
    pub callback_note: String,
    pub callback_at: Option<NaiveDateTime>,
    pub fix_note: String,
    pub fix_at: Option<NaiveDateTime>,
    pub report_note: String,
    pub report_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub escalated_at: Option<NaiveDateTime>,
}

impl FollowUp {
    pub fn done(&self) -> bool {
        self.report_at.is_some()
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        !self.done() && today > self.due_on
    }

    /// The step to record next: 回访, then 整改, then 反馈.
    pub fn next_step(&self) -> Option<Step> {
        if self.callback_at.is_none() {
            Some(Step::Callback)
        } else if self.fix_at.is_none() {
            Some(Step::Fix)
        } else if self.report_at.is_none() {
            Some(Step::Report)
        } else {
            None
        }
    }
}

text_enum!(
    Step {
        Callback = "callback",
        Fix = "fix",
        Report = "report",
    }
);

/// Opens the follow-up of a bad rating (inside the rating's transaction),
/// due in the hall's working days.
pub fn open(
    conn: &mut DbConn,
    rating: RatingId,
    hall: HallId,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<()> {
    let department: DepartmentId = ratings::table
        .find(rating)
        .select(ratings::department_id)
        .first(conn)?;
    let today = local(now, tz).date();
    let days = hall_repo::find_hall(conn, hall)?.map_or(5, |h| h.follow_up_days);
    let due =
        hall_repo::work_calendar_around(conn, today)?.add_working_days(today, days.max(1) as u32);
    diesel::insert_into(follow_ups::table)
        .values((
            follow_ups::rating_id.eq(rating),
            follow_ups::department_id.eq(department),
            follow_ups::due_on.eq(due),
            follow_ups::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Departments' follow-ups: open ones by due date, then done.
pub fn for_departments(
    conn: &mut DbConn,
    departments: &[DepartmentId],
) -> QueryResult<Vec<(FollowUp, Rating)>> {
    let mut list: Vec<(FollowUp, Rating)> = follow_ups::table
        .inner_join(ratings::table)
        .filter(follow_ups::department_id.eq_any(departments))
        .order(follow_ups::due_on)
        .limit(500)
        .select((FollowUp::as_select(), Rating::as_select()))
        .load(conn)?;
    list.sort_by_key(|(f, _)| (f.done(), f.due_on, f.id));
    Ok(list)
}

pub fn find(conn: &mut DbConn, id: FollowUpId) -> QueryResult<Option<FollowUp>> {
    follow_ups::table
        .find(id)
        .select(FollowUp::as_select())
        .first(conn)
        .optional()
}

/// The answers (反馈) to a visit's bad ratings, for the resident.
pub fn answers_for_ticket(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Vec<String>> {
    follow_ups::table
        .inner_join(ratings::table)
        .filter(ratings::ticket_id.eq(ticket))
        .filter(follow_ups::report_at.is_not_null())
        .order(follow_ups::id)
        .select(follow_ups::report_note)
        .load(conn)
}

/// Records the next step of a follow-up, in order.
pub fn record_step(
    conn: &mut DbConn,
    id: FollowUpId,
    step: Step,
    note: &str,
    now: NaiveDateTime,
) -> Result<FollowUp, RatingError> {
    let note = crate::text::clean(note, 1000);
    if note.is_empty() {
        return Err(RatingError::Invalid("note_required"));
    }
    write_transaction(conn, |conn| {
        let f = find(conn, id)?.ok_or(RatingError::NotFound)?;
        if f.next_step() != Some(step) {
            return Err(RatingError::Invalid("invalid_step"));
        }
        let q = follow_ups::table.find(id);
        match step {
            Step::Callback => diesel::update(q)
                .set((
                    follow_ups::callback_note.eq(&note),
                    follow_ups::callback_at.eq(now),
                ))
                .execute(conn)?,
            Step::Fix => diesel::update(q)
                .set((follow_ups::fix_note.eq(&note), follow_ups::fix_at.eq(now)))
                .execute(conn)?,
            Step::Report => diesel::update(q)
                .set((
                    follow_ups::report_note.eq(&note),
                    follow_ups::report_at.eq(now),
                ))
                .execute(conn)?,
        };
        find(conn, id)?.ok_or(RatingError::NotFound)
    })
}

/// Escalates to the administrators every follow-up past its deadline and
/// not yet answered, each with its audit row in the same transaction.
/// Returns how many; the keeper runs it.
pub fn escalate_due(conn: &mut DbConn, now: NaiveDateTime, tz: Tz) -> QueryResult<usize> {
    let today = local(now, tz).date();
    let due: Vec<FollowUpId> = follow_ups::table
        .filter(follow_ups::report_at.is_null())
        .filter(follow_ups::escalated_at.is_null())
        .filter(follow_ups::due_on.lt(today))
        .limit(500)
        .select(follow_ups::id)
        .load(conn)?;
    let mut n = 0;
    for id in due {
        let done = write_transaction(conn, |conn| -> QueryResult<bool> {
            let changed = diesel::update(
                follow_ups::table
                    .find(id)
                    .filter(follow_ups::escalated_at.is_null()),
            )
            .set(follow_ups::escalated_at.eq(now))
            .execute(conn)?;
            if changed == 1 {
                crate::audit::record(
                    conn,
                    &crate::audit::Actor::system(),
                    "follow_up.escalated",
                    &format!("follow_up:{id}"),
                    crate::audit::AuditResult::Ok,
                    "past its deadline without an answer",
                    now,
                )?;
            }
            Ok(changed == 1)
        })?;
        n += usize::from(done);
    }
    Ok(n)
}

/// Follow-ups of a hall (or a department of it) escalated and still open.
pub fn escalated_count(
    conn: &mut DbConn,
    hall: HallId,
    department: Option<DepartmentId>,
) -> QueryResult<i64> {
    let mut q = follow_ups::table
        .inner_join(ratings::table)
        .filter(ratings::hall_id.eq(hall))
        .filter(follow_ups::escalated_at.is_not_null())
        .filter(follow_ups::report_at.is_null())
        .into_boxed();
    if let Some(d) = department {
        q = q.filter(follow_ups::department_id.eq(d));
    }
    q.count().get_result(conn)
}
