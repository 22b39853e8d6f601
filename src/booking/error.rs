//! Why a booking, a cancellation or a move was refused, and how the HTTP
//! layer answers it.

use crate::error::AppError;
use chrono::NaiveDate;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BookingError {
    #[error("no such service item")]
    ServiceNotFound,
    #[error("this item cannot be booked online")]
    NotBookable,
    #[error("no window serves this item at present")]
    NoWindow,
    #[error("that date is outside the booking horizon")]
    OutsideHorizon,
    #[error("that time is not an open slot")]
    InvalidSlot,
    #[error("the slot is full")]
    SlotFull,
    #[error("an active booking for this item on that day exists")]
    Duplicate,
    /// The person already has this many active bookings (the hall's limit).
    #[error("too many active bookings (at most {0})")]
    LimitReached(i32),
    #[error("online booking is suspended until {0}")]
    Suspended(NaiveDate),
    #[error("no such booking")]
    NotFound,
    /// Less than this many minutes before the slot.
    #[error("the booking can no longer be changed ({0} minutes before the slot at the latest)")]
    TooLate(i32),
    #[error("the booking is not in a state that allows this")]
    WrongState,
    #[error("could not draw a free booking code")]
    NoFreeCode,
    #[error(transparent)]
    Db(#[from] crate::db::DbFailure),
}

impl From<diesel::result::Error> for BookingError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                info,
            ) if info.message().contains("service_id")
                || info
                    .constraint_name()
                    .is_some_and(|c| c.contains("one_active")) =>
            {
                BookingError::Duplicate
            }
            other => BookingError::Db(other.into()),
        }
    }
}

impl From<BookingError> for AppError {
    fn from(e: BookingError) -> Self {
        let code = e.code();
        let message = e.to_string();
        match e {
            BookingError::ServiceNotFound | BookingError::NotFound => AppError::NotFound,
            BookingError::Suspended(_) => AppError::forbidden(code, message),
            BookingError::SlotFull
            | BookingError::Duplicate
            | BookingError::LimitReached(_)
            | BookingError::TooLate(_)
            | BookingError::WrongState => AppError::conflict(code, message),
            BookingError::OutsideHorizon
            | BookingError::InvalidSlot
            | BookingError::NotBookable
            | BookingError::NoWindow => AppError::invalid(code, message),
            BookingError::Db(f) => f.into(),
            BookingError::NoFreeCode => AppError::Internal(message),
        }
    }
}

impl BookingError {
    /// The contract's error code.
    pub fn code(&self) -> &'static str {
        match self {
            BookingError::ServiceNotFound | BookingError::NotFound => "not_found",
            BookingError::NotBookable => "not_bookable_online",
            BookingError::NoWindow => "no_window",
            BookingError::OutsideHorizon => "outside_horizon",
            BookingError::InvalidSlot => "invalid_slot",
            BookingError::SlotFull => "slot_full",
            BookingError::Duplicate => "duplicate_booking",
            BookingError::LimitReached(_) => "limit_reached",
            BookingError::Suspended(_) => "suspended",
            BookingError::TooLate(_) => "too_late",
            BookingError::WrongState => "invalid_state",
            BookingError::Db(_) | BookingError::NoFreeCode => "internal_error",
        }
    }

    /// The translation key of the message shown to residents.
    pub fn message_key(&self) -> &'static str {
        match self {
            BookingError::ServiceNotFound | BookingError::NotFound => "error-404-message",
            BookingError::NotBookable => "book-error-not-bookable",
            BookingError::NoWindow => "book-error-no-window",
            BookingError::OutsideHorizon => "book-error-horizon",
            BookingError::InvalidSlot => "book-error-slot",
            BookingError::SlotFull => "book-error-full",
            BookingError::Duplicate => "book-error-duplicate",
            BookingError::LimitReached(_) => "book-error-limit",
            BookingError::Suspended(_) => "book-error-suspended",
            BookingError::TooLate(_) => "book-error-too-late",
            BookingError::WrongState => "book-error-state",
            BookingError::Db(_) | BookingError::NoFreeCode => "error-500-message",
        }
    }
}
