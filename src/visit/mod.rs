//! A visit as the resident follows it: a booking with what became of it at
//! the hall — its ticket and place in the queue, the outcome at the window,
//! the case it opened and the rating — on "我的预约", the booking page, its
//! print view and calendar file, `/track`, and the API's booking objects.
//! It sits above booking, queue, cases and ratings, and none of them
//! depends on it.

pub mod api;
pub mod pages;
pub mod tracking;
pub mod views;
pub mod waiting;
