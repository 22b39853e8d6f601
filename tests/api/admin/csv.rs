//! The catalogue as spreadsheets: export, import, dry run, refusal.

use super::*;
use crate::helpers::{TEST_NOW, TestApp, post_form_with, spawn_app_at};
use crate::pages::text_of;

const KINDS: [&str; 5] = [
    "departments",
    "windows",
    "items",
    "materials",
    "window_items",
];

/// Every file as exported (checked to be spreadsheet CSV with a BOM).
async fn export_all(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let kinds = KINDS;
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
    exported
}

#[tokio::test]
async fn exports_are_spreadsheet_files_and_importing_them_changes_nothing() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let kinds = KINDS;
    let exported = export_all(&app, &client).await;
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
}

#[tokio::test]
async fn a_dry_run_shows_the_change_and_changes_nothing_the_import_applies_it() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let exported = export_all(&app, &client).await;
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
}

#[tokio::test]
async fn a_bad_value_names_its_line_and_column_and_nothing_is_imported() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let exported = export_all(&app, &client).await;
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
