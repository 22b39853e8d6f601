//! 好差评 (国办发〔2019〕51号, GB/T 39734-2020): a five-grade rating of a
//! visit (一次一评) at the window, the kiosk or online, and of a case once it
//! is decided (一事一评); a bad one needs a comment and its reasons, and
//! opens a follow-up due in the hall's working days. A hall may count a
//! visit not rated in time as a given grade — shown as such, never as the
//! resident's own words.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::cases::models::Case;
use crate::clock::local;
use crate::db::ids::{
    AccountId, CaseId, DepartmentId, HallId, RatingId, ServiceId, TicketId, WindowId,
};
use crate::db::schema::{halls, ratings, service_items, tickets};
use crate::db::{DbConn, write_transaction};
use crate::queue::issue::find as find_ticket;
use crate::queue::models::{Ticket, TicketStatus};
use crate::text_enum;

text_enum!(
    /// Where the rating was given; `default` is the hall's rule for a visit
    /// not rated in time.
    Channel {
        Web = "web",
        Track = "track",
        Kiosk = "kiosk",
        Api = "api",
        Default = "default",
    }
);

text_enum!(
    /// The tick-box reasons of a bad rating.
    Reason {
        Attitude = "attitude",
        Efficiency = "efficiency",
        UnclearMaterials = "unclear_materials",
        RepeatedTrips = "repeated_trips",
        Other = "other",
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
    pub case_id: Option<CaseId>,
    pub grade: i32,
    pub comment: String,
    pub reasons: String,
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    pub hall_id: HallId,
    pub window_id: Option<WindowId>,
    pub clerk_id: Option<AccountId>,
    pub service_id: ServiceId,
    pub department_id: DepartmentId,
    pub excluded: bool,
    pub created_at: NaiveDateTime,
}

impl Rating {
    pub fn reasons(&self) -> Vec<Reason> {
        self.reasons
            .split(',')
            .filter_map(|r| r.parse().ok())
            .collect()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RatingError {
    #[error("not found")]
    NotFound,
    #[error("only a finished visit or a decided case can be rated")]
    NotFinished,
    #[error("this has already been rated")]
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
            RatingError::Invalid(code) => {
                AppError::invalid(code, format!("the rating is not valid: {code}"))
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
            RatingError::Invalid("comment_required") => "rating-error-comment",
            RatingError::Invalid(_) => "rating-error-invalid",
            RatingError::Db(_) => "error-500-message",
        }
    }
}

/// A rating as given, checked: a grade, a comment and, for a bad grade, a
/// comment and at least one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub grade: i32,
    pub comment: String,
    pub reasons: Vec<Reason>,
}

impl Given {
    pub fn check(grade: i32, comment: &str, reasons: &[String]) -> Result<Given, RatingError> {
        if !(1..=5).contains(&grade) {
            return Err(RatingError::Invalid("invalid_grade"));
        }
        if comment.trim().chars().count() > 500 {
            return Err(RatingError::Invalid("invalid_comment"));
        }
        let mut list = Vec::new();
        for r in reasons.iter().filter(|r| !r.trim().is_empty()) {
            let r: Reason = r
                .trim()
                .parse()
                .map_err(|_| RatingError::Invalid("invalid_reason"))?;
            if !list.contains(&r) {
                list.push(r);
            }
        }
        let comment = crate::text::clean(comment, 500);
        if is_bad(grade) && comment.trim().is_empty() {
            return Err(RatingError::Invalid("comment_required"));
        }
        Ok(Given {
            grade,
            comment,
            reasons: list,
        })
    }
}

/// What is rated: a visit, or one case it opened.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Visit(TicketId),
    Case(CaseId),
}

pub fn for_ticket(conn: &mut DbConn, ticket: TicketId) -> QueryResult<Option<Rating>> {
    ratings::table
        .filter(ratings::ticket_id.eq(ticket))
        .filter(ratings::case_id.is_null())
        .select(Rating::as_select())
        .first(conn)
        .optional()
}

pub fn for_case(conn: &mut DbConn, case: CaseId) -> QueryResult<Option<Rating>> {
    ratings::table
        .filter(ratings::case_id.eq(case))
        .select(Rating::as_select())
        .first(conn)
        .optional()
}

/// Records a rating, once per visit and once per case; a bad one opens a
/// follow-up in the same transaction.
pub fn rate(
    conn: &mut DbConn,
    target: Target,
    given: &Given,
    channel: Channel,
    now: NaiveDateTime,
    tz: Tz,
) -> Result<Rating, RatingError> {
    write_transaction(conn, |conn| {
        let (t, case, service) = match target {
            Target::Visit(ticket) => {
                let t = find_ticket(conn, ticket)?;
                if t.status != TicketStatus::Completed {
                    return Err(RatingError::NotFinished);
                }
                if for_ticket(conn, t.id)?.is_some() {
                    return Err(RatingError::AlreadyRated);
                }
                let service = t.service_id;
                (t, None, service)
            }
            Target::Case(id) => {
                let c: Case = crate::cases::service::find(conn, id)?;
                if c.concluded_at.is_none() {
                    return Err(RatingError::NotFinished);
                }
                if for_case(conn, c.id)?.is_some() {
                    return Err(RatingError::AlreadyRated);
                }
                (find_ticket(conn, c.ticket_id)?, Some(c.id), c.service_id)
            }
        };
        let id = insert(conn, &t, case, service, given, channel, now)?;
        if is_bad(given.grade) {
            super::follow_up::open(conn, id, t.hall_id, now, tz)?;
        }
        Ok(ratings::table
            .find(id)
            .select(Rating::as_select())
            .first(conn)?)
    })
}

fn insert(
    conn: &mut DbConn,
    t: &Ticket,
    case: Option<CaseId>,
    service: ServiceId,
    given: &Given,
    channel: Channel,
    now: NaiveDateTime,
) -> QueryResult<RatingId> {
    let department: DepartmentId = service_items::table
        .find(service)
        .select(service_items::department_id)
        .first(conn)?;
    let reasons: Vec<&str> = given.reasons.iter().map(|r| r.as_str()).collect();
    diesel::insert_into(ratings::table)
        .values((
            ratings::ticket_id.eq(t.id),
            ratings::case_id.eq(case),
            ratings::grade.eq(given.grade),
            ratings::comment.eq(&given.comment),
            ratings::reasons.eq(reasons.join(",")),
            ratings::channel.eq(channel.as_str()),
            ratings::hall_id.eq(t.hall_id),
            ratings::window_id.eq(t.window_id),
            ratings::clerk_id.eq(t.clerk_id),
            ratings::service_id.eq(service),
            ratings::department_id.eq(department),
            ratings::created_at.eq(now),
        ))
        .returning(ratings::id)
        .get_result(conn)
}

/// The hall rule some provinces use: a visit finished more than the hall's
/// days ago and never rated counts as its default grade (channel
/// `default`). Returns how many were given; the keeper runs it.
pub fn give_default_ratings(conn: &mut DbConn, now: NaiveDateTime, tz: Tz) -> QueryResult<usize> {
    let rules: Vec<(HallId, i32, i32)> = halls::table
        .filter(halls::default_rating_days.gt(0))
        .select((
            halls::id,
            halls::default_rating_days,
            halls::default_rating_grade,
        ))
        .load(conn)?;
    let mut given = 0;
    for (hall, days, grade) in rules {
        let before = now - Duration::days(i64::from(days));
        // Only the last weeks: a hall that turns the rule on does not rate
        // its whole past.
        let since = local(before, tz).date() - Duration::days(30);
        let due: Vec<TicketId> = tickets::table
            .filter(tickets::hall_id.eq(hall))
            .filter(tickets::status.eq(TicketStatus::Completed.as_str()))
            .filter(tickets::day.ge(since))
            .filter(tickets::finished_at.lt(before))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                ratings::table
                    .filter(ratings::ticket_id.eq(tickets::id))
                    .filter(ratings::case_id.is_null()),
            )))
            .limit(500)
            .select(tickets::id)
            .load(conn)?;
        for ticket in due {
            let rule = Given {
                grade,
                comment: String::new(),
                reasons: Vec::new(),
            };
            // A rating made meanwhile wins; this one is then refused.
            match rate(
                conn,
                Target::Visit(ticket),
                &rule,
                Channel::Default,
                now,
                tz,
            ) {
                Ok(_) => given += 1,
                Err(RatingError::Db(f)) => return Err(f.0),
                Err(_) => {}
            }
        }
    }
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_rating_needs_its_words_and_may_tick_reasons() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(Given::check(5, "", &[]).is_ok());
        assert_eq!(
            Given::check(2, "", &s(&["attitude"])),
            Err(RatingError::Invalid("comment_required"))
        );
        assert_eq!(Given::check(1, "等了很久", &[]).unwrap().reasons, vec![]);
        let g = Given::check(1, "等了很久", &s(&["efficiency", "efficiency", "other"])).unwrap();
        assert_eq!(g.reasons, vec![Reason::Efficiency, Reason::Other]);
        assert_eq!(
            Given::check(2, "x", &s(&["rudeness"])),
            Err(RatingError::Invalid("invalid_reason"))
        );
        assert_eq!(
            Given::check(6, "", &[]),
            Err(RatingError::Invalid("invalid_grade"))
        );
        for r in Reason::ALL {
            let key = format!("rating-reason-{}", r.as_str());
            assert!(
                crate::i18n::Lang::Zh.has(&key) && crate::i18n::Lang::En.has(&key),
                "{key}"
            );
        }
    }
}
