//! What can go wrong on the hall floor, as the contract's codes.

use crate::error::AppError;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueueError {
    #[error("not found")]
    NotFound,
    #[error("check-in opens {0} minutes before the booked time")]
    TooEarly(i32),
    #[error("the check-in time has passed; take a walk-in ticket")]
    TooLate,
    #[error("this booking cannot be checked in")]
    NotCheckable,
    #[error("today's walk-in tickets for this item are all given out")]
    QuotaReached,
    #[error("the hall is closed now")]
    HallClosed,
    #[error("this is not your window")]
    NotYourWindow,
    #[error("the window is paused")]
    WindowPaused,
    #[error("finish the current ticket first")]
    WindowBusy,
    #[error("this ticket is not at your window")]
    NotYourTicket,
    #[error("a ticket in state {0} cannot do that")]
    IllegalMove(&'static str),
    #[error("a ticket is called at most 3 times")]
    TooManyCalls,
    #[error("{0}")]
    Invalid(&'static str),
    #[error("another clerk is at this window")]
    WindowTaken,
    #[error("nobody staffs that window now; a ticket sent there would wait for nobody")]
    WindowNotStaffed,
    #[error("no staffed window serves that item now")]
    ServiceNotStaffed,
    #[error("no window serves this item")]
    NoWindow,
    #[error("no window serves all of these items together")]
    NoCommonWindow,
    #[error(transparent)]
    Db(#[from] crate::db::DbFailure),
}

impl From<diesel::result::Error> for QueueError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => QueueError::NotFound,
            other => QueueError::Db(other.into()),
        }
    }
}

impl From<QueueError> for AppError {
    fn from(e: QueueError) -> Self {
        let code = e.code();
        let message = e.to_string();
        match e {
            QueueError::NotFound => AppError::NotFound,
            QueueError::NotYourWindow | QueueError::NotYourTicket => {
                AppError::forbidden(code, message)
            }
            QueueError::Invalid(_) => AppError::invalid(code, message),
            QueueError::Db(f) => f.into(),
            _ => AppError::conflict(code, message),
        }
    }
}

impl From<crate::cases::service::CaseError> for QueueError {
    fn from(e: crate::cases::service::CaseError) -> Self {
        use crate::cases::service::CaseError;
        match e {
            CaseError::NotFound => QueueError::NotFound,
            CaseError::Db(f) => QueueError::Db(f),
            _ => QueueError::IllegalMove("accepted"),
        }
    }
}

impl QueueError {
    /// A visit's items that cannot be read (not 1–5 active items of one
    /// hall, or an item that does not exist).
    pub fn from_items(e: crate::booking::error::BookingError) -> QueueError {
        use crate::booking::error::BookingError;
        match e {
            BookingError::ServiceNotFound => QueueError::NotFound,
            BookingError::Db(f) => QueueError::Db(f),
            _ => QueueError::Invalid("invalid_items"),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            QueueError::NotFound => "not_found",
            QueueError::TooEarly(_) => "too_early",
            QueueError::TooLate => "too_late",
            QueueError::NotCheckable => "invalid_state",
            QueueError::QuotaReached => "quota_reached",
            QueueError::HallClosed => "hall_closed",
            QueueError::NotYourWindow => "not_your_window",
            QueueError::WindowPaused => "window_paused",
            QueueError::WindowBusy => "window_busy",
            QueueError::NotYourTicket => "not_your_ticket",
            QueueError::IllegalMove(_) => "illegal_transition",
            QueueError::TooManyCalls => "too_many_calls",
            QueueError::Invalid(code) => code,
            QueueError::WindowTaken => "window_taken",
            QueueError::WindowNotStaffed => "window_not_staffed",
            QueueError::ServiceNotStaffed => "service_not_staffed",
            QueueError::NoWindow => "no_window",
            QueueError::NoCommonWindow => "no_common_window",
            QueueError::Db(_) => "internal_error",
        }
    }

    /// The translation key of the message shown on pages.
    pub fn message_key(&self) -> &'static str {
        Self::message_key_of(self.code())
    }

    /// The message key of an error code (as the workstation's `?error=`
    /// carries it); an unknown code gets the general message.
    pub fn message_key_of(code: &str) -> &'static str {
        match code {
            "not_found" => "queue-error-not-found",
            "too_early" => "queue-error-too-early",
            "too_late" => "queue-error-too-late",
            "invalid_state" => "queue-error-invalid-state",
            "quota_reached" => "queue-error-quota-reached",
            "hall_closed" => "queue-error-hall-closed",
            "not_your_window" => "queue-error-not-your-window",
            "window_taken" => "queue-error-window-taken",
            "window_paused" => "queue-error-window-paused",
            "window_busy" => "queue-error-window-busy",
            "not_your_ticket" => "queue-error-not-your-ticket",
            "illegal_transition" => "queue-error-illegal-transition",
            "too_many_calls" => "queue-error-too-many-calls",
            "missing_materials_required" => "queue-error-missing-materials-required",
            "reason_required" => "queue-error-reason-required",
            "unknown_window" => "queue-error-unknown-window",
            "window_cannot_serve" => "queue-error-window-cannot-serve",
            "unknown_service" => "queue-error-unknown-service",
            "same_service" => "queue-error-same-service",
            "invalid_outcome" => "queue-error-invalid-outcome",
            "invalid_transfer" => "queue-error-invalid-transfer",
            "window_not_staffed" => "queue-error-window-not-staffed",
            "service_not_staffed" => "queue-error-service-not-staffed",
            "no_window" => "queue-error-no-window",
            "no_common_window" => "queue-error-no-common-window",
            "invalid_items" => "queue-error-invalid-items",
            "outcome_required" => "queue-error-outcome-required",
            "unknown_item" => "queue-error-unknown-item",
            "nothing_to_transfer" => "queue-error-nothing-to-transfer",
            "choose_window" => "queue-error-choose-window",
            "forbidden" => "queue-error-forbidden",
            _ => "queue-error-other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_refusal_has_a_message() {
        let codes = [
            "not_found",
            "too_early",
            "too_late",
            "invalid_state",
            "quota_reached",
            "hall_closed",
            "not_your_window",
            "window_taken",
            "window_paused",
            "window_busy",
            "not_your_ticket",
            "illegal_transition",
            "too_many_calls",
            "missing_materials_required",
            "reason_required",
            "unknown_window",
            "window_cannot_serve",
            "unknown_service",
            "same_service",
            "invalid_outcome",
            "invalid_transfer",
            "window_not_staffed",
            "service_not_staffed",
            "no_window",
            "no_common_window",
            "invalid_items",
            "outcome_required",
            "unknown_item",
            "nothing_to_transfer",
            "choose_window",
            "forbidden",
            "anything else",
        ];
        for c in codes {
            let key = QueueError::message_key_of(c);
            assert!(Lang::Zh.has(key) && Lang::En.has(key), "{c}: {key}");
        }
        assert_eq!(
            QueueError::WindowBusy.message_key(),
            "queue-error-window-busy"
        );
    }
}
