//! What a clerk asks of a ticket (one input for the form and the API) and
//! what the queue decided.

use super::error::QueueError;
use super::events::HallEvent;
use super::machine::Move;
use super::models::{Outcome, Ticket};
use crate::db::ids::{AccountId, ServiceId, TicketId};
use serde::Deserialize;

/// What the clerk decided for one item of the visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub outcome: Outcome,
    /// For 补正: everything missing, at once (一次性告知).
    pub missing: Vec<String>,
    /// For 不予受理: why.
    pub reason: String,
}

/// Outcomes for a visit's items: one for every item (`all`), or one per
/// item; an item listed by itself takes its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decisions {
    pub all: Option<Decision>,
    pub each: Vec<(ServiceId, Decision)>,
}

impl Decisions {
    /// The decision for an item, if any.
    pub fn for_item(&self, item: ServiceId) -> Option<&Decision> {
        self.each
            .iter()
            .find(|(s, _)| *s == item)
            .map(|(_, d)| d)
            .or(self.all.as_ref())
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_none() && self.each.is_empty()
    }

    /// The outcome named by the clerk's message (the first decided).
    pub fn headline(&self) -> Option<Outcome> {
        self.all
            .as_ref()
            .or(self.each.first().map(|(_, d)| d))
            .map(|d| d.outcome)
    }
}

/// What a clerk does with the ticket at their window.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Recall,
    Start,
    NoShow,
    /// Every undecided item gets its outcome.
    Complete {
        decisions: Decisions,
        phone_last4: String,
    },
    /// The items decided here (`done`) keep their outcome; the rest go on,
    /// keeping the visit's place.
    Transfer {
        to: Destination,
        done: Decisions,
        phone_last4: String,
    },
}

/// Where a transferred visit goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// The window of this number, which must serve every open item.
    Window(i32),
    /// This item's queue, in place of the one open item (the resident came
    /// for the wrong one).
    Item(ServiceId),
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Recall => "recall",
            Action::Start => "start",
            Action::NoShow => "no-show",
            Action::Complete { .. } => "complete",
            Action::Transfer { .. } => "transfer",
        }
    }

    pub(crate) fn movement(&self) -> Move {
        match self {
            Action::Recall => Move::Recall,
            Action::Start => Move::Start,
            Action::NoShow => Move::NoShow,
            Action::Complete { .. } => Move::Complete,
            Action::Transfer { .. } => Move::Transfer,
        }
    }
}

/// One item's outcome as the client sends it.
#[derive(Debug, Deserialize, Clone, utoipa::ToSchema)]
#[schema(as = ItemOutcome)]
pub struct ItemInput {
    pub service_id: ServiceId,
    #[schema(value_type = crate::queue::models::Outcome, example = "done")]
    pub outcome: String,
    #[serde(default)]
    pub missing_materials: Vec<String>,
    #[serde(default)]
    pub reason: String,
}

/// What a clerk sends, the same from the workstation's form and from the
/// API's JSON body; [`ActionInput::into_action`] checks it.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[schema(as = TicketActionBody)]
pub struct ActionInput {
    /// For `complete`: `done` (办结), `accepted` (受理, opens a case),
    /// `incomplete` (补正), `refused` (不予受理) — for every item of the
    /// visit not listed in `items`.
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
    /// For `complete` (every item) or `transfer` (the items finished here
    /// before the rest go on): an outcome per item of a visit of several.
    #[serde(default)]
    pub items: Vec<ItemInput>,
    /// For `complete` of a walk-in who wants an SMS: the phone's last digits.
    #[serde(default)]
    pub phone_last4: String,
    /// For `transfer`: to this window, or
    #[serde(default, deserialize_with = "crate::db::ids::whole_i32_opt")]
    pub window_number: Option<i32>,
    /// for `transfer`: to the queue of this item.
    pub service_id: Option<ServiceId>,
}

fn decision(outcome: &str, missing: &[String], reason: &str) -> Result<Decision, QueueError> {
    Ok(Decision {
        outcome: outcome
            .parse::<Outcome>()
            .map_err(|_| QueueError::Invalid("invalid_outcome"))?,
        missing: missing
            .iter()
            .map(|m| crate::text::clean_line(m, 100))
            .filter(|m| !m.is_empty())
            .take(50)
            .collect(),
        reason: crate::text::clean(reason, 500),
    })
}

impl ActionInput {
    fn decisions(&self) -> Result<Decisions, QueueError> {
        let all = match self.outcome.as_deref().filter(|o| !o.is_empty()) {
            Some(o) => Some(decision(o, &self.missing_materials, &self.reason)?),
            None => None,
        };
        let mut each = Vec::new();
        for i in self.items.iter().take(5) {
            if each.iter().any(|(s, _)| *s == i.service_id) {
                return Err(QueueError::Invalid("unknown_item"));
            }
            each.push((
                i.service_id,
                decision(&i.outcome, &i.missing_materials, &i.reason)?,
            ));
        }
        Ok(Decisions { all, each })
    }

    /// The action named `name` (`recall`, `start`, `no-show`, `complete`,
    /// `transfer`), or why this input cannot be it.
    pub fn into_action(self, name: &str) -> Result<Action, QueueError> {
        Ok(match name {
            "recall" => Action::Recall,
            "start" => Action::Start,
            "no-show" => Action::NoShow,
            "complete" => {
                let decisions = self.decisions()?;
                if decisions.is_empty() {
                    return Err(QueueError::Invalid("invalid_outcome"));
                }
                Action::Complete {
                    decisions,
                    phone_last4: self.phone_last4,
                }
            }
            "transfer" => {
                let done = Decisions {
                    all: None,
                    each: self.decisions()?.each,
                };
                let to = match (self.window_number, self.service_id) {
                    (Some(number), None) => Destination::Window(number),
                    (None, Some(service)) => Destination::Item(service),
                    _ => return Err(QueueError::Invalid("invalid_transfer")),
                };
                Action::Transfer {
                    to,
                    done,
                    phone_last4: self.phone_last4,
                }
            }
            _ => return Err(QueueError::NotFound),
        })
    }
}

/// An application accepted (受理) or received (收件) at the window: the
/// caller opens its case in the same write transaction (see
/// `cases::service::open_case`).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub ticket: TicketId,
    pub service: ServiceId,
    /// 收件 (for the department to accept) rather than 受理 at the window.
    pub received: bool,
    pub phone_last4: String,
    pub clerk: AccountId,
}

/// What a move decided: the ticket as it now is, the events to publish
/// once committed, and the accepted applications whose cases are to be
/// opened (one per item accepted).
pub struct Decided {
    pub ticket: Ticket,
    pub events: Vec<HallEvent>,
    pub accepted: Vec<Accepted>,
}

impl ActionInput {
    /// The workstation's form: the API's fields by the same names, and for
    /// a visit of several items `item_{id}_outcome`, `item_{id}_missing`
    /// (repeated) and `item_{id}_reason` per item.
    pub fn from_form(body: &[u8]) -> ActionInput {
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(body).unwrap_or_default();
        let mut input = ActionInput::default();
        for (k, v) in &pairs {
            match k.as_str() {
                "outcome" => input.outcome = Some(v.clone()),
                "missing_materials" => input.missing_materials.push(v.clone()),
                "reason" => input.reason = v.clone(),
                "phone_last4" => input.phone_last4 = v.clone(),
                "window_number" => input.window_number = v.trim().parse().ok(),
                "service_id" => input.service_id = v.trim().parse().ok(),
                _ => {}
            }
        }
        for (k, v) in &pairs {
            let Some(id) = k
                .strip_prefix("item_")
                .and_then(|rest| rest.strip_suffix("_outcome"))
                .and_then(|id| id.parse::<ServiceId>().ok())
            else {
                continue;
            };
            if v.is_empty() || input.items.iter().any(|i| i.service_id == id) {
                continue;
            }
            let field = |name: &str| format!("item_{id}_{name}");
            input.items.push(ItemInput {
                service_id: id,
                outcome: v.clone(),
                missing_materials: pairs
                    .iter()
                    .filter(|(k, _)| *k == field("missing"))
                    .map(|(_, v)| v.clone())
                    .collect(),
                reason: pairs
                    .iter()
                    .find(|(k, _)| *k == field("reason"))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            });
        }
        input
    }
}

impl Action {
    /// Whether the move records a 补正 for some item (its notice is due).
    pub fn records_incomplete(&self) -> bool {
        let ds = match self {
            Action::Complete { decisions, .. } => decisions,
            Action::Transfer { done, .. } => done,
            _ => return false,
        };
        ds.all
            .iter()
            .chain(ds.each.iter().map(|(_, d)| d))
            .any(|d| d.outcome == Outcome::Incomplete)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_carries_an_outcome_per_item() {
        let body = b"item_7_outcome=incomplete&item_7_missing=%E6%88%B7%E5%8F%A3%E7%B0%BF&item_7_missing=%E7%85%A7%E7%89%87&item_9_outcome=done&item_11_outcome=&phone_last4=1234";
        let input = ActionInput::from_form(body);
        assert_eq!(input.items.len(), 2, "an empty choice is no choice");
        assert_eq!(input.items[0].service_id, ServiceId(7));
        assert_eq!(input.items[0].missing_materials, vec!["户口簿", "照片"]);
        let Ok(Action::Complete { decisions, .. }) = input.into_action("complete") else {
            panic!("a complete");
        };
        assert_eq!(
            decisions.for_item(ServiceId(9)).map(|d| d.outcome),
            Some(Outcome::Done)
        );
        assert!(decisions.for_item(ServiceId(11)).is_none());
    }

    #[test]
    fn one_outcome_covers_every_item_not_listed() {
        let input = ActionInput {
            outcome: Some("accepted".into()),
            items: vec![ItemInput {
                service_id: ServiceId(3),
                outcome: "refused".into(),
                missing_materials: vec![],
                reason: "不符合条件".into(),
            }],
            ..Default::default()
        };
        let Ok(Action::Complete { decisions, .. }) = input.into_action("complete") else {
            panic!("a complete");
        };
        assert_eq!(
            decisions.for_item(ServiceId(3)).map(|d| d.outcome),
            Some(Outcome::Refused)
        );
        assert_eq!(
            decisions.for_item(ServiceId(4)).map(|d| d.outcome),
            Some(Outcome::Accepted)
        );
    }
}
