//! The 好差评 loop of the generated past: what a dissatisfied resident
//! wrote and ticked, and the department's follow-up of each bad rating —
//! most called back, fixed and reported within the deadline, a few late
//! (and escalated), the last days' still open.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use rand::RngExt;
use rand::rngs::StdRng;

use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{DepartmentId, HallId, RatingId};
use crate::db::schema::{follow_ups, ratings};
use crate::hall::calendar::WorkCalendar;

/// The comment and the ticked reasons of a generated bad rating.
pub(crate) fn bad_rating_words(rng: &mut StdRng) -> (&'static str, &'static str) {
    const WORDS: [(&str, &str); 4] = [
        ("等了很久才叫到号。", "efficiency"),
        (
            "材料清单没写清楚，第二次才办成。",
            "unclear_materials,repeated_trips",
        ),
        ("工作人员说话不耐烦。", "attitude"),
        ("窗口临时关闭，又跑了一趟。", "repeated_trips"),
    ];
    WORDS[rng.random_range(0..WORDS.len())]
}

/// When a follow-up's steps were taken, by the draw `d`: 90 % answered in
/// time, 6 % late (escalated first), the rest of the past unanswered and
/// escalated; recent ones still open. (call-back, fix, report, escalated)
fn draw_steps(
    d: f64,
    at: NaiveDateTime,
    due: NaiveDate,
    today: NaiveDate,
    now: NaiveDateTime,
    tz: Tz,
) -> Steps {
    let step = |days: i64| at + Duration::days(days) + Duration::hours(1);
    let on = |day: NaiveDate, h: u32, m: u32| {
        crate::clock::utc_of(day.and_hms_opt(h, m, 0).unwrap_or_default(), tz)
    };
    let escalated = on(due + Duration::days(1), 0, 5);
    if d < 0.90 || due >= today {
        let answered = due < today || step(3) < now;
        (
            Some(step(1)).filter(|t| *t < now),
            Some(step(2)).filter(|t| *t < now),
            answered.then(|| step(3)),
            None,
        )
    } else if d < 0.96 {
        let late = on(due + Duration::days(3), 10, 0);
        (Some(step(2)), Some(late), Some(late), Some(escalated))
    } else {
        (Some(step(1)), None, None, Some(escalated))
    }
}

type Steps = (
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Opens and works the follow-ups of the hall's generated bad ratings;
/// returns how many were opened.
pub(crate) fn follow_ups(
    conn: &mut DbConn,
    hall: HallId,
    calendar: &WorkCalendar,
    now: NaiveDateTime,
    tz: Tz,
    rng: &mut StdRng,
) -> QueryResult<usize> {
    let bad: Vec<(RatingId, DepartmentId, NaiveDateTime)> = ratings::table
        .filter(ratings::hall_id.eq(hall))
        .filter(ratings::grade.le(2))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            follow_ups::table.filter(follow_ups::rating_id.eq(ratings::id)),
        )))
        .select((ratings::id, ratings::department_id, ratings::created_at))
        .load(conn)?;
    let today = local(now, tz).date();
    let mut opened = 0;
    for (rating, department, at) in bad {
        let rated_on = local(at, tz).date();
        let due = calendar.add_working_days(rated_on, 5);
        let (callback, fix, report, escalated) =
            draw_steps(rng.random_range(0.0..1.0), at, due, today, now, tz);
        let note = |t: Option<NaiveDateTime>, text: &str| {
            if t.is_some() {
                text.to_string()
            } else {
                String::new()
            }
        };
        diesel::insert_into(follow_ups::table)
            .values((
                follow_ups::rating_id.eq(rating),
                follow_ups::department_id.eq(department),
                follow_ups::due_on.eq(due),
                follow_ups::callback_note.eq(note(callback, "已电话回访，听取了意见。")),
                follow_ups::callback_at.eq(callback),
                follow_ups::fix_note.eq(note(fix, "已在科室例会通报并调整窗口安排。")),
                follow_ups::fix_at.eq(fix),
                follow_ups::report_note.eq(note(report, "已向群众反馈整改情况，群众表示认可。")),
                follow_ups::report_at.eq(report),
                follow_ups::created_at.eq(at),
                follow_ups::escalated_at.eq(escalated.filter(|t| *t < now)),
            ))
            .execute(conn)?;
        opened += 1;
    }
    Ok(opened)
}
