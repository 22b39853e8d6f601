//! Administration: configuration pages with their rules, accounts, the
//! audit trail, CSV import/export and statistics.

use onestop::accounts::models::Role;
use serde_json::json;

use crate::helpers::{TEST_NOW, TestApp, post_form_with, spawn_app_at};
use crate::pages::text_of;

async fn admin(app: &TestApp) -> reqwest::Client {
    let a = app.staff(90, Role::Admin, None, None).await;
    app.browser_session(&a.phone).await
}

async fn dept_admin(app: &TestApp, n: u32, code: &str) -> reqwest::Client {
    let a = app.staff(n, Role::DeptAdmin, None, Some(code)).await;
    app.browser_session(&a.phone).await
}

async fn item_by_code(app: &TestApp, code: &str) -> serde_json::Value {
    let (_, found) = app.get_json(&format!("/api/v1/services?q={code}")).await;
    let id = found[0]["id"].as_i64().unwrap();
    app.get_json(&format!("/api/v1/services/{id}")).await.1
}

fn item_fields<'a>(code: &'a str, name: &'a str, department: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("name", name),
        ("department_id", department),
        ("category", "public_service"),
        ("delivery", "promised"),
        ("promised_days", "3"),
        ("legal_days", "10"),
        ("fee", "免费"),
        ("subject", "person"),
        ("description", "测试事项说明"),
        ("bookable_online", "on"),
        ("avg_service_minutes", "12"),
        (
            "materials",
            "申请人居民身份证 | 原件\n户口簿 | 复印件 | 1份",
        ),
        ("active", "on"),
    ]
}

#[tokio::test]
async fn an_admin_adds_an_item_with_materials_and_bad_input_changes_nothing() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let (_, departments) = app
        .get_json(&format!(
            "/api/v1/departments?hall_id={}",
            app.hall_id("WUHAI").await
        ))
        .await;
    let sb = departments
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SBZX")
        .unwrap()["id"]
        .to_string();

    let mut bad = item_fields("SBZX-900", "", &sb);
    bad[5] = ("promised_days", "30"); // more than the legal 10
    bad[12] = ("materials", "身份证 | 扫描件");
    let r = post_form_with(&client, &app, "/admin/items/new", "/admin/items", &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let text = text_of(&r.text().await.unwrap());
    assert!(
        text.contains("请填写这一项")
            && text.contains("承诺时限不能超过法定时限")
            && text.contains("材料形式只能是"),
        "{text}"
    );
    let (_, none) = app.get_json("/api/v1/services?q=SBZX-900").await;
    assert_eq!(none.as_array().unwrap().len(), 0, "nothing was created");

    let r = post_form_with(
        &client,
        &app,
        "/admin/items/new",
        "/admin/items",
        &item_fields("SBZX-900", "灵活就业人员参保信息变更", &sb),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let item = item_by_code(&app, "SBZX-900").await;
    assert_eq!(item["name"], "灵活就业人员参保信息变更");
    assert_eq!(item["promised_days"], 3);
    assert_eq!(item["materials"][1]["name"], "户口簿");
    assert_eq!(item["materials"][1]["form"], "copy");
    // The same code twice is refused.
    let r = post_form_with(
        &client,
        &app,
        "/admin/items/new",
        "/admin/items",
        &item_fields("SBZX-900", "重复", &sb),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(text_of(&r.text().await.unwrap()).contains("这个编码已经被使用了"));
}

#[tokio::test]
async fn a_department_admin_edits_only_their_own_department() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = dept_admin(&app, 80, "SBZX").await;
    let own = item_by_code(&app, "SBZX-001").await;
    let other = item_by_code(&app, "GAHZ-001").await;
    assert_eq!(
        client
            .get(app.url(&format!("/admin/items/{}", own["id"])))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    // Another department's item: not found, by page or by posting to its id.
    assert_eq!(
        client
            .get(app.url(&format!("/admin/items/{}", other["id"])))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let other_dept = other["department_id"].to_string();
    let r = post_form_with(
        &client,
        &app,
        "/admin/items",
        &format!("/admin/items/{}", other["id"]),
        &item_fields("GAHZ-001", "改名", &other_dept),
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(
        item_by_code(&app, "GAHZ-001").await["name"],
        other["name"],
        "unchanged"
    );
    // Moving an own item into another department through the form is refused.
    let r = post_form_with(
        &client,
        &app,
        "/admin/items",
        &format!("/admin/items/{}", own["id"]),
        &item_fields("SBZX-001", "改名", &other_dept),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(
        item_by_code(&app, "SBZX-001").await["department_id"],
        own["department_id"]
    );
    // Administrator-only pages are refused.
    assert_eq!(
        client
            .get(app.url("/admin/audit"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        client
            .get(app.url("/admin/halls"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    let list = client
        .get(app.url("/admin/items"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("SBZX-001") && !list.contains("GAHZ-001"));
}

#[tokio::test]
async fn changes_never_strand_a_booking() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let r = app.register_resident(1).await;
    let item = app.item_with_windows(1).await;
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item, "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    let window_number = b["window_number"].as_i64().unwrap();
    let window = app.window_id(window_number).await;

    // The window cannot be deactivated while it has a booking to serve.
    let edit = client
        .get(app.url(&format!("/admin/windows/{window}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let field = |name: &str| -> String {
        let marker = format!("name=\"{name}\" value=\"");
        edit.split(&marker)
            .nth(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .unwrap_or_default()
    };
    let (number, name) = (field("number"), field("name"));
    let zone = edit
        .split("name=\"zone\">")
        .nth(1)
        .unwrap()
        .split("selected")
        .next()
        .unwrap()
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let dept = edit
        .split("name=\"department_id\">")
        .nth(1)
        .unwrap()
        .split("selected")
        .next()
        .unwrap()
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r2 = post_form_with(
        &client,
        &app,
        "/admin/windows",
        &format!("/admin/windows/{window}"),
        &[
            ("number", &number),
            ("name", &name),
            ("zone", &zone),
            ("department_id", &dept),
        ],
    )
    .await;
    assert_eq!(r2.status().as_u16(), 422);
    assert!(text_of(&r2.text().await.unwrap()).contains("还有 1 个未办理的预约"));

    // Lowering the hall's online capacity below what is booked is refused.
    let hall = app.hall_id("WUHAI").await;
    let page = client
        .get(app.url(&format!("/admin/halls/{hall}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "code",
        "name",
        "address",
        "phone",
        "slot_minutes",
        "slot_capacity",
        "online_share_percent",
        "booking_horizon_days",
        "same_day_cutoff",
        "cancel_cutoff_minutes",
        "max_active_bookings",
        "checkin_early_minutes",
        "checkin_late_minutes",
    ] {
        let marker = format!("name=\"{name}\" value=\"");
        let value = page
            .split(&marker)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        fields.push((name.to_string(), value));
    }
    fields.push(("level".into(), "city".into()));
    let set = |fields: &mut Vec<(String, String)>, k: &str, v: &str| {
        fields.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.to_string()
    };
    set(&mut fields, "online_share_percent", "0");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r3 = post_form_with(
        &client,
        &app,
        "/admin/halls",
        &format!("/admin/halls/{hall}"),
        &refs,
    )
    .await;
    assert_eq!(r3.status().as_u16(), 422);
    assert!(text_of(&r3.text().await.unwrap()).contains("不能改小"));
    set(&mut fields, "online_share_percent", "75");
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        post_form_with(
            &client,
            &app,
            "/admin/halls",
            &format!("/admin/halls/{hall}"),
            &refs
        )
        .await
        .status()
        .as_u16(),
        303
    );

    // The item can be deactivated: it is no longer listed or bookable, and the
    // existing booking stays.
    let detail = app.get_json(&format!("/api/v1/services/{item}")).await.1;
    let code = detail["code"].as_str().unwrap().to_string();
    let item_page = client
        .get(app.url(&format!("/admin/items/{item}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let materials = item_page
        .split("name=\"materials\" rows=\"8\" aria-describedby=\"f-mat-hint\">")
        .nth(1)
        .unwrap()
        .split("</textarea>")
        .next()
        .unwrap()
        .replace("&#124;", "|");
    let dept_id = detail["department_id"].to_string();
    let mut fields = item_fields(&code, detail["name"].as_str().unwrap(), &dept_id);
    fields.retain(|(k, _)| *k != "active" && *k != "materials");
    fields.push(("materials", &materials));
    let r4 = post_form_with(
        &client,
        &app,
        "/admin/items",
        &format!("/admin/items/{item}"),
        &fields,
    )
    .await;
    assert_eq!(r4.status().as_u16(), 303);
    assert_eq!(
        app.get_json(&format!("/api/v1/services/{item}")).await.0,
        404
    );
    let (_, mine) = app.get_json_as("/api/v1/bookings", &r.token).await;
    assert_eq!(mine[0]["status"], "booked");
}

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

#[tokio::test]
async fn sign_ins_and_lock_outs_are_in_the_audit_trail() {
    let app = spawn_app_at(TEST_NOW).await;
    app.register_resident(4).await;
    for _ in 0..5 {
        app.post_json(
            "/api/v1/auth/login",
            None,
            &json!({"phone": crate::helpers::phone(4), "password": "wrong-one"}),
        )
        .await;
    }
    app.post_json(
        "/api/v1/auth/login",
        None,
        &json!({"phone": "13800000000", "password": "wrong-one"}),
    )
    .await;
    let client = admin(&app).await;
    let audit = text_of(
        &client
            .get(app.url("/admin/audit?action=auth."))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(audit.contains("auth.lock_out"), "{audit}");
    assert!(audit.contains("auth.sign_in") && audit.contains("失败") && audit.contains("成功"));
    assert!(
        audit.contains("138****0000") && !audit.contains("13800000000"),
        "phones are masked in the audit trail"
    );
}

#[tokio::test]
async fn opening_hours_and_the_calendar_are_validated_and_saved() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let hall = app.hall_id("WUHAI").await;
    let r = post_form_with(
        &client,
        &app,
        &format!("/admin/halls/{hall}/hours"),
        &format!("/admin/halls/{hall}/hours"),
        &[("d1_0", "12:00"), ("d1_1", "08:00")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(text_of(&r.text().await.unwrap()).contains("星期一的办公时间不正确"));
    // Saturday mornings open: the catalogue shows it.
    let mut fields = vec![];
    for wd in 1..=5 {
        fields.push((format!("d{wd}_0"), "08:30".to_string()));
        fields.push((format!("d{wd}_1"), "12:00".to_string()));
        fields.push((format!("d{wd}_2"), "14:00".to_string()));
        fields.push((format!("d{wd}_3"), "17:30".to_string()));
    }
    fields.push(("d6_0".into(), "09:00".into()));
    fields.push(("d6_1".into(), "12:00".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = post_form_with(
        &client,
        &app,
        &format!("/admin/halls/{hall}/hours"),
        &format!("/admin/halls/{hall}/hours"),
        &refs,
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.get_html("/").await;
    assert!(text_of(&html).contains("星期六 09:00–12:00"));
    // A day of the 2027 notice, entered in bulk; a bad line changes nothing.
    let bad = post_form_with(
        &client,
        &app,
        "/admin/calendar",
        "/admin/calendar",
        &[
            ("bulk", "2027-02-08 休 春节\n2027-02-30 休 错误"),
            ("year", "2027"),
        ],
    )
    .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(text_of(&bad.text().await.unwrap()).contains("第 2 行"));
    let page = client
        .get(app.url("/admin/calendar?year=2027"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("<td>2027-02-08</td>"),
        "a failed entry changes nothing"
    );
    let ok = post_form_with(
        &client,
        &app,
        "/admin/calendar",
        "/admin/calendar",
        &[
            ("bulk", "2027-02-07 班 春节调休上班\n2027-02-08 休 春节"),
            ("year", "2027"),
        ],
    )
    .await;
    assert_eq!(ok.status().as_u16(), 303);
    let page = client
        .get(app.url("/admin/calendar?year=2027"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<td>2027-02-07</td>")
            && page.contains("<td>2027-02-08</td>")
            && page.contains("春节调休上班")
    );
}

#[tokio::test]
async fn the_matrix_grid_adds_and_removes_pairs_but_keeps_booked_ones() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let r = app.register_resident(5).await;
    let item = item_by_code(&app, "GACRJ-001").await;
    let dept = item["department_id"].to_string();
    let (_, b) = app
        .post_json(
            "/api/v1/bookings",
            Some(&r.token),
            &json!({"service_id": item["id"], "date": "2026-12-02", "start": "09:00"}),
        )
        .await;
    let booked_window = app.window_id(b["window_number"].as_i64().unwrap()).await;
    let page = client
        .get(app.url(&format!("/admin/matrix?department={dept}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let windows: Vec<String> = page
        .split("name=\"window\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    let items: Vec<String> = page
        .split("name=\"item\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    let mut fields: Vec<(String, String)> = vec![("department".into(), dept.clone())];
    fields.extend(windows.iter().map(|w| ("window".to_string(), w.clone())));
    fields.extend(items.iter().map(|i| ("item".to_string(), i.clone())));
    // Untick everything: refused because of the booking.
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r1 = post_form_with(&client, &app, "/admin/matrix", "/admin/matrix", &refs).await;
    assert!(
        r1.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=")
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/services/{}", item["id"]))
            .await
            .1["window_numbers"],
        item["window_numbers"]
    );
    // Keep the booked pair only: everything else of the department goes.
    fields.push(("cell".into(), format!("{}:{}", item["id"], booked_window)));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r2 = post_form_with(&client, &app, "/admin/matrix", "/admin/matrix", &refs).await;
    assert!(
        r2.headers()["location"]
            .to_str()
            .unwrap()
            .contains("saved=1"),
        "{:?}",
        r2.headers()
    );
    let after = app
        .get_json(&format!("/api/v1/services/{}", item["id"]))
        .await
        .1;
    assert_eq!(after["window_numbers"], json!([b["window_number"]]));
}

#[tokio::test]
async fn the_catalogue_round_trips_through_csv_and_a_bad_file_changes_nothing() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let kinds = [
        "departments",
        "windows",
        "items",
        "materials",
        "window_items",
    ];
    let mut exported = Vec::new();
    for k in kinds {
        let r = client
            .get(app.url(&format!("/admin/export/{k}.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let bytes = r.bytes().await.unwrap();
        assert_eq!(
            &bytes[..3],
            &[0xEF, 0xBB, 0xBF],
            "UTF-8 with a byte-order mark for spreadsheet programs"
        );
        exported.push(String::from_utf8(bytes.to_vec()).unwrap());
    }
    assert!(exported[2].contains("普通护照签发（首次申请）"));
    // Importing what was exported changes nothing, and exporting again gives the same files.
    for (k, text) in kinds.iter().zip(&exported) {
        let r = post_form_with(
            &client,
            &app,
            "/admin/import",
            "/admin/import",
            &[("kind", k), ("text", text), ("apply", "1")],
        )
        .await;
        assert_eq!(r.status().as_u16(), 200, "{k}");
        let t = text_of(&r.text().await.unwrap());
        assert!(
            t.contains("新增 0 条") && t.contains("修改 0 条") && t.contains("删除 0 条"),
            "{k}: {t}"
        );
    }
    for (k, before) in kinds.iter().zip(&exported) {
        let after = client
            .get(app.url(&format!("/admin/export/{k}.csv")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(&after, before, "{k} changed in the round trip");
    }
    // One renamed item: the dry run shows it, changes nothing; the import applies it.
    let renamed = exported[2].replacen("普通护照签发（首次申请）", "普通护照签发", 1);
    let dry = post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[("kind", "items"), ("text", &renamed)],
    )
    .await;
    assert!(text_of(&dry.text().await.unwrap()).contains("修改 1 条"));
    assert_eq!(
        item_by_code(&app, "GACRJ-001").await["name"],
        "普通护照签发（首次申请）"
    );
    post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[("kind", "items"), ("text", &renamed), ("apply", "1")],
    )
    .await;
    assert_eq!(
        item_by_code(&app, "GACRJ-001").await["name"],
        "普通护照签发"
    );
    // A bad value names its line and column; nothing of the file is imported.
    let header = exported[2]
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}');
    let bad = format!(
        "{header}\nWUHAI,NEW-001,新事项,SBZX,行政许可,即办件,0,0,免费,自然人,是,说明\nWUHAI,NEW-002,另一个,SBZX,奇怪类型,即办件,0,0,免费,自然人,是,说明\n"
    );
    let r = post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[("kind", "items"), ("text", &bad), ("apply", "1")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let t = text_of(&r.text().await.unwrap());
    assert!(
        t.contains("第 3 行「事项类型」") && t.contains("没有导入任何数据"),
        "{t}"
    );
    let (_, none) = app.get_json("/api/v1/services?q=NEW-001").await;
    assert_eq!(
        none.as_array().unwrap().len(),
        0,
        "the valid first line was not imported either"
    );
}

#[tokio::test]
async fn statistics_of_a_hand_built_day_match_the_hand_computed_figures() {
    let app = spawn_app_at(TEST_NOW).await;
    let item = app.item_with_windows(2).await;
    let number = app.window_for(item).await;
    let clerk = app.staff(70, Role::Clerk, Some(number as i32), None).await;
    let window = app.window_id(number).await;
    let (a, b, c) = (
        app.register_resident(1).await,
        app.register_resident(2).await,
        app.register_resident(3).await,
    );
    let book = |token: String, start: &'static str| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/bookings",
                Some(&token),
                &json!({"service_id": item, "date": "2026-12-01", "start": start}),
            )
            .await
            .1["code"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let code_a = book(a.token.clone(), "09:00").await;
    let code_b = book(b.token.clone(), "09:00").await;
    let code_c = book(c.token.clone(), "09:30").await;
    app.set_now("2026-12-01T08:10:00+08:00");
    app.post_json(
        &format!("/api/v1/bookings/{code_c}/cancel"),
        Some(&c.token),
        &json!({}),
    )
    .await;
    // Calls happen half a minute past, so the clock running on by a few
    // milliseconds never moves a wait across a whole minute.
    let at = |t: &str| {
        if t.len() == 5 {
            format!("2026-12-01T{t}:00+08:00")
        } else {
            format!("2026-12-01T{t}+08:00")
        }
    };
    app.set_now(&at("08:50"));
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code_a, "phone_last4": &a.phone[7..]}),
    )
    .await;
    app.set_now(&at("08:55"));
    let (_, w1) = app
        .post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    app.set_now(&at("08:56"));
    app.post_json(
        "/api/v1/checkin",
        None,
        &json!({"code": code_b, "phone_last4": &b.phone[7..]}),
    )
    .await;
    app.set_now(&at("08:58"));
    app.post_json("/api/v1/tickets", None, &json!({"service_id": item}))
        .await;
    let call = format!("/api/v1/windows/{window}/call-next");
    let act = |id: i64, action: &'static str, body: serde_json::Value| {
        let (app, token) = (&app, clerk.token.clone());
        async move {
            app.post_json(
                &format!("/api/v1/tickets/{id}/{action}"),
                Some(&token),
                &body,
            )
            .await
        }
    };
    app.set_now(&at("09:00:30"));
    let (_, ta) = app.post_json(&call, Some(&clerk.token), &json!({})).await;
    assert_eq!(ta["booking_code"], json!(code_a));
    act(ta["id"].as_i64().unwrap(), "start", json!({})).await;
    app.set_now(&at("09:12:30"));
    act(
        ta["id"].as_i64().unwrap(),
        "complete",
        json!({"outcome": "done"}),
    )
    .await;
    app.set_now(&at("09:20:30"));
    let (_, tb) = app.post_json(&call, Some(&clerk.token), &json!({})).await;
    assert_eq!(tb["booking_code"], json!(code_b));
    act(tb["id"].as_i64().unwrap(), "no-show", json!({})).await;
    app.set_now(&at("09:25:30"));
    let (_, tw) = app.post_json(&call, Some(&clerk.token), &json!({})).await;
    assert_eq!(tw["id"], w1["id"]);
    act(tw["id"].as_i64().unwrap(), "start", json!({})).await;
    app.set_now(&at("09:31:30"));
    act(
        tw["id"].as_i64().unwrap(),
        "complete",
        json!({"outcome": "done"}),
    )
    .await;
    app.set_now(&at("09:35"));
    let resident_a = app.browser_session(&a.phone).await;
    post_form_with(
        &resident_a,
        &app,
        &format!("/bookings/{code_a}"),
        &format!("/bookings/{code_a}/rate"),
        &[("grade", "5")],
    )
    .await;
    app.post_form(
        "/kiosk/rate",
        "/kiosk/rate",
        &[("number", w1["number"].as_str().unwrap()), ("grade", "1")],
    )
    .await;

    let client = admin(&app).await;
    let hall = app.hall_id("WUHAI").await;
    let stats = |query: String| {
        let (client, app) = (&client, &app);
        async move {
            let page = client
                .get(app.url(&format!(
                    "/admin/stats?hall={hall}&from=2026-12-01&to=2026-12-01{query}"
                )))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let figures: Vec<String> = page
                .split("<ul class=\"figures\" id=\"figures\">")
                .nth(1)
                .unwrap()
                .split("</ul>")
                .next()
                .unwrap()
                .split("<strong>")
                .skip(1)
                .map(|s| s.split("</strong>").next().unwrap().to_string())
                .collect();
            (page, figures)
        }
    };
    let (page, figures) = stats(String::new()).await;
    // bookings, check-ins, walk-ins, missed rate, average wait, p90 wait,
    // average service, satisfaction. Waits of 10½, 24½ and 30½ minutes
    // average 21.8; the 90th percentile is in the 30-minute bucket.
    assert_eq!(
        figures,
        vec!["3", "2", "2", "50.0%", "21.8", "30.0", "9.0", "50.0%"]
    );
    assert!(
        page.contains("<svg class=\"chart\""),
        "a server-rendered chart"
    );
    // The same day seen through the item's department, and through another.
    let (own, other) = app.department_of(item).await;
    assert_eq!(stats(format!("&department={own}")).await.1, figures);
    assert_eq!(
        stats(format!("&department={other}")).await.1,
        vec!["0", "0", "0", "0.0%", "0.0", "0.0", "0.0", "0.0%"]
    );
    // A date that cannot be read is said so, not silently replaced.
    let bad = client
        .get(app.url("/admin/stats?from=2026-13-45"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    assert!(bad.text().await.unwrap().contains("日期格式不对"));
    // Every table of the page exports as CSV (UTF-8 with a BOM).
    let csv = |table: &'static str| {
        let (client, app) = (&client, &app);
        async move {
            let body = client
                .get(app.url(&format!(
                    "/admin/stats.csv?hall={hall}&from=2026-12-01&to=2026-12-01&table={table}"
                )))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM");
            String::from_utf8(body[3..].to_vec())
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<String>>()
        }
    };
    let days = csv("days").await;
    assert_eq!(days[0], "日期,预约,已取消,未到场,预约签到,现场取号,已办结");
    assert_eq!(days[1], "2026-12-01,3,1,1,2,2,2");
    assert_eq!(
        csv("waits").await[1..],
        [
            "0–5,0",
            "5–10,0",
            "10–15,1",
            "15–20,0",
            "20–30,1",
            "30–45,1",
            "45–60,0",
            "≥60,0"
        ]
    );
    let ratings = csv("ratings").await;
    assert_eq!(ratings[1], "非常满意,1");
    assert_eq!(ratings[5], "非常不满意,1");
    assert_eq!(ratings[6], "满意率,50.0%");
    assert!(csv("cases").await.iter().any(|l| l == "已超期,0"));
    let summary: Vec<String> = csv("summary")
        .await
        .iter()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_string())
        .collect();
    assert_eq!(summary, figures);
    let unknown = client
        .get(app.url("/admin/stats.csv?table=passwords"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[actix_web::test]
async fn generated_history_is_counted_exactly_by_the_statistics() {
    use chrono::{Duration, NaiveDate, TimeZone};
    use onestop::admin::stats::{StatsFilter, report};
    use onestop::seed::history;
    let app = spawn_app_at(TEST_NOW).await;
    let hall = onestop::db::ids::HallId(app.hall_id("WUHAI").await as i32);
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let tz = chrono_tz::Asia::Shanghai;
    let (generated, stats, again) = app
        .state
        .db
        .run(move |conn| -> onestop::error::AppResult<_> {
            let generated = history::generate(conn, hall, 14, 40, today, tz, &mut |_| {})?;
            let filter = StatsFilter {
                hall: Some(hall),
                from: today - Duration::days(14),
                to: today - Duration::days(1),
                ..Default::default()
            };
            let day_start = |d: NaiveDate| {
                tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
                    .unwrap()
                    .naive_utc()
            };
            let stats = report(conn, &filter, today, day_start)?;
            let again = history::has_past_tickets(conn, hall, today)?;
            Ok((generated, stats, again))
        })
        .await
        .unwrap();
    // Two weeks hold ten working days.
    assert_eq!(generated.days, 10);
    assert!(generated.tickets > 250, "{generated:?}");
    assert_eq!(stats.bookings as usize, generated.bookings);
    assert_eq!(
        (stats.check_ins + stats.walk_ins) as usize,
        generated.tickets
    );
    assert_eq!(
        stats.ratings.iter().sum::<i64>() as usize,
        generated.ratings
    );
    assert!(stats.avg_wait_minutes > 1.0 && stats.p90_wait_minutes >= stats.avg_wait_minutes);
    assert!(again, "a second run is refused");
}
