use diesel::prelude::*;

use super::models::{Account, NewAccount, Role};
use crate::db::DbConn;
use crate::db::ids::AccountId;
use crate::db::schema::accounts;

pub fn insert_account(conn: &mut DbConn, new: NewAccount) -> QueryResult<AccountId> {
    diesel::insert_into(accounts::table)
        .values(new)
        .returning(accounts::id)
        .get_result(conn)
}

pub fn find_by_phone(conn: &mut DbConn, phone: &str) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::phone.eq(phone))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn find_account(conn: &mut DbConn, id: AccountId) -> QueryResult<Option<Account>> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn id_number_taken(conn: &mut DbConn, hash: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::id_number_hash.eq(hash)),
    ))
    .get_result(conn)
}

pub fn count_with_role(conn: &mut DbConn, role: Role) -> QueryResult<i64> {
    accounts::table
        .filter(accounts::role.eq(role.as_str()))
        .count()
        .get_result(conn)
}

/// Stores a new password hash; a one-time password requirement is lifted.
pub fn set_password(
    conn: &mut DbConn,
    id: AccountId,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::password_hash.eq(hash),
            accounts::must_change_password.eq(false),
            accounts::updated_at.eq(now),
        ))
        .execute(conn)
}
