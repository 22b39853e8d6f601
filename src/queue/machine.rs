//! The ticket's state machine, as data: which move takes a ticket from
//! which state to which, what the booking of a ticket becomes with it, and
//! which event the move writes. Every move of `calls` goes through
//! [`next`]; nothing else decides whether a move is allowed.

use super::error::QueueError;
use super::models::TicketStatus;
use crate::booking::models::BookingStatus;
use crate::text_enum;

/// What can happen to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Call,
    Recall,
    Start,
    NoShow,
    Complete,
    Transfer,
}

use Move::*;
use TicketStatus::*;

/// (from, move, to). A move not listed is refused (409).
pub const TRANSITIONS: &[(TicketStatus, Move, TicketStatus)] = &[
    (Waiting, Call, Called),
    (Transferred, Call, Called),
    (Called, Recall, Called),
    (Called, Start, Serving),
    (Called, Move::NoShow, TicketStatus::NoShow),
    (Serving, Complete, Completed),
    (Called, Transfer, Transferred),
    (Serving, Transfer, Transferred),
];

/// Where `m` takes a ticket in state `from`.
pub fn next(from: TicketStatus, m: Move) -> Result<TicketStatus, QueueError> {
    TRANSITIONS
        .iter()
        .find(|(f, mv, _)| *f == from && *mv == m)
        .map(|(_, _, to)| *to)
        .ok_or(QueueError::IllegalMove(from.as_str()))
}

/// The booking of a ticket follows it: from which states, to which.
pub fn booking_follows(to: TicketStatus) -> Option<(&'static [BookingStatus], BookingStatus)> {
    match to {
        Called => Some((&[BookingStatus::CheckedIn], BookingStatus::Called)),
        Serving => Some((&[BookingStatus::Called], BookingStatus::Serving)),
        TicketStatus::NoShow => Some((&[BookingStatus::Called], BookingStatus::NoShow)),
        Completed => Some((&[BookingStatus::Serving], BookingStatus::Completed)),
        Transferred => Some((
            &[BookingStatus::Called, BookingStatus::Serving],
            BookingStatus::CheckedIn,
        )),
        Waiting => None,
    }
}

text_enum!(
    /// What a ticket's history records.
    EventKind {
        Issued = "issued",
        Called = "called",
        Recalled = "recalled",
        Serving = "serving",
        NoShow = "no_show",
        Completed = "completed",
        Transferred = "transferred",
        Returned = "returned",
    }
);

impl Move {
    pub fn event(self) -> EventKind {
        match self {
            Call => EventKind::Called,
            Recall => EventKind::Recalled,
            Start => EventKind::Serving,
            Move::NoShow => EventKind::NoShow,
            Complete => EventKind::Completed,
            Transfer => EventKind::Transferred,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_allows_exactly_the_listed_moves() {
        let moves = [Call, Recall, Start, Move::NoShow, Complete, Transfer];
        let mut allowed = 0;
        for from in TicketStatus::ALL {
            for m in moves {
                if next(*from, m).is_ok() {
                    allowed += 1;
                }
            }
        }
        assert_eq!(allowed, TRANSITIONS.len());
        assert_eq!(
            next(Serving, Start),
            Err(QueueError::IllegalMove("serving"))
        );
        assert_eq!(
            next(Completed, Transfer),
            Err(QueueError::IllegalMove("completed"))
        );
        // Finished tickets go nowhere; every state a ticket waits in can be called.
        for done in [Completed, TicketStatus::NoShow] {
            assert!(moves.iter().all(|m| next(done, *m).is_err()));
        }
        for waiting in TicketStatus::QUEUED {
            assert_eq!(next(*waiting, Call), Ok(Called));
        }
    }
}
