//! The steps of the generated cases (办理过程), so that the history has a
//! process record to export: 受理 when the ticket ended, 办结 when the case
//! was concluded, 已领取 for those collected (recorded at the conclusion). Set-wise inserts, each only
//! for generated cases (numbered `H…`) that lack that step.

use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::DbConn;
use crate::db::ids::HallId;
use crate::db::schema::{case_events, cases};

/// Records the missing steps of the hall's generated cases; how many.
pub(crate) fn case_events(conn: &mut DbConn, hall: HallId) -> QueryResult<usize> {
    let lacking = |status: &'static str| {
        cases::table
            .filter(cases::hall_id.eq(hall))
            .filter(cases::case_number.like("H%"))
            .filter(not(exists(
                case_events::table
                    .filter(case_events::case_id.eq(cases::id))
                    .filter(case_events::status.eq(status)),
            )))
    };
    let columns = (
        case_events::case_id,
        case_events::status,
        case_events::note,
        case_events::at,
    );
    let accepted = diesel::insert_into(case_events::table)
        .values(lacking("accepted").select((
            cases::id,
            "accepted".into_sql::<Text>(),
            "".into_sql::<Text>(),
            cases::created_at,
        )))
        .into_columns(columns)
        .execute(conn)?;
    let approved = diesel::insert_into(case_events::table)
        .values(
            lacking("approved")
                .filter(cases::concluded_at.is_not_null())
                .select((
                    cases::id,
                    "approved".into_sql::<Text>(),
                    "准予许可".into_sql::<Text>(),
                    cases::concluded_at.assume_not_null(),
                )),
        )
        .into_columns(columns)
        .execute(conn)?;
    let collected = diesel::insert_into(case_events::table)
        .values(
            lacking("collected")
                .filter(cases::status.eq("collected"))
                .filter(cases::concluded_at.is_not_null())
                .select((
                    cases::id,
                    "collected".into_sql::<Text>(),
                    "".into_sql::<Text>(),
                    cases::concluded_at.assume_not_null(),
                )),
        )
        .into_columns(columns)
        .execute(conn)?;
    Ok(accepted + approved + collected)
}
