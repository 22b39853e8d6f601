//! One write path: the item form, the CSV import and the seed refuse the
//! same bad rows with the same rule (and message), and change nothing.

use onestop::accounts::models::Role;
use onestop::db;
use onestop::i18n::Lang;
use onestop::seed::catalogue::{FILES, SeedError, seed_files};

use crate::helpers::{TEST_NOW, TestApp, TestBackend, TestDb, post_form_with, spawn_app_at};
use crate::pages::text_of;

const HEADER: &str = "大厅,事项编码,事项名称,部门,事项类型,办件类型,法定时限,承诺时限,收费,服务对象,网上预约,事项说明";

/// Bad rows, each with the field the rule names and its message key.
const BAD: &[(&str, &str, &str, &str, &str)] = &[
    // (code, legal days, promised days, field column, message key)
    ("SBZX 901", "10", "3", "事项编码", "admin-error-code"),
    (
        "SBZX-902",
        "10",
        "30",
        "承诺时限",
        "admin-error-promised-legal",
    ),
    ("SBZX-903", "10", "0", "承诺时限", "admin-error-promised"),
];

fn csv_row(code: &str, legal: &str, promised: &str) -> String {
    format!("WUHAI,{code},测试事项,SBZX,公共服务,承诺件,{legal},{promised},免费,自然人,是,说明")
}

async fn sbzx(app: &TestApp) -> String {
    let hall = app.hall_id("WUHAI").await;
    let (_, departments) = app
        .get_json(&format!("/api/v1/departments?hall_id={hall}"))
        .await;
    departments
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SBZX")
        .unwrap()["id"]
        .to_string()
}

async fn found(app: &TestApp, code: &str) -> usize {
    let (_, list) = app
        .get_json(&format!("/api/v1/services?q={}", code.replace(' ', "%20")))
        .await;
    // Search ranks near matches too; what counts is the exact code.
    list.as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .count()
}

#[tokio::test]
async fn the_item_form_refuses_each_bad_row_with_its_rule() {
    let app = spawn_app_at(TEST_NOW).await;
    let a = app.staff(90, Role::Admin, None, None).await;
    let client = app.browser_session(&a.phone).await;
    let sb = sbzx(&app).await;
    for (code, legal, promised, _, key) in BAD {
        let fields = [
            ("code", *code),
            ("name", "测试事项"),
            ("department_id", sb.as_str()),
            ("category", "public_service"),
            ("delivery", "promised"),
            ("legal_days", legal),
            ("promised_days", promised),
            ("subject", "person"),
            ("bookable_online", "on"),
        ];
        let r = post_form_with(&client, &app, "/admin/items/new", "/admin/items", &fields).await;
        assert_eq!(r.status().as_u16(), 422, "{code}");
        let text = text_of(&r.text().await.unwrap());
        assert!(
            text.contains(&Lang::Zh.t(key)),
            "{code}: {key} not in {text}"
        );
        assert_eq!(found(&app, code).await, 0, "{code} was not created");
    }
}

#[tokio::test]
async fn the_csv_import_refuses_each_bad_row_with_the_same_rule() {
    let app = spawn_app_at(TEST_NOW).await;
    let a = app.staff(90, Role::Admin, None, None).await;
    let client = app.browser_session(&a.phone).await;
    for (code, legal, promised, column, key) in BAD {
        // A good row first: the whole file is refused, so it is not imported either.
        let file = format!(
            "{HEADER}\n{}\n{}\n",
            csv_row("SBZX-950", "10", "3"),
            csv_row(code, legal, promised)
        );
        let r = post_form_with(
            &client,
            &app,
            "/admin/import",
            "/admin/import",
            &[("kind", "items"), ("text", &file), ("apply", "1")],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422, "{code}");
        let text = text_of(&r.text().await.unwrap());
        assert!(
            text.contains(&format!("第 3 行「{column}」")) && text.contains(&Lang::Zh.t(key)),
            "{code}: {key} at {column} not in {text}"
        );
        assert_eq!(found(&app, code).await, 0);
        assert_eq!(found(&app, "SBZX-950").await, 0);
    }
}

#[test]
fn the_seed_refuses_each_bad_row_with_the_same_rule() {
    for (code, legal, promised, column, key) in BAD {
        let test_db = TestDb::new(TestBackend::Sqlite);
        let pool = db::connect(&test_db.url, 1).expect("connect");
        let mut conn = pool.get().expect("connection");
        db::run_migrations(&mut conn).expect("migrations");
        let items = format!(
            "{}\n{}\n",
            FILES
                .iter()
                .find(|(n, _)| *n == "items.csv")
                .unwrap()
                .1
                .trim_end(),
            csv_row(code, legal, promised)
        );
        let bad_line = items.lines().count() as u64;
        let files: Vec<(&str, &str)> = FILES
            .iter()
            .map(|(n, t)| {
                if *n == "items.csv" {
                    (*n, items.as_str())
                } else {
                    (*n, *t)
                }
            })
            .collect();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        match seed_files(&mut conn, &files, now, &mut |_| {}) {
            Err(SeedError::Row {
                file,
                line,
                message,
            }) => {
                assert_eq!((file, line), ("items.csv", bad_line), "{code}");
                assert_eq!(message, format!("column {column}: {key}"), "{code}");
            }
            other => panic!("{code}: the seed accepted a bad row: {other:?}"),
        }
        let halls: i64 = diesel::RunQueryDsl::get_result(
            diesel::QueryDsl::count(onestop::db::schema::halls::table),
            &mut conn,
        )
        .unwrap();
        assert_eq!(halls, 0, "{code}: a refused seed leaves the database empty");
    }
}
