//! Seeding: idempotent, demo accounts, counts.

use onestop::accounts::models::Role;
use onestop::accounts::repo;
use onestop::catalog::repo::hall_figures;
use onestop::hall::repo::{count_halls, default_hall};
use onestop::seed::demo::seed_demo_accounts;
use onestop::seed::seed_catalogue;

use crate::helpers::spawn_app;

#[tokio::test]
async fn seeding_twice_changes_nothing_and_demo_accounts_are_created_once() {
    let app = spawn_app().await;
    let state = app.state.clone();
    let now = state.clock.now_utc();
    let (report, halls, figures) = state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            let report = seed_catalogue(conn, now, &mut |_| {}).expect("seed");
            let hall = default_hall(conn)?.expect("city hall");
            Ok((report, count_halls(conn)?, hall_figures(conn, hall.id)?))
        })
        .await
        .unwrap();
    assert!(report.already_seeded);
    assert_eq!(halls, 6);
    assert_eq!(
        (figures.departments, figures.windows, figures.services),
        (38, 107, 337)
    );

    let keys = state.pii.clone();
    let (first, second, admins, residents) = state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            let first = seed_demo_accounts(conn, &keys, now).expect("demo");
            let second = seed_demo_accounts(conn, &keys, now).expect("demo again");
            Ok((
                first,
                second,
                repo::count_with_role(conn, Role::Admin)?,
                repo::count_with_role(conn, Role::Resident)?,
            ))
        })
        .await
        .unwrap();
    assert!(first.iter().all(|l| l.password.is_some()));
    assert!(
        second.iter().all(|l| l.password.is_none()),
        "a second run keeps passwords"
    );
    assert_eq!(admins, 1);
    assert_eq!(residents, 3);
    assert!(first.iter().any(|l| l.role == Role::Clerk));
}
