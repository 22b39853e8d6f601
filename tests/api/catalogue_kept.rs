//! The catalogue kept in memory (src/catalog/snapshot.rs) is never stale:
//! whoever changes the tables — an administrator's page, the importer, the
//! command line, another instance sharing the database — the next request
//! shows the change, while a clerk's pause does not throw the copy away.

use diesel::prelude::*;
use onestop::db::ids::ServiceId;
use onestop::db::schema::{catalogue_version, service_items, window_services, windows};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app, spawn_second_instance};

async fn sql(
    app: &TestApp,
    f: impl FnOnce(&mut onestop::db::DbConn) -> QueryResult<i64> + Send + 'static,
) -> i64 {
    app.state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> { Ok(f(conn)?) })
        .await
        .unwrap()
}

async fn version(app: &TestApp) -> i64 {
    sql(app, |c| {
        catalogue_version::table
            .select(catalogue_version::version)
            .first(c)
    })
    .await
}

async fn item_json(app: &TestApp, city: i64, id: i64) -> (Value, String) {
    let r = app.get(&format!("/api/v1/services?hall_id={city}")).await;
    let tag = r.headers()["etag"].to_str().unwrap().to_string();
    let list: Value = r.json().await.unwrap();
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .cloned()
        .unwrap();
    (item, tag)
}

#[tokio::test]
async fn the_kept_catalogue_follows_every_change_to_its_tables_on_every_instance() {
    let app = spawn_app().await;
    let other = spawn_second_instance(&app).await;
    let city = app.hall_id("WUHAI").await;
    let id = app.item_with_windows(1).await;

    // Both instances have read (and kept) the catalogue.
    let (before, tag) = item_json(&app, city, id).await;
    assert_eq!(before["bookable_online"], true);
    let name = before["name"].as_str().unwrap().to_string();
    assert!(other.get_html("/services").await.1.contains(&name));

    // Another writer renames the item: both instances show the new name on
    // their next request, the list's tag changes.
    sql(&app, move |c| {
        diesel::update(service_items::table.find(ServiceId(id as i32)))
            .set(service_items::name.eq("乌海测试改名事项"))
            .execute(c)
            .map(|n| n as i64)
    })
    .await;
    let (after, tag2) = item_json(&app, city, id).await;
    assert_eq!(after["name"], "乌海测试改名事项");
    assert_ne!(tag, tag2, "a new body, a new tag");
    for instance in [&app, &other] {
        let (_, page) = instance.get_html("/services").await;
        assert!(page.contains("乌海测试改名事项") && !page.contains(&format!(">{name}<")));
        let (_, found) = instance
            .get_json("/api/v1/services?hall_id=1&q=乌海测试改名")
            .await;
        assert_eq!(found[0]["id"], id, "search reads the new name too");
    }

    // A clerk pausing a window or taking a seat is not a catalogue change.
    let v = version(&app).await;
    sql(&app, |c| {
        diesel::update(windows::table)
            .set(windows::paused.eq(true))
            .execute(c)
            .map(|n| n as i64)
    })
    .await;
    assert_eq!(version(&app).await, v, "a pause keeps the catalogue");

    // Its only window closing: not bookable any more, at once, everywhere.
    sql(&app, move |c| {
        let serving = window_services::table
            .filter(window_services::service_id.eq(ServiceId(id as i32)))
            .select(window_services::window_id);
        diesel::update(windows::table.filter(windows::id.eq_any(serving)))
            .set(windows::active.eq(false))
            .execute(c)
            .map(|n| n as i64)
    })
    .await;
    assert!(version(&app).await > v);
    assert_eq!(item_json(&app, city, id).await.0["bookable_online"], false);
    assert_eq!(
        item_json(&other, city, id).await.0["bookable_online"],
        false
    );
}
