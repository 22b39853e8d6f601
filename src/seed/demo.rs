//! `onestop seed --demo`: accounts to try the hall with. Passwords are random
//! and printed once; running it again leaves existing accounts alone.

use chrono::NaiveDateTime;

use crate::accounts::create::{AddUser, AddUserError, add_user};
use crate::accounts::models::Role;
use crate::accounts::repo;
use crate::db::DbConn;
use crate::pii::PiiKeys;

/// (role, name, phone, window number, department code, ID number)
type DemoAccount = (
    Role,
    &'static str,
    &'static str,
    Option<i32>,
    Option<&'static str>,
    Option<&'static str>,
);

const DEMO: &[DemoAccount] = &[
    (Role::Admin, "赵建国", "13904730001", None, None, None),
    (
        Role::DeptAdmin,
        "钱丽华",
        "13904730002",
        None,
        Some("SBZX"),
        None,
    ),
    (
        Role::DeptAdmin,
        "孙志强",
        "13904730003",
        None,
        Some("SWJ"),
        None,
    ),
    (Role::Clerk, "周敏", "13904730011", Some(17), None, None),
    (Role::Clerk, "吴海燕", "13904730012", Some(1), None, None),
    (Role::Clerk, "郑凯", "13904730013", Some(41), None, None),
    (Role::Clerk, "冯晓东", "13904730014", Some(50), None, None),
    (
        Role::Resident,
        "王秀英",
        "13804731001",
        None,
        None,
        Some("150304195603082023"),
    ),
    (
        Role::Resident,
        "张伟",
        "13804731002",
        None,
        None,
        Some("150302198506123015"),
    ),
    (
        Role::Resident,
        "李娜",
        "13804731003",
        None,
        None,
        Some("150303199001011238"),
    ),
];

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub name: String,
    pub phone: String,
    /// `None` when the account already existed (its password is unchanged).
    pub password: Option<String>,
}

/// A readable random password: no 0/O or 1/l/I to misread.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 12];
    rand::fill(&mut bytes);
    let s: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])
}

pub fn seed_demo_accounts(
    conn: &mut DbConn,
    keys: &PiiKeys,
    now: NaiveDateTime,
) -> Result<Vec<DemoLogin>, AddUserError> {
    let mut logins = Vec::new();
    for (role, name, phone, window, dept, id_number) in DEMO {
        if repo::find_by_phone(conn, phone)?.is_some() {
            logins.push(DemoLogin {
                role: *role,
                name: name.to_string(),
                phone: phone.to_string(),
                password: None,
            });
            continue;
        }
        let password = random_password();
        add_user(
            conn,
            &AddUser {
                role: *role,
                phone: phone.to_string(),
                name: name.to_string(),
                password: password.clone(),
                id_number: id_number.map(str::to_string),
                hall: None,
                window: *window,
                department: dept.map(str::to_string),
                must_change_password: false,
            },
            keys,
            now,
        )?;
        logins.push(DemoLogin {
            role: *role,
            name: name.to_string(),
            phone: phone.to_string(),
            password: Some(password),
        });
    }
    Ok(logins)
}

/// (resident phone, item code) of the demo bookings.
const DEMO_BOOKINGS: &[(&str, &str)] = &[
    ("13804731001", "SBZX-010"),
    ("13804731002", "BDC-002"),
    ("13804731003", "GACRJ-001"),
];

/// Books each demo resident the first free slot of one item on the next
/// bookable day (skipped when they already have a booking). Returns
/// (phone, booking code, date, time) for what was booked.
pub fn seed_demo_bookings(
    conn: &mut DbConn,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<Vec<(String, String, String)>, String> {
    use crate::booking::repo as booking_repo;
    use crate::booking::service::{BookRequest, Offer, book};
    use crate::catalog::models::ServiceItem;
    use crate::db::schema::service_items;
    use diesel::prelude::*;

    let mut made = Vec::new();
    for (phone, item_code) in DEMO_BOOKINGS {
        let Some(account) = repo::find_by_phone(conn, phone).map_err(|e| e.to_string())? else {
            continue;
        };
        if !booking_repo::list_for_account(conn, account.id)
            .map_err(|e| e.to_string())?
            .is_empty()
        {
            continue;
        }
        let item: ServiceItem = service_items::table
            .filter(service_items::code.eq(item_code))
            .select(ServiceItem::as_select())
            .first(conn)
            .map_err(|e| e.to_string())?;
        let offer = Offer::load(conn, item.id, now, tz).map_err(|e| e.to_string())?;
        let Some(day) = offer
            .schedule
            .bookable_days()
            .into_iter()
            .find(|d| *d > offer.schedule.now_local.date())
        else {
            continue;
        };
        let Some((slot, _)) = offer
            .availability(conn, day)
            .map_err(|e| e.to_string())?
            .and_then(|s| s.into_iter().find(|(_, left)| *left > 0))
        else {
            continue;
        };
        let b = book(
            conn,
            &BookRequest {
                account: account.id,
                services: vec![item.id],
                date: day,
                start: slot.start,
            },
            now,
            tz,
        )
        .map_err(|e| e.to_string())?;
        made.push((
            phone.to_string(),
            crate::booking::code::display(&b.code),
            format!("{} {} {}", b.day, b.start_time.format("%H:%M"), item.name),
        ));
    }
    Ok(made)
}
