//! Hall events for the calling board and the live ticket pages. Within one
//! process they travel on a broadcast channel; with PostgreSQL they go
//! through `NOTIFY onestop_events`, and every instance's listener forwards
//! what it hears to its own channel, so a call made through one instance
//! reaches boards connected to any instance.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::RunQueryDsl;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::pg_listen::Listener;
use crate::db::ids::HallId;
use crate::db::{Backend, Db, DbConn};

pub const CHANNEL: &str = "onestop_events";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HallEvent {
    /// A ticket was called (or recalled) to a window.
    Call {
        hall_id: HallId,
        number: String,
        window_number: i32,
        zone: String,
        called_at: NaiveDateTime,
    },
    /// Queues changed (a ticket joined, left or moved).
    Queue { hall_id: HallId },
}

impl HallEvent {
    pub fn hall(&self) -> HallId {
        match self {
            HallEvent::Call { hall_id, .. } | HallEvent::Queue { hall_id } => *hall_id,
        }
    }
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<HallEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(1024);
        EventBus { tx }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> broadcast::Receiver<HallEvent> {
        self.tx.subscribe()
    }

    /// Delivers an event to this process's subscribers.
    pub fn deliver(&self, event: HallEvent) {
        let _ = self.tx.send(event);
    }

    /// Publishes after a commit: NOTIFY on PostgreSQL (every instance,
    /// this one included, hears it), the channel on SQLite.
    pub async fn publish(&self, db: &Db, events: Vec<HallEvent>) {
        if events.is_empty() {
            return;
        }
        if db.backend() == Backend::Postgres {
            let sent: crate::error::AppResult<()> = db
                .run(move |conn| {
                    if let DbConn::Pg(pg) = conn {
                        for e in &events {
                            let payload = serde_json::to_string(e).unwrap_or_default();
                            diesel::sql_query("SELECT pg_notify($1, $2)")
                                .bind::<diesel::sql_types::Text, _>(CHANNEL)
                                .bind::<diesel::sql_types::Text, _>(payload)
                                .execute(pg)?;
                        }
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, "could not publish hall events");
            }
        } else {
            for e in events {
                self.deliver(e);
            }
        }
    }
}

/// Listens for NOTIFY on its own connection (a thread; reconnects when the
/// connection drops) and forwards events to this process's subscribers. It
/// holds the bus weakly and stops when the application is gone.
pub fn spawn_pg_listener(url: String, bus: &EventBus) {
    let weak = bus.tx.downgrade();
    let alive = move || weak.upgrade().map(|tx| EventBus { tx });
    let spawned = std::thread::Builder::new().name("pg-listen".into()).spawn(move || {
        while alive().is_some() {
            match Listener::connect(&url, CHANNEL) {
                Ok(mut listener) => {
                    tracing::debug!("listening for hall events");
                    // Wakes at once for an event, and each second to see
                    // whether the server is still there.
                    loop {
                        match listener.wait(Duration::from_secs(1)) {
                            Ok(payloads) => {
                                let Some(bus) = alive() else { return };
                                for p in payloads {
                                    match serde_json::from_str::<HallEvent>(&p) {
                                        Ok(event) => bus.deliver(event),
                                        Err(e) => tracing::warn!(error = %e, "unreadable hall event"),
                                    }
                                }
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "event connection lost; reconnecting");
                                break;
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "event listener cannot connect"),
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the event listener");
    }
}
