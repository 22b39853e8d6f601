//! The clerk's workstation (`/clerk`): take the window, call the next
//! ticket, recall, start, complete with an outcome, mark a no-show,
//! transfer, pause and resume. Every action is a POST with a CSRF token, one
//! transaction with its audit row (see `queue::desk`); the page comes back
//! (POST-redirect-GET) saying what happened.

mod screen;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use self::screen::Workstation;
use super::calls::ActionInput;
use super::desk::{self, WindowChange};
use super::error::QueueError;
use super::events::EventBus;
use super::models::Outcome;
use crate::accounts::Identity;
use crate::accounts::models::{Account, Role};
use crate::db::ids::{TicketId, WindowId};
use crate::error::{AppError, AppResult};
use crate::web::forms::{private_page, see_other};
use crate::web::throttle::client_ip;
use crate::web::{AppState, PageCtx};

/// What the workstation says after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Taken,
    Left,
    Paused,
    Resumed,
    Called,
    Empty,
    Recalled,
    Started,
    NoShow,
    Transferred,
    Completed(Outcome),
    /// Outcomes recorded item by item (a visit of several items).
    CompletedVisit,
}

impl Done {
    const ALL: &'static [Done] = &[
        Done::Taken,
        Done::Left,
        Done::Paused,
        Done::Resumed,
        Done::Called,
        Done::Empty,
        Done::Recalled,
        Done::Started,
        Done::NoShow,
        Done::Transferred,
        Done::Completed(Outcome::Done),
        Done::Completed(Outcome::Accepted),
        Done::Completed(Outcome::Incomplete),
        Done::Completed(Outcome::Refused),
        Done::Completed(Outcome::Received),
        Done::CompletedVisit,
    ];

    /// The value carried in `?done=` (and read back by [`Done::parse`]).
    fn code(self) -> &'static str {
        match self {
            Done::Taken => "taken",
            Done::Left => "leave",
            Done::Paused => "pause",
            Done::Resumed => "resume",
            Done::Called => "called",
            Done::Empty => "empty",
            Done::Recalled => "recall",
            Done::Started => "start",
            Done::NoShow => "no_show",
            Done::Transferred => "transfer",
            Done::Completed(Outcome::Done) => "complete_done",
            Done::Completed(Outcome::Accepted) => "complete_accepted",
            Done::Completed(Outcome::Incomplete) => "complete_incomplete",
            Done::Completed(Outcome::Refused) => "complete_refused",
            Done::Completed(Outcome::Received) => "complete_received",
            Done::CompletedVisit => "complete_items",
        }
    }

    fn message_key(self) -> &'static str {
        match self {
            Done::Taken => "clerk-done-taken",
            Done::Left => "clerk-done-leave",
            Done::Paused => "clerk-done-pause",
            Done::Resumed => "clerk-done-resume",
            Done::Called => "clerk-done-called",
            Done::Empty => "clerk-done-empty",
            Done::Recalled => "clerk-done-recall",
            Done::Started => "clerk-done-start",
            Done::NoShow => "clerk-done-no_show",
            Done::Transferred => "clerk-done-transfer",
            Done::Completed(Outcome::Done) => "clerk-done-complete_done",
            Done::Completed(Outcome::Accepted) => "clerk-done-complete_accepted",
            Done::Completed(Outcome::Incomplete) => "clerk-done-complete_incomplete",
            Done::Completed(Outcome::Refused) => "clerk-done-complete_refused",
            Done::Completed(Outcome::Received) => "clerk-done-complete_received",
            Done::CompletedVisit => "clerk-done-complete_items",
        }
    }

    fn parse(s: &str) -> Option<Done> {
        Done::ALL.iter().copied().find(|d| d.code() == s)
    }

    fn of(action: &super::calls::Action) -> Done {
        use super::calls::Action;
        match action {
            Action::Recall => Done::Recalled,
            Action::Start => Done::Started,
            Action::NoShow => Done::NoShow,
            Action::Complete { decisions, .. } => match (&decisions.all, decisions.each.is_empty())
            {
                (Some(d), true) => Done::Completed(d.outcome),
                _ => Done::CompletedVisit,
            },
            Action::Transfer { .. } => Done::Transferred,
        }
    }
}

#[derive(Template)]
#[template(path = "queue/clerk.html")]
struct ClerkPage {
    ctx: PageCtx,
    ws: Workstation,
    message: String,
    error: String,
    notice_ticket: Option<TicketId>,
    case_number: String,
}

fn clerk_of(identity: &Identity) -> Result<Account, AppError> {
    Ok(identity.require(&[Role::Clerk])?.account.clone())
}

#[derive(Deserialize, Default)]
struct Flash {
    done: Option<String>,
    error: Option<String>,
    notice: Option<TicketId>,
    case: Option<String>,
}

#[get("/clerk")]
async fn workstation(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    flash: web::Query<Flash>,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let (now, tz, lang) = (state.clock.now_utc(), state.tz(), ctx.lang);
    let flash = flash.into_inner();
    let ws = state
        .db
        .run(move |conn| -> AppResult<_> { Ok(Workstation::load(conn, &clerk, now, tz, lang)?) })
        .await?;
    let message = flash
        .done
        .as_deref()
        .and_then(Done::parse)
        .map(|d| ctx.t(d.message_key()))
        .unwrap_or_default();
    let error = flash
        .error
        .as_deref()
        .map(|code| ctx.t(QueueError::message_key_of(code)))
        .unwrap_or_default();
    let page = ClerkPage {
        ctx,
        ws,
        message,
        error,
        notice_ticket: flash.notice,
        case_number: flash.case.unwrap_or_default(),
    };
    private_page(StatusCode::OK, &page)
}

/// After an action: back to the workstation with what happened.
fn back(result: Result<String, AppError>) -> HttpResponse {
    match result {
        Ok(query) => see_other(&format!("/clerk?{query}")),
        Err(e) => see_other(&format!("/clerk?error={}", e.code())),
    }
}

#[derive(Deserialize)]
struct TakeForm {
    window_id: WindowId,
}

async fn change_window(
    state: &AppState,
    req: &HttpRequest,
    clerk: Account,
    change: WindowChange,
    done: Done,
) -> HttpResponse {
    let (now, ip) = (state.clock.now_utc(), client_ip(req));
    let result = state
        .db
        .run(move |conn| desk::change_window(conn, &clerk, &ip, change, now))
        .await
        .map(|()| format!("done={}", done.code()));
    back(result)
}

#[post("/clerk/take")]
async fn take(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
    form: web::Form<TakeForm>,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let change = WindowChange::Take(form.window_id);
    Ok(change_window(&state, &req, clerk, change, Done::Taken).await)
}

#[post("/clerk/leave")]
async fn leave(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    Ok(change_window(&state, &req, clerk, WindowChange::Leave, Done::Left).await)
}

#[post("/clerk/pause")]
async fn pause(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    Ok(change_window(&state, &req, clerk, WindowChange::Pause, Done::Paused).await)
}

#[post("/clerk/resume")]
async fn resume(
    state: web::Data<AppState>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    Ok(change_window(&state, &req, clerk, WindowChange::Resume, Done::Resumed).await)
}

#[post("/clerk/call-next")]
async fn call_next(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let (now, tz, ip) = (state.clock.now_utc(), state.tz(), client_ip(&req));
    let called = state
        .db
        .run(move |conn| desk::call(conn, &clerk, &ip, None, now, tz))
        .await;
    let outcome = match called {
        Ok((Some(t), events)) => {
            bus.publish(&state.db, events).await;
            Ok(format!("done={}&n={}", Done::Called.code(), t.number))
        }
        Ok((None, _)) => Ok(format!("done={}", Done::Empty.code())),
        Err(e) => Err(e),
    };
    Ok(back(outcome))
}

#[post("/clerk/tickets/{id}/{action}")]
async fn ticket_action(
    state: web::Data<AppState>,
    bus: web::Data<EventBus>,
    req: HttpRequest,
    identity: Identity,
    path: web::Path<(TicketId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let clerk = clerk_of(&identity)?;
    let (id, name) = path.into_inner();
    // The same input as the API's JSON, from the form (checkboxes repeat).
    let input = ActionInput::from_form(&body);
    let action = match input.into_action(&name) {
        Ok(a) => a,
        Err(e) => return Ok(back(Err(e.into()))),
    };
    let done = Done::of(&action);
    let notice_due = action.records_incomplete();
    let (now, tz, ip) = (state.clock.now_utc(), state.tz(), client_ip(&req));
    let performed = state
        .db
        .run(move |conn| desk::perform(conn, &clerk, &ip, id, action, now, tz))
        .await;
    let outcome = match performed {
        Ok(p) => {
            bus.publish(&state.db, p.decided.events).await;
            let mut q = format!("done={}", done.code());
            if notice_due {
                q.push_str(&format!("&notice={id}"));
            }
            if !p.cases.is_empty() {
                let numbers: Vec<&str> = p.cases.iter().map(|c| c.case_number.as_str()).collect();
                q.push_str(&format!("&case={}", numbers.join(",")));
            }
            Ok(q)
        }
        Err(e) => Err(e),
    };
    Ok(back(outcome))
}

mod notice;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(workstation)
        .service(take)
        .service(leave)
        .service(pause)
        .service(resume)
        .service(call_next)
        .service(ticket_action)
        .service(notice::notice);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_message_of_the_workstation_exists_and_round_trips() {
        for d in Done::ALL {
            assert!(
                Lang::Zh.has(d.message_key()) && Lang::En.has(d.message_key()),
                "{d:?}"
            );
            assert_eq!(Done::parse(d.code()), Some(*d));
        }
    }
}
