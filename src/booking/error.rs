//! Why a booking, a cancellation or a move was refused, and how the HTTP
//! layer answers it.

use crate::error::AppError;
use chrono::NaiveDate;

/// Why online booking is suspended: the hall's rule for no-shows, or for
/// repeated cancellations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspension {
    NoShows,
    Cancellations,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BookingError {
    #[error("no such service item")]
    ServiceNotFound,
    #[error("this item cannot be booked online")]
    NotBookable,
    #[error("no window serves this item at present")]
    NoWindow,
    /// Several items, but no window serves all of them.
    #[error("no window serves all of these items together")]
    NoCommonWindow,
    /// Not 1–5 distinct active items of one hall.
    #[error("a visit takes 1 to 5 different items of one hall")]
    InvalidItems,
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
    Suspended(NaiveDate, Suspension),
    /// Joining the waiting list for a day (or slot) that still has a place.
    #[error("places are still available: book one instead")]
    PlacesAvailable,
    #[error("already on the waiting list for this item and day")]
    AlreadyWaiting,
    #[error("the offer has expired")]
    OfferExpired,
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
            BookingError::Suspended(..) => AppError::forbidden(code, message),
            BookingError::SlotFull
            | BookingError::NoCommonWindow
            | BookingError::PlacesAvailable
            | BookingError::AlreadyWaiting
            | BookingError::OfferExpired
            | BookingError::Duplicate
            | BookingError::LimitReached(_)
            | BookingError::TooLate(_)
            | BookingError::WrongState => AppError::conflict(code, message),
            BookingError::OutsideHorizon
            | BookingError::InvalidSlot
            | BookingError::NotBookable
            | BookingError::InvalidItems
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
            BookingError::NoCommonWindow => "no_common_window",
            BookingError::InvalidItems => "invalid_items",
            BookingError::PlacesAvailable => "places_available",
            BookingError::AlreadyWaiting => "already_waiting",
            BookingError::OfferExpired => "offer_expired",
            BookingError::OutsideHorizon => "outside_horizon",
            BookingError::InvalidSlot => "invalid_slot",
            BookingError::SlotFull => "slot_full",
            BookingError::Duplicate => "duplicate_booking",
            BookingError::LimitReached(_) => "limit_reached",
            BookingError::Suspended(..) => "suspended",
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
            BookingError::NoCommonWindow => "book-error-no-common-window",
            BookingError::InvalidItems => "book-error-items",
            BookingError::PlacesAvailable => "waitlist-error-places-available",
            BookingError::AlreadyWaiting => "waitlist-error-already",
            BookingError::OfferExpired => "waitlist-error-expired",
            BookingError::OutsideHorizon => "book-error-horizon",
            BookingError::InvalidSlot => "book-error-slot",
            BookingError::SlotFull => "book-error-full",
            BookingError::Duplicate => "book-error-duplicate",
            BookingError::LimitReached(_) => "book-error-limit",
            BookingError::Suspended(_, Suspension::NoShows) => "book-error-suspended",
            BookingError::Suspended(_, Suspension::Cancellations) => {
                "book-error-suspended-cancellations"
            }
            BookingError::TooLate(_) => "book-error-too-late",
            BookingError::WrongState => "book-error-state",
            BookingError::Db(_) | BookingError::NoFreeCode => "error-500-message",
        }
    }
}
