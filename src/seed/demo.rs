//! `onestop seed --demo`: accounts to try the hall with. Passwords are random
//! and printed once; running it again leaves existing accounts alone.

use chrono::NaiveDateTime;

use crate::accounts::create::{AddUser, AddUserError, add_user};
use crate::accounts::models::Role;
use crate::accounts::pii::PiiKeys;
use crate::accounts::repo;
use crate::db::DbConn;

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
