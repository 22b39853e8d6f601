use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::clock::local;
use crate::db::ids::{
    AccountId, DepartmentId, FollowUpId, HallId, RatingId, ServiceId, TicketId, WindowId,
};
use crate::db::schema::{follow_ups, ratings, service_items};
use crate::db::{DbConn, write_transaction};
use crate::hall::repo as hall_repo;
use crate::queue::issue::find as find_ticket;
use crate::queue::models::TicketStatus;
use crate::text_enum;

text_enum!(
    /// Where the rating was given.
    Channel {
        Web = "web",
        Track = "track",
        Kiosk = "kiosk",
    }
);

/// 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
pub const GRADES: [i32; 5] = [5, 4, 3, 2, 1];

pub fn is_bad(grade: i32) -> bool {
    grade <= 2
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ratings)]
pub struct Rating {
    pub id: RatingId,
    pub ticket_id: TicketId,
    pub grade: i32,
    pub comment: String,
    pub channel: String,
    pub hall_id: HallId,
    pub window_id: Option<WindowId>,
    pub clerk_id: Option<AccountId>,
    pub service_id: ServiceId,
    pub department_id: DepartmentId,
    pub created_at: NaiveDateTime,
}

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

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RatingError {
    #[error("not found")]
    NotFound,
    #[error("only a finished visit can be rated")]
    NotFinished,
    #[error("this visit has already been rated")]
    AlreadyRated,
    #[error("{0}")]
    Invalid(&'static str),
    #[error(transparent)]
    Db(#[from] crate::db::DbFailure),
}

impl From<RatingError> for crate::error::AppError {
    fn from(e: RatingError) -> Self {
        use crate::error::AppError;
        match e {
            RatingError::NotFound => AppError::NotFound,
            RatingError::NotFinished => AppError::conflict("not_finished", e.to_string()),
            RatingError::AlreadyRated => AppError::conflict("already_rated", e.to_string()),
            RatingError::Invalid(field) => {
                AppError::invalid("invalid_value", format!("{field} is not valid"))
            }
            RatingError::Db(f) => f.into(),
        }
    }
}

impl From<diesel::result::Error> for RatingError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => RatingError::NotFound,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => RatingError::AlreadyRated,
            other => RatingError::Db(other.into()),
        }
    }
}

impl RatingError {
    pub fn message_key(&self) -> &'static str {
        match self {
            RatingError::NotFound => "error-404-message",
            RatingError::NotFinished => "rating-error-not-finished",
            RatingError::AlreadyRated => "rating-error-already",
            RatingError::Invalid(_) => "rating-error-invalid",
            RatingError::Db(_) => "error-500-message",
        }
    }
}

pub fn for_ticket(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Option<Rating>> {
    ratings::table
        .filter(ratings::ticket_id.eq(ticket))
        .select(Rating::as_select())
        .first(conn)
        .optional()
}

/// Records a rating for a finished visit (once); a bad one opens a follow-up.
pub fn rate(
    conn: &mut DbConn,
    ticket_id: TicketId,
    grade: i32,
    comment: &str,
    channel: Channel,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Rating, RatingError> {
    if !(1..=5).contains(&grade) {
        return Err(RatingError::Invalid("grade"));
    }
    if comment.trim().chars().count() > 500 {
        return Err(RatingError::Invalid("comment"));
    }
    let comment = crate::text::clean(comment, 500);
    let comment = comment.as_str();
    write_transaction(conn, |conn| {
        let t = find_ticket(conn, ticket_id)?;
        if t.status != TicketStatus::Completed {
            return Err(RatingError::NotFinished);
        }
        if for_ticket(conn, t.id)?.is_some() {
            return Err(RatingError::AlreadyRated);
        }
        let department: DepartmentId = service_items::table
            .find(t.service_id)
            .select(service_items::department_id)
            .first(conn)?;
        let id: RatingId = diesel::insert_into(ratings::table)
            .values((
                ratings::ticket_id.eq(t.id),
                ratings::grade.eq(grade),
                ratings::comment.eq(comment),
                ratings::channel.eq(channel.as_str()),
                ratings::hall_id.eq(t.hall_id),
                ratings::window_id.eq(t.window_id),
                ratings::clerk_id.eq(t.clerk_id),
                ratings::service_id.eq(t.service_id),
                ratings::department_id.eq(department),
                ratings::created_at.eq(now),
            ))
            .returning(ratings::id)
            .get_result(conn)?;
        if is_bad(grade) {
            let today = local(now, tz).date();
            let due = hall_repo::work_calendar_around(conn, today)?.add_working_days(today, 5);
            diesel::insert_into(follow_ups::table)
                .values((
                    follow_ups::rating_id.eq(id),
                    follow_ups::department_id.eq(department),
                    follow_ups::due_on.eq(due),
                    follow_ups::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(ratings::table
            .find(id)
            .select(Rating::as_select())
            .first(conn)?)
    })
}

/// A department's follow-ups: open ones by due date, then done.
pub fn follow_ups_for(
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

pub fn find_follow_up(conn: &mut DbConn, id: FollowUpId) -> QueryResult<Option<FollowUp>> {
    follow_ups::table
        .find(id)
        .select(FollowUp::as_select())
        .first(conn)
        .optional()
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
        return Err(RatingError::Invalid("note"));
    }
    write_transaction(conn, |conn| {
        let f = find_follow_up(conn, id)?.ok_or(RatingError::NotFound)?;
        if f.next_step() != Some(step) {
            return Err(RatingError::Invalid("step"));
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
        find_follow_up(conn, id)?.ok_or(RatingError::NotFound)
    })
}
