//! Freed places and the waiting list. A place freed by a cancellation or a
//! move is offered, inside the transaction that frees it, to the
//! longest-waiting matching entry and held for that person alone; with
//! nobody waiting it is held for the hall's release delay (so that a place
//! cannot be handed to a friend by cancel-and-rebook) and then released. A
//! held place stays counted in `slot_counters`, so no booking can take it;
//! an entry holds at most one place (a unique index), so no place is
//! offered twice. When an offer runs out or is declined, the place passes
//! to the next entry at once.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;

pub use super::guard::{Guard, after_commit};

use super::models::{Entry, EntryStatus, Hold};
use crate::booking::models::Booking;
use crate::booking::repo;
use crate::clock;
use crate::db::DbConn;
use crate::db::ids::{HallId, HoldId, WaitlistEntryId, WindowId};
use crate::db::schema::{place_holds, service_items, waitlist_entries, window_services, windows};
use crate::hall::models::Hall;
use crate::notify::MessageKind;
use crate::notify::models::NewMessage;
use crate::notify::outbox;

/// What freed the place: a resident's cancellation or move (the release
/// delay applies), or an offer that ended (passed on at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Cancelled,
    Moved,
    OfferEnded,
}

/// Places freed in one window's slot.
#[derive(Debug, Clone)]
pub struct Freed {
    pub hall: HallId,
    pub window: WindowId,
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub places: i32,
}

impl Freed {
    pub fn of(b: &Booking) -> Freed {
        Freed {
            hall: b.hall_id,
            window: b.window_id,
            day: b.day,
            start: b.start_time,
            end: b.end_time,
            places: b.places,
        }
    }

    fn of_hold(h: &Hold, hall: HallId) -> Freed {
        Freed {
            hall,
            window: h.window_id,
            day: h.day,
            start: h.start_time,
            end: h.end_time,
            places: 1,
        }
    }
}

/// The latest instant an offer may hold a place: the cancel cut-off before
/// its slot (after it, a booking could no longer be cancelled either).
pub(crate) fn latest_hold(hall: &Hall, f: &Freed, tz: Tz) -> NaiveDateTime {
    let local = f.day.and_time(f.start) - Duration::minutes(i64::from(hall.cancel_cutoff_minutes));
    clock::utc_of(local, tz)
}

/// Until when an offer made now may hold a place of `f`: the hall's hold
/// time, never past the cut-off; `None` once the cut-off has passed.
pub(crate) fn offer_until(
    hall: &Hall,
    f: &Freed,
    now: NaiveDateTime,
    tz: Tz,
) -> Option<NaiveDateTime> {
    let latest = latest_hold(hall, f, tz);
    (latest > now)
        .then(|| latest.min(now + Duration::minutes(i64::from(hall.waitlist_hold_minutes))))
}

/// Marks a waiting entry offered, only if it is still waiting (a
/// conditional UPDATE: of two transactions offering places at once, one
/// gets the entry and the other moves on). True when this one did.
pub(crate) fn mark_offered(
    conn: &mut DbConn,
    entry: WaitlistEntryId,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        waitlist_entries::table
            .find(entry)
            .filter(waitlist_entries::status.eq(EntryStatus::Waiting.as_str())),
    )
    .set((
        waitlist_entries::status.eq(EntryStatus::Offered.as_str()),
        waitlist_entries::offered_at.eq(now),
        waitlist_entries::offer_until.eq(until),
        waitlist_entries::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Places freed in the caller's transaction: each offered, held or
/// released.
pub fn freed(
    conn: &mut DbConn,
    f: &Freed,
    hall: &Hall,
    cause: Cause,
    now: NaiveDateTime,
    tz: Tz,
    guard: Guard,
) -> QueryResult<()> {
    if let Guard::Off(_) = guard {
        repo::release_places(conn, f.window, f.day, f.start, f.places)?;
        return Ok(());
    }
    for _ in 0..f.places {
        place_one(conn, f, hall, cause, now, tz)?;
    }
    Ok(())
}

/// One freed place: to the longest-waiting matching entry; else held for
/// the release delay after a resident's cancellation or move; else back on
/// the open market.
fn place_one(
    conn: &mut DbConn,
    f: &Freed,
    hall: &Hall,
    cause: Cause,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<()> {
    let Some(until) = offer_until(hall, f, now, tz) else {
        repo::release_places(conn, f.window, f.day, f.start, 1)?;
        return Ok(());
    };
    for entry in candidates(conn, f)? {
        if offer(conn, &entry, f, hall, until, now, tz)? {
            return Ok(());
        }
    }
    let delay = Duration::minutes(i64::from(hall.release_delay_minutes));
    if cause != Cause::OfferEnded && delay > Duration::zero() {
        insert_hold(
            conn,
            f,
            None,
            latest_hold(hall, f, tz).min(now + delay),
            now,
        )?;
    } else {
        repo::release_places(conn, f.window, f.day, f.start, 1)?;
    }
    Ok(())
}

/// Waiting entries that a freed place fits, longest-waiting first: the
/// place's day, an item its window serves, and any slot or this one.
pub(crate) fn candidates(conn: &mut DbConn, f: &Freed) -> QueryResult<Vec<Entry>> {
    waitlist_entries::table
        .filter(waitlist_entries::hall_id.eq(f.hall))
        .filter(waitlist_entries::day.eq(f.day))
        .filter(waitlist_entries::status.eq(EntryStatus::Waiting.as_str()))
        .filter(
            waitlist_entries::start_time
                .is_null()
                .or(waitlist_entries::start_time.eq(f.start)),
        )
        .filter(
            waitlist_entries::service_id.eq_any(
                window_services::table
                    .filter(window_services::window_id.eq(f.window))
                    .select(window_services::service_id),
            ),
        )
        .order(waitlist_entries::id)
        .limit(50)
        .select(Entry::as_select())
        .load(conn)
}

pub(crate) fn insert_hold(
    conn: &mut DbConn,
    f: &Freed,
    entry: Option<WaitlistEntryId>,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<HoldId> {
    diesel::insert_into(place_holds::table)
        .values((
            place_holds::window_id.eq(f.window),
            place_holds::day.eq(f.day),
            place_holds::start_time.eq(f.start),
            place_holds::end_time.eq(f.end),
            place_holds::entry_id.eq(entry),
            place_holds::until.eq(until),
            place_holds::created_at.eq(now),
        ))
        .returning(place_holds::id)
        .get_result(conn)
}

/// Offers a held place to an entry if it is still waiting (two
/// transactions freeing places at once cannot both take the same entry;
/// the second moves on to the next). False when it was not.
pub(crate) fn offer(
    conn: &mut DbConn,
    entry: &Entry,
    f: &Freed,
    hall: &Hall,
    until: NaiveDateTime,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<bool> {
    if !mark_offered(conn, entry.id, until, now)? {
        return Ok(false);
    }
    insert_hold(conn, f, Some(entry.id), until, now)?;
    send_offer(conn, entry, f, hall, until, now, tz)?;
    Ok(true)
}

/// The `waitlist_offer` text, written into the outbox in the offer's own
/// transaction.
pub(crate) fn send_offer(
    conn: &mut DbConn,
    entry: &Entry,
    f: &Freed,
    hall: &Hall,
    until: NaiveDateTime,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<()> {
    let item: String = service_items::table
        .find(entry.service_id)
        .select(service_items::name)
        .first(conn)?;
    let window: i32 = windows::table
        .find(f.window)
        .select(windows::number)
        .first(conn)?;
    let body = format!(
        "【{}】候补成功：您候补的“{item}”{} {}-{}（{window}号窗口）有名额了，已为您保留到{}。请在此前登录“我的预约”确认，逾期将依次让给下一位。",
        hall.name,
        f.day.format("%Y年%m月%d日"),
        f.start.format("%H:%M"),
        f.end.format("%H:%M"),
        clock::to_local(until, tz).format("%m月%d日 %H:%M"),
    );
    outbox::queue(
        conn,
        NewMessage {
            account: entry.account_id,
            booking: None,
            kind: MessageKind::WaitlistOffer,
            body: &body,
            due_at: now,
        },
        now,
    )?;
    Ok(())
}

pub fn hold_of(conn: &mut DbConn, entry: WaitlistEntryId) -> QueryResult<Option<Hold>> {
    place_holds::table
        .filter(place_holds::entry_id.eq(entry))
        .select(Hold::as_select())
        .first(conn)
        .optional()
}

/// Takes a hold off the books (a conditional DELETE: with several
/// instances sweeping, one of them gets it). True when this caller did.
pub fn take_hold(conn: &mut DbConn, hold: HoldId) -> QueryResult<bool> {
    Ok(diesel::delete(place_holds::table.find(hold)).execute(conn)? == 1)
}

/// Ends an entry's offer (expired, or declined) inside the caller's
/// transaction and passes its place on at once.
pub fn end_offer(
    conn: &mut DbConn,
    hold: &Hold,
    to: EntryStatus,
    hall: &Hall,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<bool> {
    if !take_hold(conn, hold.id)? {
        return Ok(false);
    }
    if let Some(entry) = hold.entry_id {
        diesel::update(
            waitlist_entries::table
                .find(entry)
                .filter(waitlist_entries::status.eq(EntryStatus::Offered.as_str())),
        )
        .set((
            waitlist_entries::status.eq(to.as_str()),
            waitlist_entries::closed_at.eq(now),
            waitlist_entries::updated_at.eq(now),
        ))
        .execute(conn)?;
    }
    place_one(
        conn,
        &Freed::of_hold(hold, hall.id),
        hall,
        Cause::OfferEnded,
        now,
        tz,
    )?;
    Ok(true)
}

/// Offers a place held for the release delay to an entry that joined
/// since (the sweeper's job): the hold changes hands only if it is still
/// nobody's.
pub fn give_delay_hold(
    conn: &mut DbConn,
    hold: &Hold,
    hall: &Hall,
    now: NaiveDateTime,
    tz: Tz,
) -> QueryResult<bool> {
    let f = Freed::of_hold(hold, hall.id);
    let Some(until) = offer_until(hall, &f, now, tz) else {
        return Ok(false);
    };
    for entry in candidates(conn, &f)? {
        if !mark_offered(conn, entry.id, until, now)? {
            continue;
        }
        let moved = diesel::update(
            place_holds::table
                .find(hold.id)
                .filter(place_holds::entry_id.is_null()),
        )
        .set((
            place_holds::entry_id.eq(entry.id),
            place_holds::until.eq(until),
        ))
        .execute(conn)?;
        if moved != 1 {
            // Another instance gave it first: this transaction rolls back.
            return Err(diesel::result::Error::RollbackTransaction);
        }
        send_offer(conn, &entry, &f, hall, until, now, tz)?;
        return Ok(true);
    }
    Ok(false)
}
