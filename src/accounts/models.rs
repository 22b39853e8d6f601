use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{AccountId, DepartmentId, HallId, WindowId};
use crate::db::schema::accounts;

pub use crate::web::viewer::Role;

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

impl Account {
    /// This account as the audit trail records it.
    pub fn actor(&self, ip: &str) -> crate::audit::Actor {
        crate::audit::Actor::account(self.id, self.role.as_str(), ip)
    }
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
