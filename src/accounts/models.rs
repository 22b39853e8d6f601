use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{AccountId, DepartmentId, HallId, WindowId};
use crate::db::schema::accounts;
use crate::text_enum;

text_enum!(
    /// What an account may do; every route declares the roles it admits.
    Role {
        Resident = "resident",
        Clerk = "clerk",
        DeptAdmin = "dept_admin",
        Admin = "admin",
    }
);

impl Role {
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Resident)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: AccountId,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub name: String,
    pub phone: String,
    pub id_number_cipher: Option<Vec<u8>>,
    pub id_number_hash: Option<String>,
    pub password_hash: String,
    pub hall_id: Option<HallId>,
    pub department_id: Option<DepartmentId>,
    pub window_id: Option<WindowId>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount {
    #[diesel(serialize_as = String)]
    pub role: Role,
    pub name: String,
    pub phone: String,
    pub id_number_cipher: Option<Vec<u8>>,
    pub id_number_hash: Option<String>,
    pub password_hash: String,
    pub hall_id: Option<HallId>,
    pub department_id: Option<DepartmentId>,
    pub window_id: Option<WindowId>,
    pub must_change_password: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
