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
