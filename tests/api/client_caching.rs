//! What API clients (kiosks, mini-programs) rely on: conditional GET on the
//! catalogue, no caching of personal data, and `Retry-After` on every 429.

use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};

#[tokio::test]
async fn the_catalogue_answers_304_until_it_changes() {
    let app = spawn_app_at(TEST_NOW).await;
    let http = reqwest::Client::new();
    let hall = app.hall_id("WUHAI").await;
    let url = app.url(&format!("/api/v1/services?hall_id={hall}"));
    let first = http.get(&url).send().await.unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let tag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(
        first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    let again = http
        .get(&url)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    // An admin's edit changes the list: the old tag no longer matches.
    let client = crate::admin::admin(&app).await;
    let d = crate::admin::item_by_code(&app, "SBZX-023").await;
    let id = d["id"].as_i64().unwrap();
    let department = d["department_id"].to_string();
    let page = format!("/admin/items/{id}");
    let fields = crate::admin::item_fields("SBZX-023", "社会保障卡补换", &department);
    let r = post_form_with(&client, &app, &page, &page, &fields).await;
    assert_eq!(r.status().as_u16(), 303);
    let changed = http
        .get(&url)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);
    // Every catalogue list and an item's detail carry a tag.
    for path in [
        "/api/v1/halls",
        "/api/v1/departments",
        "/api/v1/windows",
        &format!("/api/v1/services/{id}"),
    ] {
        let r = http.get(app.url(path)).send().await.unwrap();
        assert!(r.headers().contains_key("etag"), "{path}");
    }
}

#[tokio::test]
async fn personal_answers_are_never_stored_and_refusals_say_when_to_retry() {
    let app = spawn_app_at(TEST_NOW).await;
    let r = app.register_resident(7).await;
    let (s, _) = app.get_json_as("/api/v1/bookings", &r.token).await;
    assert_eq!(s, 200);
    let mine = reqwest::Client::new()
        .get(app.url("/api/v1/bookings"))
        .bearer_auth(&r.token)
        .send()
        .await
        .unwrap();
    assert_eq!(mine.headers()["cache-control"], "no-store");
    assert!(!mine.headers().contains_key("etag"));
    // Guessing booking codes is slowed down; the refusal says for how long.
    let http = reqwest::Client::new();
    for path in [
        "/api/v1/track?code=AAAAAAAA&phone_last4=0000",
        "/track?code=AAAAAAAA&phone_last4=0000",
    ] {
        let mut last = 0;
        for _ in 0..40 {
            let r = http.get(app.url(path)).send().await.unwrap();
            last = r.status().as_u16();
            if last == 429 {
                assert_eq!(r.headers()["retry-after"], "60", "{path}");
                break;
            }
        }
        assert_eq!(last, 429, "{path} was never limited");
    }
}

#[tokio::test]
async fn browsers_may_call_the_api_only_from_the_configured_origins() {
    let http = reqwest::Client::new();
    let preflight = |app: &crate::helpers::TestApp, origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, app.url("/api/v1/bookings"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
    };
    // Off by default: no CORS header for anyone.
    let closed = spawn_app_at(TEST_NOW).await;
    let r = http
        .get(closed.url("/api/v1/halls"))
        .header("Origin", "https://mp.wuhai.gov.cn")
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    let r = preflight(&closed, "https://mp.wuhai.gov.cn").await.unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
    // Configured for the mini-program's origin: that origin only.
    let open = crate::helpers::spawn_app_with(|s| {
        s.cors_origins = vec!["https://mp.wuhai.gov.cn".into()];
    })
    .await;
    let r = preflight(&open, "https://mp.wuhai.gov.cn").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://mp.wuhai.gov.cn"
    );
    let r = http
        .get(open.url("/api/v1/halls"))
        .header("Origin", "https://mp.wuhai.gov.cn")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://mp.wuhai.gov.cn"
    );
    let other = preflight(&open, "https://evil.example").await.unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}
