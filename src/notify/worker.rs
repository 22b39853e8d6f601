//! The delivery worker: started by `serve` on every instance. It wakes when
//! this instance queued a message and otherwise polls, claims what is due,
//! sends the batch concurrently and records each answer.

use crate::error::AppResult;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::gateway::Gateway;
use super::models::MessageStatus;
use super::outbox;
use crate::clock::Clock;
use crate::db::Db;

/// Messages claimed at once (sent concurrently).
const BATCH: i64 = 32;

/// Wakes the worker of this instance (after a commit that queued messages).
#[derive(Clone, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    async fn wait(&self, poll: Duration) {
        let _ = tokio::time::timeout(poll, self.0.notified()).await;
    }
}

pub struct Worker {
    pub db: Db,
    pub clock: Clock,
    pub gateway: Gateway,
    pub signal: OutboxSignal,
    pub poll: Duration,
}

impl Worker {
    /// Runs for the life of the server.
    pub async fn run(self) {
        tracing::info!(gateway = self.gateway.name(), "message delivery started");
        loop {
            match self.deliver_due().await {
                // A full batch: more may be waiting.
                Ok(n) if n as i64 >= BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "message delivery round failed"),
            }
            self.signal.wait(self.poll).await;
        }
    }

    /// One round: claim, send, record. Returns how many were attempted.
    pub async fn deliver_due(&self) -> Result<usize, crate::error::AppError> {
        let now = self.clock.now_utc();
        let claimed = self
            .db
            .run(move |conn| -> AppResult<_> { Ok(outbox::claim_due(conn, now, BATCH)?) })
            .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let results =
            futures_util::future::join_all(claimed.iter().map(|c| self.gateway.send(c))).await;
        let n = claimed.len();
        let now = self.clock.now_utc();
        let statuses = self
            .db
            .run(move |conn| -> AppResult<_> {
                let mut out = Vec::new();
                for (c, r) in claimed.iter().zip(results) {
                    out.push((
                        c.message_id.clone(),
                        c.attempt,
                        outbox::record(conn, c, r, now)?,
                    ));
                }
                Ok(out)
            })
            .await?;
        for (id, attempt, status) in statuses {
            match status {
                MessageStatus::Sent => tracing::info!(%id, attempt, "message sent"),
                MessageStatus::Failed => {
                    tracing::warn!(%id, attempt, "message failed for good after its last attempt")
                }
                _ => tracing::warn!(%id, attempt, "message not accepted; it will be retried"),
            }
        }
        Ok(n)
    }
}

/// Wakes this instance's message worker after a state change went
/// through: any successful POST may have queued messages in its
/// transaction (a booking, a cancellation, an offer …), and the worker
/// should not wait for its next poll to send them. A wasted wake is one
/// empty query.
pub async fn wake_outbox(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let post = req.method() == actix_web::http::Method::POST;
    let signal = req
        .app_data::<actix_web::web::Data<OutboxSignal>>()
        .map(|s| s.get_ref().clone());
    let res = next.call(req).await?;
    if post
        && res.status().as_u16() < 400
        && let Some(s) = signal
    {
        s.wake();
    }
    Ok(res)
}
