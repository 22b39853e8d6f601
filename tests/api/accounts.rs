//! Real-name registration, sign-in, sessions and CSRF.

use serde_json::json;

use crate::helpers::{
    PASSWORD, TEST_NOW, assert_error_json, csrf_of, id_number, phone, spawn_app_at,
};
use crate::pages::text_of;

#[tokio::test]
async fn registration_validates_id_numbers_phones_and_passwords() {
    let app = spawn_app_at(TEST_NOW).await;
    let good = |n: u32| json!({"name": "王秀英", "id_number": id_number(n), "phone": phone(n), "password": PASSWORD});
    let (s, body) = app.post_json("/api/v1/auth/register", None, &good(1)).await;
    assert_eq!(s, 201, "{body}");
    assert!(body["id"].as_i64().is_some());

    let mut same_phone = good(2);
    same_phone["phone"] = json!(phone(1));
    let (s, body) = app
        .post_json("/api/v1/auth/register", None, &same_phone)
        .await;
    assert_error_json(s, &body, 409, "phone_taken");

    let mut same_id = good(3);
    same_id["id_number"] = json!(id_number(1).to_lowercase());
    let (s, body) = app.post_json("/api/v1/auth/register", None, &same_id).await;
    assert_error_json(s, &body, 409, "id_number_taken");

    let mut wrong_check = good(4);
    let mut id = id_number(4);
    let last = id.pop().unwrap();
    id.push(if last == '1' { '2' } else { '1' });
    wrong_check["id_number"] = json!(id);
    let (s, body) = app
        .post_json("/api/v1/auth/register", None, &wrong_check)
        .await;
    assert_error_json(s, &body, 422, "invalid_id_number");

    let mut bad_phone = good(5);
    bad_phone["phone"] = json!("12345678901");
    let (s, body) = app
        .post_json("/api/v1/auth/register", None, &bad_phone)
        .await;
    assert_error_json(s, &body, 422, "invalid_phone");

    for weak in ["12345678", "short", "woaini1314"] {
        let mut w = good(6);
        w["password"] = json!(weak);
        let (s, body) = app.post_json("/api/v1/auth/register", None, &w).await;
        assert_error_json(s, &body, 422, "weak_password");
    }
    // Nothing was created by the refused attempts.
    let (s, _) = app.post_json("/api/v1/auth/register", None, &good(6)).await;
    assert_eq!(s, 201);

    let (s, body) = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(s, 400);
    let body: serde_json::Value = body.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed");
    let big = json!({"name": "x".repeat(70_000), "id_number": "1", "phone": "1", "password": "1"});
    let (s, body) = app.post_json("/api/v1/auth/register", None, &big).await;
    assert_error_json(s, &body, 413, "payload_too_large");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_phone_answer_the_same_and_lock_out_backs_off() {
    let app = spawn_app_at(TEST_NOW).await;
    app.register_resident(1).await;
    let login = |p: String, pw: &str| json!({"phone": p, "password": pw});
    let (s1, b1) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &login(phone(1), "wrong-password"),
        )
        .await;
    let (s2, b2) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &login(phone(999), "wrong-password"),
        )
        .await;
    assert_eq!((s1, &b1), (s2, &b2), "same status and body");
    assert_error_json(s1, &b1, 401, "invalid_credentials");

    // Four more failures lock the account: even the right password is refused.
    for _ in 0..4 {
        app.post_json(
            "/api/v1/auth/login",
            None,
            &login(phone(1), "wrong-password"),
        )
        .await;
    }
    let (s, body) = app
        .post_json("/api/v1/auth/login", None, &login(phone(1), PASSWORD))
        .await;
    assert_eq!(
        (s, &body),
        (s1, &b1),
        "a locked account looks like any failure"
    );
    // The first lock lasts a minute, not long.
    app.set_now("2026-12-01T08:01:30+08:00");
    let (s, body) = app
        .post_json("/api/v1/auth/login", None, &login(phone(1), PASSWORD))
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["role"], "resident");
    assert!(
        body["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-01T")
    );
}

#[tokio::test]
async fn the_registration_form_shows_all_problems_and_keeps_what_was_typed() {
    let app = spawn_app_at(TEST_NOW).await;
    let fields = [
        ("name", "李娜"),
        ("id_number", "150303199001011239"),
        ("phone", "1380473"),
        ("password", "12345678"),
        ("password2", "1234567"),
    ];
    let r = app.post_form("/register", "/register", &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let text = text_of(&html);
    assert!(text.contains("校验位不正确"), "{text}");
    assert!(text.contains("11 位"));
    assert!(text.contains("两次输入的密码不一样"));
    assert!(text.contains("请阅读并勾选"));
    assert!(html.contains(r#"value="李娜""#), "the name stays");
    assert!(
        html.contains(r#"value="150303199001011239""#),
        "the ID number stays"
    );
    assert!(
        !html.contains(r#"value="12345678""#),
        "passwords are not sent back"
    );

    // Fixed, the same form signs the resident in and lands on their bookings.
    let fields = [
        ("name", "李娜"),
        ("id_number", "150303199001011238"),
        ("phone", "13804730001"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
        ("consent", "yes"),
    ];
    let r = app.post_form("/register", "/register", &fields).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/bookings");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (s, html) = app.get_html("/account").await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(text.contains("150303********1238"), "masked ID: {text}");
    assert!(text.contains("138****0001"));
    assert!(!text.contains("150303199001011238"));
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = spawn_app_at(TEST_NOW).await;
    let fields = [
        ("name", "李娜"),
        ("id_number", "150303199001011238"),
        ("phone", "13804730001"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
        ("consent", "yes"),
    ];
    let r = app
        .client
        .post(app.url("/register"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(text_of(&r.text().await.unwrap()).contains("无权访问"));
    let mut with_wrong = fields.to_vec();
    with_wrong.push(("csrf_token", "0000"));
    let r = app
        .client
        .post(app.url("/register"))
        .form(&with_wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A valid token from another site's page is refused by the origin check.
    let (_, html) = app.get_html("/register").await;
    let mut with_token = fields.to_vec();
    let token = csrf_of(&html);
    with_token.push(("csrf_token", &token));
    let r = app
        .client
        .post(app.url("/register"))
        .header("origin", "https://evil.example")
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .client
        .post(app.url("/register"))
        .header("sec-fetch-site", "cross-site")
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // Nothing was registered.
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"phone": "13804730001", "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, 401);
    // The same form with its token goes through.
    let r = app
        .client
        .post(app.url("/register"))
        .form(&with_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn sessions_end_on_logout_password_change_idle_time_and_renew_at_login() {
    let app = spawn_app_at(TEST_NOW).await;
    app.register_resident(1).await;
    let sign_in = |client: &reqwest::Client| {
        let client = client.clone();
        let app_url = app.url("");
        async move {
            let html = client
                .get(format!("{app_url}/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let token = csrf_of(&html);
            client
                .post(format!("{app_url}/login"))
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("phone", &phone(1)),
                    ("password", PASSWORD),
                    ("next", "/account"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let r = sign_in(&app.client).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/account");
    let first_cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(app.get("/account").await.status().as_u16(), 200);

    // Signing in again gives a new session id; the old one is over.
    let r = sign_in(&app.client).await;
    let second_cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(first_cookie, second_cookie);
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = stale
        .get(app.url("/account"))
        .header("cookie", &first_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        303,
        "the replaced session no longer works"
    );
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );

    // A second device; a password change on the first ends it at once.
    let other = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    sign_in(&other).await;
    assert_eq!(
        other
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let r = app
        .post_form(
            "/account",
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new_password", "Another-Pass-2026"),
                ("new_password2", "Another-Pass-2026"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        other
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        303,
        "other device signed out"
    );
    assert_eq!(
        app.get("/account").await.status().as_u16(),
        200,
        "this device stays signed in"
    );

    // 31 idle minutes end the session.
    app.set_now("2026-12-01T08:35:00+08:00");
    assert_eq!(app.get("/account").await.status().as_u16(), 303);

    // Logout ends it too.
    let r = sign_in_with(&app, "Another-Pass-2026").await;
    assert_eq!(r, 303);
    let r = app.post_form("/account", "/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.get("/account").await.status().as_u16(), 303);
}

async fn sign_in_with(app: &crate::helpers::TestApp, password: &str) -> u16 {
    app.post_form(
        "/login",
        "/login",
        &[("phone", &phone(1)), ("password", password)],
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn a_failed_sign_in_page_says_the_same_for_every_failure() {
    let app = spawn_app_at(TEST_NOW).await;
    app.register_resident(1).await;
    let r1 = app
        .post_form(
            "/login",
            "/login",
            &[("phone", &phone(1)), ("password", "nope-nope")],
        )
        .await;
    assert_eq!(r1.status().as_u16(), 401);
    let t1 = text_of(&r1.text().await.unwrap());
    let r2 = app
        .post_form(
            "/login",
            "/login",
            &[("phone", &phone(77)), ("password", "nope-nope")],
        )
        .await;
    assert_eq!(r2.status().as_u16(), 401);
    let t2 = text_of(&r2.text().await.unwrap());
    assert!(t1.contains("手机号或密码不正确"));
    assert_eq!(t1.replace(&phone(1), ""), t2.replace(&phone(77), ""));
}
