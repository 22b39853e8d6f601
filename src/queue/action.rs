//! What a clerk asks of a ticket (one input for the form and the API) and
//! what the queue decided.

use super::error::QueueError;
use super::events::HallEvent;
use super::machine::Move;
use super::models::{Outcome, Ticket};
use crate::db::ids::{AccountId, ServiceId, TicketId};
use serde::Deserialize;

/// What a clerk does with the ticket at their window.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Recall,
    Start,
    NoShow,
    Complete {
        outcome: Outcome,
        missing: Vec<String>,
        reason: String,
        phone_last4: String,
    },
    TransferToWindow(i32),
    TransferToService(ServiceId),
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Recall => "recall",
            Action::Start => "start",
            Action::NoShow => "no-show",
            Action::Complete { .. } => "complete",
            Action::TransferToWindow(_) | Action::TransferToService(_) => "transfer",
        }
    }

    pub(crate) fn movement(&self) -> Move {
        match self {
            Action::Recall => Move::Recall,
            Action::Start => Move::Start,
            Action::NoShow => Move::NoShow,
            Action::Complete { .. } => Move::Complete,
            Action::TransferToWindow(_) | Action::TransferToService(_) => Move::Transfer,
        }
    }
}

/// What a clerk sends, the same from the workstation's form and from the
/// API's JSON body; [`ActionInput::into_action`] checks it.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[schema(as = TicketActionBody)]
pub struct ActionInput {
    /// For `complete`: `done` (办结), `accepted` (受理, opens a case),
    /// `incomplete` (补正), `refused` (不予受理).
    #[schema(value_type = Option<crate::queue::models::Outcome>, example = "accepted")]
    pub outcome: Option<String>,
    /// For `complete` with `incomplete`: everything missing, at once
    /// (一次性告知).
    #[serde(default)]
    #[schema(example = json!(["户口簿原件"]))]
    pub missing_materials: Vec<String>,
    /// For `complete` with `refused`: why.
    #[serde(default)]
    pub reason: String,
    /// For `complete` of a walk-in who wants an SMS: the phone's last digits.
    #[serde(default)]
    pub phone_last4: String,
    /// For `transfer`: to this window, or
    #[serde(default, deserialize_with = "crate::db::ids::whole_i32_opt")]
    pub window_number: Option<i32>,
    /// for `transfer`: to the queue of this item.
    pub service_id: Option<ServiceId>,
}

impl ActionInput {
    /// The action named `name` (`recall`, `start`, `no-show`, `complete`,
    /// `transfer`), or why this input cannot be it.
    pub fn into_action(self, name: &str) -> Result<Action, QueueError> {
        Ok(match name {
            "recall" => Action::Recall,
            "start" => Action::Start,
            "no-show" => Action::NoShow,
            "complete" => Action::Complete {
                outcome: self
                    .outcome
                    .as_deref()
                    .and_then(|o| o.parse::<Outcome>().ok())
                    .ok_or(QueueError::Invalid("invalid_outcome"))?,
                missing: self
                    .missing_materials
                    .iter()
                    .map(|m| crate::text::clean_line(m, 100))
                    .filter(|m| !m.is_empty())
                    .take(50)
                    .collect(),
                reason: self.reason,
                phone_last4: self.phone_last4,
            },
            "transfer" => match (self.window_number, self.service_id) {
                (Some(n), None) => Action::TransferToWindow(n),
                (None, Some(s)) => Action::TransferToService(s),
                _ => return Err(QueueError::Invalid("invalid_transfer")),
            },
            _ => return Err(QueueError::NotFound),
        })
    }
}

/// An application accepted at the window: the caller opens its case in
/// the same write transaction (see `cases::service::open_case`).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub ticket: TicketId,
    pub phone_last4: String,
    pub clerk: AccountId,
}

/// What a move decided: the ticket as it now is, the events to publish
/// once committed, and an accepted application whose case is to be opened.
pub struct Decided {
    pub ticket: Ticket,
    pub events: Vec<HallEvent>,
    pub accepted: Option<Accepted>,
}
