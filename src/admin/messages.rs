//! The outbox as staff see it (`/admin/messages`): every message with its
//! state, attempts and the gateway's last answer, so that a resident who
//! says "I got no text" can be answered.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::Scope;
use crate::accounts::Identity;
use crate::clock::format_local;
use crate::error::{AppError, AppResult};
use crate::notify::{MessageStatus, outbox};
use crate::pii::mask_phone;
use crate::web::forms::private_page;
use crate::web::{AppState, PageCtx};

pub struct MessageRow {
    pub created: String,
    pub kind: String,
    pub to: String,
    pub status: &'static str,
    pub status_label: String,
    pub attempts: i32,
    pub when: String,
    pub last_error: String,
    pub message_id: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "admin/messages.html")]
struct MessagesPage {
    ctx: PageCtx,
    counts: Vec<(&'static str, String, i64)>,
    status: String,
    rows: Vec<MessageRow>,
}

#[derive(Deserialize, Default)]
struct Filter {
    status: Option<String>,
}

#[get("/admin/messages")]
async fn messages_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    identity: Identity,
    q: web::Query<Filter>,
) -> Result<HttpResponse, AppError> {
    Scope::admin(&identity)?;
    let status: Option<MessageStatus> = q.status.as_deref().and_then(|s| s.parse().ok());
    let tz = state.tz();
    let page = state
        .db
        .run(move |conn| -> AppResult<_> {
            let counts = outbox::counts(conn)?;
            let counts = MessageStatus::ALL
                .iter()
                .map(|s| {
                    let n = counts
                        .iter()
                        .find(|(c, _)| c == s)
                        .map(|(_, n)| *n)
                        .unwrap_or(0);
                    (s.as_str(), ctx.t(&format!("message-{}", s.as_str())), n)
                })
                .collect();
            let rows = outbox::recent(conn, status, 300)?
                .into_iter()
                .map(|(m, phone)| MessageRow {
                    created: format_local(m.created_at, tz),
                    kind: ctx.t(&format!("message-kind-{}", m.kind.as_str())),
                    to: mask_phone(&phone),
                    status: m.status.as_str(),
                    status_label: ctx.t(&format!("message-{}", m.status.as_str())),
                    attempts: m.attempts,
                    when: match m.status {
                        MessageStatus::Sent => m.sent_at.map(|t| format_local(t, tz)),
                        MessageStatus::Failed => m.failed_at.map(|t| format_local(t, tz)),
                        MessageStatus::Cancelled => m.cancelled_at.map(|t| format_local(t, tz)),
                        _ => Some(format_local(m.next_attempt_at, tz)),
                    }
                    .unwrap_or_default(),
                    last_error: m.last_error,
                    message_id: m.message_id,
                    body: m.body,
                })
                .collect();
            Ok(MessagesPage {
                counts,
                status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
                rows,
                ctx,
            })
        })
        .await?;
    private_page(StatusCode::OK, &page)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(messages_page);
}
