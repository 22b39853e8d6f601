//! Halls (their place in the four-level network, booking rules and
//! capacity), opening hours, and the calendar of holidays and 调休 days.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::accounts::create::FieldErrors;
use crate::audit::{audit_action, audit_save};
use crate::clock::local;
use crate::db::ids::HallId;
use crate::db::schema::{calendar_days, halls, opening_hours, slot_counters, windows};
use crate::db::{DbConn, write_transaction};
use crate::error::{AppError, AppResult};
use crate::hall::models::{CalendarDay, DayKind, Hall, HallLevel, OpeningHours};
use crate::hall::repo as hall_repo;
use crate::seed::labels::ZhLabel;
use crate::web::forms::{FormErrors, private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HallForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub slot_minutes: String,
    #[serde(default)]
    pub slot_capacity: String,
    #[serde(default)]
    pub online_share_percent: String,
    #[serde(default)]
    pub booking_horizon_days: String,
    #[serde(default)]
    pub same_day_cutoff: String,
    #[serde(default)]
    pub cancel_cutoff_minutes: String,
    #[serde(default)]
    pub max_active_bookings: String,
    #[serde(default)]
    pub checkin_early_minutes: String,
    #[serde(default)]
    pub checkin_late_minutes: String,
}

impl HallForm {
    fn of(h: &Hall) -> Self {
        HallForm {
            code: h.code.clone(),
            name: h.name.clone(),
            level: h.level.as_str().into(),
            parent_id: h.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            address: h.address.clone(),
            phone: h.phone.clone(),
            slot_minutes: h.slot_minutes.to_string(),
            slot_capacity: h.slot_capacity.to_string(),
            online_share_percent: h.online_share_percent.to_string(),
            booking_horizon_days: h.booking_horizon_days.to_string(),
            same_day_cutoff: h.same_day_cutoff.format("%H:%M").to_string(),
            cancel_cutoff_minutes: h.cancel_cutoff_minutes.to_string(),
            max_active_bookings: h.max_active_bookings.to_string(),
            checkin_early_minutes: h.checkin_early_minutes.to_string(),
            checkin_late_minutes: h.checkin_late_minutes.to_string(),
        }
    }
}

fn int(e: &mut FieldErrors, field: &'static str, v: &str, min: i32, max: i32) -> i32 {
    match v.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            e.push((field, "admin-error-number"));
            min
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HallError {
    #[error("invalid")]
    Invalid(FieldErrors),
    /// Lowering capacity below what is booked: (most booked, new capacity).
    #[error("capacity below bookings")]
    Capacity(i32, i32),
    #[error("{0}")]
    Db(#[from] diesel::result::Error),
}

/// Saves a hall. Lowering the online capacity below what a future slot
/// already holds is refused: existing bookings are never dropped.
pub fn save_hall(
    conn: &mut DbConn,
    id: Option<HallId>,
    f: &HallForm,
    today: NaiveDate,
) -> Result<HallId, HallError> {
    let mut e = FieldErrors::new();
    let code = f.code.trim().to_ascii_uppercase();
    if code.is_empty()
        || code.len() > 20
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        e.push(("code", "admin-error-code"));
    }
    let name = f.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        e.push(("name", "admin-error-required"));
    }
    let level = f
        .level
        .parse::<HallLevel>()
        .map_err(|_| e.push(("level", "admin-error-choice")))
        .ok();
    let parent: Option<HallId> = if f.parent_id.trim().is_empty() {
        None
    } else {
        f.parent_id
            .trim()
            .parse()
            .map_err(|_| e.push(("parent_id", "admin-error-choice")))
            .ok()
    };
    if level.is_some_and(|l| l != HallLevel::City) && parent.is_none() {
        e.push(("parent_id", "admin-error-parent"));
    }
    if parent.is_some() && parent == id {
        e.push(("parent_id", "admin-error-parent"));
    }
    let slot_minutes = int(&mut e, "slot_minutes", &f.slot_minutes, 5, 240);
    let capacity = int(&mut e, "slot_capacity", &f.slot_capacity, 0, 1000);
    let share = int(
        &mut e,
        "online_share_percent",
        &f.online_share_percent,
        0,
        100,
    );
    let horizon = int(
        &mut e,
        "booking_horizon_days",
        &f.booking_horizon_days,
        1,
        60,
    );
    let cutoff = NaiveTime::parse_from_str(f.same_day_cutoff.trim(), "%H:%M")
        .map_err(|_| e.push(("same_day_cutoff", "admin-error-time")))
        .ok();
    let cancel = int(
        &mut e,
        "cancel_cutoff_minutes",
        &f.cancel_cutoff_minutes,
        0,
        1440,
    );
    let max_active = int(&mut e, "max_active_bookings", &f.max_active_bookings, 1, 20);
    let early = int(
        &mut e,
        "checkin_early_minutes",
        &f.checkin_early_minutes,
        0,
        240,
    );
    let late = int(
        &mut e,
        "checkin_late_minutes",
        &f.checkin_late_minutes,
        0,
        240,
    );
    let address = crate::text::clean_line(&f.address, 200);
    let phone = crate::text::clean_line(&f.phone, 30);
    let (Some(level), Some(cutoff)) = (level, cutoff) else {
        return Err(HallError::Invalid(e));
    };
    if !e.is_empty() {
        return Err(HallError::Invalid(e));
    }
    write_transaction(conn, |conn| {
        if let Some(p) = parent
            && hall_repo::find_hall(conn, p)?.is_none()
        {
            return Err(HallError::Invalid(vec![(
                "parent_id",
                "admin-error-parent",
            )]));
        }
        let clash: Option<HallId> = halls::table
            .filter(halls::code.eq(&code))
            .select(halls::id)
            .first(conn)
            .optional()?;
        if clash.is_some() && clash != id {
            return Err(HallError::Invalid(vec![("code", "admin-error-code-taken")]));
        }
        let online = capacity * share / 100;
        if let Some(id) = id {
            let most: Option<i32> = slot_counters::table
                .inner_join(windows::table)
                .filter(windows::hall_id.eq(id))
                .filter(slot_counters::day.ge(today))
                .select(diesel::dsl::max(slot_counters::booked))
                .first(conn)?;
            if let Some(most) = most.filter(|m| *m > online) {
                return Err(HallError::Capacity(most, online));
            }
        }
        let values = (
            halls::code.eq(&code),
            halls::name.eq(&name),
            halls::level.eq(level.as_str()),
            halls::parent_id.eq(parent),
            halls::address.eq(&address),
            halls::phone.eq(&phone),
            halls::slot_minutes.eq(slot_minutes),
            halls::slot_capacity.eq(capacity),
            halls::online_share_percent.eq(share),
            halls::booking_horizon_days.eq(horizon),
            halls::same_day_cutoff.eq(cutoff),
            halls::cancel_cutoff_minutes.eq(cancel),
            halls::max_active_bookings.eq(max_active),
            halls::checkin_early_minutes.eq(early),
            halls::checkin_late_minutes.eq(late),
        );
        match id {
            Some(id) => {
                diesel::update(halls::table.find(id))
                    .set(values)
                    .execute(conn)?;
                Ok(id)
            }
            None => Ok(diesel::insert_into(halls::table)
                .values((
                    values,
                    halls::created_at.eq(today.and_hms_opt(0, 0, 0).unwrap_or_default()),
                ))
                .returning(halls::id)
                .get_result(conn)?),
        }
    })
}

#[derive(Template)]
#[template(path = "admin/halls.html")]
struct HallsPage {
    ctx: PageCtx,
    halls: Vec<Hall>,
    saved: bool,
}

#[derive(Deserialize, Default)]
struct Saved {
    saved: Option<String>,
}

#[get("/admin/halls")]
async fn halls_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<Saved>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let halls = state
        .db
        .run(|conn| -> AppResult<_> {
            Ok(halls::table
                .order(halls::id)
                .select(Hall::as_select())
                .load(conn)?)
        })
        .await?;
    private_page(
        StatusCode::OK,
        &HallsPage {
            ctx,
            halls,
            saved: q.saved.is_some(),
        },
    )
}

#[derive(Template)]
#[template(path = "admin/hall_form.html")]
struct HallFormPage {
    ctx: PageCtx,
    id: Option<i32>,
    form: HallForm,
    errors: FormErrors,
    parents: Vec<Hall>,
}

impl HallFormPage {
    fn levels(&self) -> Vec<(String, String)> {
        HallLevel::ALL
            .iter()
            .map(|l| {
                (
                    l.as_str().to_string(),
                    self.ctx.t(&format!("level-{}", l.as_str())),
                )
            })
            .collect()
    }
}

#[get("/admin/halls/new")]
async fn hall_new(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let parents = state
        .db
        .run(|conn| -> AppResult<_> { Ok(hall_repo::list_halls(conn)?) })
        .await?;
    let form = HallForm {
        level: "community".into(),
        slot_minutes: "30".into(),
        slot_capacity: "2".into(),
        online_share_percent: "50".into(),
        booking_horizon_days: "7".into(),
        same_day_cutoff: "12:00".into(),
        cancel_cutoff_minutes: "60".into(),
        max_active_bookings: "3".into(),
        checkin_early_minutes: "30".into(),
        checkin_late_minutes: "15".into(),
        ..Default::default()
    };
    private_page(
        StatusCode::OK,
        &HallFormPage {
            ctx,
            id: None,
            form,
            errors: FormErrors::default(),
            parents,
        },
    )
}

#[get("/admin/halls/{id}")]
async fn hall_edit(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let id: HallId = id.parse().map_err(|_| AppError::NotFound)?;
    let (hall, parents) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall: Hall = halls::table
                .find(id)
                .select(Hall::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            Ok((hall, hall_repo::list_halls(conn)?))
        })
        .await?;
    let parents = parents.into_iter().filter(|h| h.id != hall.id).collect();
    private_page(
        StatusCode::OK,
        &HallFormPage {
            ctx,
            id: Some(id.0),
            form: HallForm::of(&hall),
            errors: FormErrors::default(),
            parents,
        },
    )
}

async fn save_hall_page(
    state: &AppState,
    req: &HttpRequest,
    ctx: PageCtx,
    scope: Scope,
    id: Option<HallId>,
    form: HallForm,
) -> Result<HttpResponse, AppError> {
    let today = local(state.clock.now_utc(), state.tz()).date();
    let actor = scope.account.actor(&client_ip(req));
    let (saved, form, parents) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let saved = save_hall(conn, id, &form, today);
            Ok((saved, form, hall_repo::list_halls(conn)?))
        })
        .await?;
    audit_save(
        state,
        actor,
        "admin.hall.save",
        format!("hall:{}", id.map(|i| i.0).unwrap_or(0)),
        &saved,
    )
    .await;
    let errors = match saved {
        Ok(_) => return Ok(see_other("/admin/halls?saved=1")),
        Err(HallError::Invalid(keys)) => FormErrors::from_keys(ctx.lang, &keys),
        Err(HallError::Capacity(most, new)) => {
            let mut e = FormErrors::default();
            e.add(
                "slot_capacity",
                ctx.lang.t_args(
                    "admin-error-capacity",
                    &[("most", most.into()), ("new", new.into())],
                ),
            );
            e
        }
        Err(HallError::Db(e)) => return Err(e.into()),
    };
    private_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        &HallFormPage {
            ctx,
            id: id.map(|i| i.0),
            form,
            errors,
            parents,
        },
    )
}

#[post("/admin/halls")]
async fn hall_create(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<HallForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    save_hall_page(&state, &req, ctx, scope, None, form.into_inner()).await
}

#[post("/admin/halls/{id}")]
async fn hall_update(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
    form: web::Form<HallForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let id: HallId = id.parse().map_err(|_| AppError::NotFound)?;
    save_hall_page(&state, &req, ctx, scope, Some(id), form.into_inner()).await
}

// ----- opening hours -----

#[derive(Template)]
#[template(path = "admin/hours.html")]
struct HoursPage {
    ctx: PageCtx,
    hall: Hall,
    rows: Vec<(i32, String, [String; 4])>,
    error: String,
    saved: bool,
}

fn fmt(t: Option<NaiveTime>) -> String {
    t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
}

fn hours_rows(ctx: &PageCtx, week: &[OpeningHours]) -> Vec<(i32, String, [String; 4])> {
    (1..=7)
        .map(|wd| {
            let h = week.iter().find(|h| h.weekday == wd);
            let cells = [
                fmt(h.and_then(|h| h.morning_start)),
                fmt(h.and_then(|h| h.morning_end)),
                fmt(h.and_then(|h| h.afternoon_start)),
                fmt(h.and_then(|h| h.afternoon_end)),
            ];
            (wd, ctx.t(&format!("weekday-{wd}")), cells)
        })
        .collect()
}

#[get("/admin/halls/{id}/hours")]
async fn hours_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
    q: web::Query<Saved>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let id: HallId = id.parse().map_err(|_| AppError::NotFound)?;
    let (hall, week) = state
        .db
        .run(move |conn| -> AppResult<_> {
            let hall = hall_repo::find_hall(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((hall, hall_repo::opening_hours_of(conn, id)?))
        })
        .await?;
    let rows = hours_rows(&ctx, &week);
    private_page(
        StatusCode::OK,
        &HoursPage {
            ctx,
            hall,
            rows,
            error: String::new(),
            saved: q.saved.is_some(),
        },
    )
}

/// Reads `d{weekday}_{0..3}` fields: a session is open when both its times
/// are given and the start comes first.
pub fn parse_week(hall: HallId, fields: &[(String, String)]) -> Result<Vec<OpeningHours>, i32> {
    let get = |wd: i32, i: i32| {
        fields
            .iter()
            .find(|(k, _)| *k == format!("d{wd}_{i}"))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut week = Vec::new();
    for wd in 1..=7 {
        let mut times = [None; 4];
        for (i, slot) in times.iter_mut().enumerate() {
            let v = get(wd, i as i32);
            if !v.is_empty() {
                *slot = Some(NaiveTime::parse_from_str(&v, "%H:%M").map_err(|_| wd)?);
            }
        }
        for pair in [(0, 1), (2, 3)] {
            match (times[pair.0], times[pair.1]) {
                (Some(s), Some(e)) if s < e => {}
                (None, None) => {}
                _ => return Err(wd),
            }
        }
        if let (Some(me), Some(as_)) = (times[1], times[2])
            && as_ < me
        {
            return Err(wd);
        }
        week.push(OpeningHours {
            hall_id: hall,
            weekday: wd,
            morning_start: times[0],
            morning_end: times[1],
            afternoon_start: times[2],
            afternoon_end: times[3],
        });
    }
    Ok(week)
}

#[post("/admin/halls/{id}/hours")]
async fn hours_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    id: web::Path<String>,
    fields: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let id: HallId = id.parse().map_err(|_| AppError::NotFound)?;
    let parsed = parse_week(id, &fields);
    let actor = scope.account.actor(&client_ip(&req));
    let result = match parsed {
        Ok(week) => state
            .db
            .run(move |conn| {
                hall_repo::find_hall(conn, id)?.ok_or(AppError::NotFound)?;
                write_transaction(conn, |conn| {
                    diesel::delete(opening_hours::table.filter(opening_hours::hall_id.eq(id)))
                        .execute(conn)?;
                    for h in &week {
                        diesel::insert_into(opening_hours::table)
                            .values(h.clone())
                            .execute(conn)?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await
            .map(|_| 0),
        Err(wd) => Ok(wd),
    };
    let audit_result: Result<(), AppError> = match &result {
        Ok(0) => Ok(()),
        Ok(_) => Err(AppError::invalid("invalid_hours", "invalid hours")),
        Err(e) => Err(AppError::invalid("failed", e.to_string())),
    };
    audit_action(
        &state,
        actor,
        "admin.hours.save",
        format!("hall:{id}"),
        &audit_result,
    )
    .await;
    match result? {
        0 => Ok(see_other(&format!("/admin/halls/{id}/hours?saved=1"))),
        wd => {
            let hall = state
                .db
                .run(move |conn| hall_repo::find_hall(conn, id)?.ok_or(AppError::NotFound))
                .await?;
            let week = parse_week_lenient(id, &fields);
            let rows = hours_rows(&ctx, &week);
            let error = ctx.tv("admin-error-hours", &ctx.t(&format!("weekday-{wd}")));
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &HoursPage {
                    ctx,
                    hall,
                    rows,
                    error,
                    saved: false,
                },
            )
        }
    }
}

/// What was typed, for showing the form again.
fn parse_week_lenient(hall: HallId, fields: &[(String, String)]) -> Vec<OpeningHours> {
    let get = |wd: i32, i: i32| {
        fields
            .iter()
            .find(|(k, _)| *k == format!("d{wd}_{i}"))
            .and_then(|(_, v)| NaiveTime::parse_from_str(v.trim(), "%H:%M").ok())
    };
    (1..=7)
        .map(|wd| OpeningHours {
            hall_id: hall,
            weekday: wd,
            morning_start: get(wd, 0),
            morning_end: get(wd, 1),
            afternoon_start: get(wd, 2),
            afternoon_end: get(wd, 3),
        })
        .collect()
}

// ----- calendar -----

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    ctx: PageCtx,
    year: i32,
    days: Vec<CalendarDay>,
    bulk: String,
    error: String,
    saved: bool,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    year: Option<i32>,
    saved: Option<String>,
}

fn load_year(conn: &mut DbConn, year: i32) -> QueryResult<Vec<CalendarDay>> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    hall_repo::calendar_between(conn, from, to)
}

#[get("/admin/calendar")]
async fn calendar_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let today = local(state.clock.now_utc(), state.tz()).date();
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(chrono::Datelike::year(&today));
    let days = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(load_year(conn, year)?) })
        .await?;
    private_page(
        StatusCode::OK,
        &CalendarPage {
            ctx,
            year,
            days,
            bulk: String::new(),
            error: String::new(),
            saved: q.saved.is_some(),
        },
    )
}

/// One day a line: `2027-01-01 休 元旦` (or `班` for a 调休 working day,
/// `删` to remove a day).
pub fn parse_bulk(text: &str) -> Result<Vec<(NaiveDate, Option<DayKind>, String)>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, char::is_whitespace);
        let date = parts
            .next()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or(i + 1)?;
        let kind = match parts.next().map(str::trim) {
            Some("删") | Some("delete") => None,
            Some(k) => Some(DayKind::from_label(k).ok_or(i + 1)?),
            None => return Err(i + 1),
        };
        let name = crate::text::clean_line(parts.next().unwrap_or(""), 50);
        out.push((date, kind, name));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct BulkForm {
    #[serde(default)]
    bulk: String,
    year: Option<i32>,
}

#[post("/admin/calendar")]
async fn calendar_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    ctx: PageCtx,
    identity: Identity,
    form: web::Form<BulkForm>,
) -> Result<HttpResponse, AppError> {
    let scope = Scope::admin(&identity)?;
    let this_year = chrono::Datelike::year(&local(state.clock.now_utc(), state.tz()).date());
    let year = form
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(this_year);
    let actor = scope.account.actor(&client_ip(&req));
    match parse_bulk(&form.bulk) {
        Ok(entries) => {
            let n = entries.len();
            let result = state
                .db
                .run(move |conn| {
                    write_transaction(conn, |conn| {
                        for (day, kind, name) in &entries {
                            diesel::delete(calendar_days::table.find(day)).execute(conn)?;
                            if let Some(kind) = kind {
                                let name = if name.is_empty() {
                                    kind.zh_label().to_string()
                                } else {
                                    name.clone()
                                };
                                diesel::insert_into(calendar_days::table)
                                    .values(CalendarDay {
                                        day: *day,
                                        kind: *kind,
                                        name,
                                    })
                                    .execute(conn)?;
                            }
                        }
                        Ok::<_, AppError>(())
                    })
                })
                .await;
            audit_action(
                &state,
                actor,
                "admin.calendar.save",
                format!("{n} days"),
                &result,
            )
            .await;
            result?;
            Ok(see_other(&format!("/admin/calendar?year={year}&saved=1")))
        }
        Err(line) => {
            let days = state
                .db
                .run(move |conn| -> AppResult<_> { Ok(load_year(conn, year)?) })
                .await?;
            let error = ctx.tn("admin-error-calendar-line", line as i64);
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CalendarPage {
                    ctx,
                    year,
                    days,
                    bulk: form.bulk.clone(),
                    error,
                    saved: false,
                },
            )
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(halls_page)
        .service(hall_new)
        .service(hall_create)
        .service(hours_page)
        .service(hours_save)
        .service(hall_edit)
        .service(hall_update)
        .service(calendar_page)
        .service(calendar_save);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_days_is_entered_one_a_line() {
        let days =
            parse_bulk("2027-01-01 休 元旦\n\n2027-02-07 班 春节调休上班\n2027-03-01 删").unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(days[0].1, Some(DayKind::Holiday));
        assert_eq!(days[1].2, "春节调休上班");
        assert_eq!(days[2].1, None);
        assert_eq!(parse_bulk("2027-01-01 休\n2027-13-01 休"), Err(2));
        assert_eq!(parse_bulk("2027-01-01 放假"), Err(1));
    }

    #[test]
    fn opening_hours_need_ordered_sessions() {
        let f = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let week = parse_week(
            HallId(1),
            &f(&[
                ("d1_0", "08:30"),
                ("d1_1", "12:00"),
                ("d1_2", "14:00"),
                ("d1_3", "17:30"),
            ]),
        )
        .unwrap();
        assert_eq!(week[0].sessions().len(), 2);
        assert!(week[5].sessions().is_empty());
        assert_eq!(
            parse_week(HallId(1), &f(&[("d2_0", "12:00"), ("d2_1", "08:30")])),
            Err(2)
        );
        assert_eq!(parse_week(HallId(1), &f(&[("d3_0", "08:30")])), Err(3));
        assert_eq!(parse_week(HallId(1), &f(&[("d4_0", "8 点")])), Err(4));
    }
}
