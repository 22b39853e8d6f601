//! Messages to residents (SMS): an outbox in the database, a gateway that
//! delivers them, and a worker that every instance runs.
//!
//! A feature writes a message into the outbox inside its own transaction
//! (so a booking and its confirmation commit together). The worker claims
//! due messages with a conditional UPDATE and a lease, so instances sharing
//! one PostgreSQL database never send a message twice; a failed attempt is
//! retried with back-off under the same message id, and after
//! [`outbox::MAX_ATTEMPTS`] the message is marked failed. Pages read the
//! state of each message, so "sent" is said only once it was.

pub mod gateway;
pub mod models;
pub mod outbox;
pub mod views;
pub mod worker;

pub use models::{MessageKind, MessageStatus, OutboxMessage};
