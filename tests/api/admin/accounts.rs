//! Staff accounts, one-time passwords, disabling, revealing an ID number.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};

#[tokio::test]
async fn staff_accounts_with_one_time_passwords_and_disable_ending_sessions() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let r = post_form_with(
        &client,
        &app,
        "/admin/accounts/new",
        "/admin/accounts",
        &[
            ("role", "clerk"),
            ("name", "新窗口人员"),
            ("phone", "13904735555"),
            ("department", "SBZX"),
            ("window", "17"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    let password: String = html
        .split("id=\"one-time-password\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(password.len(), 14);

    // First sign-in: the password must be changed before anything else.
    let clerk = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let login = clerk
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_of(&login);
    let r = clerk
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("phone", "13904735555"),
            ("password", &password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = clerk.get(app.url("/clerk")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
    let r = post_form_with(
        &clerk,
        &app,
        "/account/password",
        "/account/password",
        &[
            ("current", &password),
            ("new_password", "Clerk-New-2026"),
            ("new_password2", "Clerk-New-2026"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        clerk
            .get(app.url("/clerk"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );

    // Disabling ends the session at once.
    let list = client
        .get(app.url("/admin/accounts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("139****5555") && !list.contains("13904735555"),
        "phones are masked"
    );
    let id: String = list
        .split("/admin/accounts/")
        .filter(|s| s.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .last()
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let r = post_form_with(
        &client,
        &app,
        "/admin/accounts",
        &format!("/admin/accounts/{id}/disable"),
        &[],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        clerk
            .get(app.url("/clerk"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        303,
        "signed out"
    );

    // A department admin creates clerks of their own department only.
    let dept = dept_admin(&app, 81, "SBZX").await;
    let r = post_form_with(
        &dept,
        &app,
        "/admin/accounts/new",
        "/admin/accounts",
        &[
            ("role", "dept_admin"),
            ("name", "越权"),
            ("phone", "13904735556"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = post_form_with(
        &dept,
        &app,
        "/admin/accounts/new",
        "/admin/accounts",
        &[
            ("role", "clerk"),
            ("name", "新人"),
            ("phone", "13904735557"),
            ("department", "GAHZ"),
        ],
    )
    .await;
    assert_eq!(
        r.status().as_u16(),
        200,
        "the department field is ignored for a department admin"
    );
    let created = app
        .state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::{accounts, departments};
            let d: Option<onestop::db::ids::DepartmentId> = accounts::table
                .filter(accounts::phone.eq("13904735557"))
                .select(accounts::department_id)
                .first(conn)?;
            Ok(departments::table
                .find(d.unwrap())
                .select(departments::code)
                .first::<String>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(created, "SBZX");
}

#[tokio::test]
async fn revealing_an_id_number_is_deliberate_and_audited() {
    let app = spawn_app_at(TEST_NOW).await;
    let r = app.register_resident(3).await;
    let client = admin(&app).await;
    let page = client
        .get(app.url(&format!("/admin/accounts/{}", r.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let id_number = crate::helpers::id_number(3);
    assert!(
        !page.contains(&id_number)
            && page.contains(&format!("{}********{}", &id_number[..6], &id_number[14..]))
    );
    let refused = post_form_with(
        &client,
        &app,
        &format!("/admin/accounts/{}", r.id),
        &format!("/admin/accounts/{}/reveal", r.id),
        &[("reason", "")],
    )
    .await;
    assert_eq!(refused.status().as_u16(), 422);
    let shown = post_form_with(
        &client,
        &app,
        &format!("/admin/accounts/{}", r.id),
        &format!("/admin/accounts/{}/reveal", r.id),
        &[("reason", "信访核实身份")],
    )
    .await;
    assert!(shown.text().await.unwrap().contains(&id_number));
    let audit = client
        .get(app.url("/admin/audit?action=admin.account.reveal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("信访核实身份") && audit.contains(&format!("account:{}", r.id)));
    let dept = dept_admin(&app, 82, "SBZX").await;
    assert_eq!(
        dept.get(app.url(&format!("/admin/accounts/{}", r.id)))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
