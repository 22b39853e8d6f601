//! Public tracking (`/track`): a booking's status by its code and the last
//! four digits of the phone number, without signing in. Shows nothing
//! personal beyond the masked name; a wrong pair is simply "not found".

use diesel::prelude::*;
use subtle::ConstantTimeEq;

use super::models::Booking;
use super::repo;
use crate::catalog::models::{ServiceItem, Window};
use crate::db::DbConn;
use crate::db::schema::{accounts, service_items, windows};
use crate::pii::mask_name;

pub struct Tracked {
    pub booking: Booking,
    pub masked_name: String,
    pub service: ServiceItem,
    pub window: Window,
}

pub fn find(conn: &mut DbConn, code: &str, phone_last4: &str) -> QueryResult<Option<Tracked>> {
    let Some(booking) = repo::find_by_code(conn, code)? else {
        return Ok(None);
    };
    let (name, phone): (String, String) = accounts::table
        .find(booking.account_id)
        .select((accounts::name, accounts::phone))
        .first(conn)?;
    let last4 = phone
        .get(phone.len().saturating_sub(4)..)
        .unwrap_or_default();
    if !bool::from(last4.as_bytes().ct_eq(phone_last4.as_bytes())) {
        return Ok(None);
    }
    let service = service_items::table
        .find(booking.service_id)
        .select(ServiceItem::as_select())
        .first(conn)?;
    let window = windows::table
        .find(booking.window_id)
        .select(Window::as_select())
        .first(conn)?;
    Ok(Some(Tracked {
        booking,
        masked_name: mask_name(&name),
        service,
        window,
    }))
}
