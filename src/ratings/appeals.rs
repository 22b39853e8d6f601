//! 申诉复核: a department appeals a rating it believes malicious or
//! mistaken, with its evidence; an administrator decides. An upheld appeal
//! keeps the rating on record but out of the published figures, and the
//! rating says so.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::service::RatingError;
use crate::db::ids::{AccountId, DepartmentId, RatingId};
use crate::db::schema::{rating_appeals, ratings};
use crate::db::{DbConn, write_transaction};
use crate::text_enum;

text_enum!(
    AppealStatus {
        Pending = "pending",
        Upheld = "upheld",
        Rejected = "rejected",
    }
);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rating_appeals)]
pub struct Appeal {
    pub id: i32,
    pub rating_id: RatingId,
    pub department_id: DepartmentId,
    pub reason: String,
    pub evidence: String,
    pub filed_by: AccountId,
    pub filed_at: NaiveDateTime,
    #[diesel(deserialize_as = String)]
    pub status: AppealStatus,
    pub decided_by: Option<AccountId>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: String,
}

/// Files the department's appeal of one of its ratings (once).
pub fn file(
    conn: &mut DbConn,
    rating: RatingId,
    department: DepartmentId,
    reason: &str,
    evidence: &str,
    by: AccountId,
    now: NaiveDateTime,
) -> Result<Appeal, RatingError> {
    let reason = crate::text::clean(reason, 1000);
    if reason.trim().is_empty() {
        return Err(RatingError::Invalid("reason_required"));
    }
    let evidence = crate::text::clean(evidence, 2000);
    write_transaction(conn, |conn| {
        let owner: DepartmentId = ratings::table
            .find(rating)
            .select(ratings::department_id)
            .first(conn)?;
        if owner != department {
            return Err(RatingError::NotFound);
        }
        let id: i32 = diesel::insert_into(rating_appeals::table)
            .values((
                rating_appeals::rating_id.eq(rating),
                rating_appeals::department_id.eq(department),
                rating_appeals::reason.eq(&reason),
                rating_appeals::evidence.eq(&evidence),
                rating_appeals::filed_by.eq(by),
                rating_appeals::filed_at.eq(now),
                rating_appeals::status.eq(AppealStatus::Pending.as_str()),
            ))
            .returning(rating_appeals::id)
            .get_result(conn)?;
        Ok(find(conn, id)?)
    })
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Appeal> {
    rating_appeals::table
        .find(id)
        .select(Appeal::as_select())
        .first(conn)
}

pub fn for_rating(conn: &mut DbConn, rating: RatingId) -> QueryResult<Option<Appeal>> {
    rating_appeals::table
        .filter(rating_appeals::rating_id.eq(rating))
        .select(Appeal::as_select())
        .first(conn)
        .optional()
}

/// Pending appeals first, then the last decided.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Appeal>> {
    let mut all: Vec<Appeal> = rating_appeals::table
        .order(rating_appeals::filed_at.desc())
        .limit(300)
        .select(Appeal::as_select())
        .load(conn)?;
    all.sort_by_key(|a| a.status != AppealStatus::Pending);
    Ok(all)
}

/// An administrator's decision on a pending appeal; upheld, the rating
/// stays on record but leaves the published figures.
pub fn decide(
    conn: &mut DbConn,
    id: i32,
    upheld: bool,
    note: &str,
    by: AccountId,
    now: NaiveDateTime,
) -> Result<Appeal, RatingError> {
    let note = crate::text::clean(note, 1000);
    if note.trim().is_empty() {
        return Err(RatingError::Invalid("note_required"));
    }
    write_transaction(conn, |conn| {
        let a = find(conn, id)?;
        let to = if upheld {
            AppealStatus::Upheld
        } else {
            AppealStatus::Rejected
        };
        let n = diesel::update(
            rating_appeals::table
                .find(id)
                .filter(rating_appeals::status.eq(AppealStatus::Pending.as_str())),
        )
        .set((
            rating_appeals::status.eq(to.as_str()),
            rating_appeals::decided_by.eq(by),
            rating_appeals::decided_at.eq(now),
            rating_appeals::decision_note.eq(&note),
        ))
        .execute(conn)?;
        if n != 1 {
            return Err(RatingError::Invalid("already_decided"));
        }
        if upheld {
            diesel::update(ratings::table.find(a.rating_id))
                .set(ratings::excluded.eq(true))
                .execute(conn)?;
        }
        Ok(find(conn, id)?)
    })
}
