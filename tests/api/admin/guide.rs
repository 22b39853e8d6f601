//! The 办事指南: every field on the item page and in the API, through the
//! admin form, through a CSV round trip, and the downloadable forms.

use super::*;
use crate::helpers::{TEST_NOW, TestApp, csrf_of, post_form_with, spawn_app_at};
use crate::pages::text_of;

async fn item_id(app: &TestApp, code: &str) -> i64 {
    item_by_code(app, code).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_item_page_answers_the_questions_before_the_trip() {
    let app = spawn_app_at(TEST_NOW).await;
    let id = item_id(&app, "GAHZ-003").await; // 居民身份证补领
    let (s, html) = app.get_html(&format!("/services/{id}")).await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(text.contains("居民身份证补领"), "{text}");
    for shown in [
        "最多跑一次",
        "《中华人民共和国居民身份证法》",
        "居民身份证丢失的本市户籍居民",
        "跨省通办",
        "证照可免费邮寄",
        "窗口领取，或选择免费邮寄到家",
        "20元工本费",
        "发改价格〔2003〕2322号",
        "监督投诉电话",
        "12345",
        "咨询电话",
        "乌海市公安局户政管理",
        "来源",
        "政府部门核发",
    ] {
        assert!(text.contains(shown), "{shown} not on the page: {text}");
    }
    // 办理地点 and 办理时间: the windows with zone and floor, the hours.
    assert!(html.contains("window-list") && text.contains("楼"), "where");
    // The item code is in the particulars, after the guide a resident reads.
    let code_at = text.find("GAHZ-003").expect("code shown");
    assert!(code_at > text.find("最多跑一次").unwrap());
    assert!(code_at > text.find("申请材料").unwrap_or(0));

    let (_, json) = app.get_json(&format!("/api/v1/services/{id}")).await;
    assert_eq!(json["visits"], 1);
    assert_eq!(json["scope"], "cross_province");
    assert_eq!(json["by_post"], true);
    assert_eq!(json["complaint_phone"], "12345");
    assert_eq!(json["result"], "居民身份证");
    assert!(
        json["legal_basis"]
            .as_str()
            .unwrap()
            .contains("居民身份证法")
    );
    let m = &json["materials"][0];
    assert!(m["medium"].is_string() && m["necessity"].is_string() && m["source"].is_string());
}

#[tokio::test]
async fn every_item_of_the_builtin_catalogue_has_its_guide() {
    let app = spawn_app_at(TEST_NOW).await;
    let hall = app.hall_id("WUHAI").await;
    let (_, list) = app
        .get_json(&format!("/api/v1/services?hall_id={hall}"))
        .await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 337);
    // A sample across departments (every detail would be 337 requests).
    for s in list.iter().step_by(17) {
        let (_, d) = app.get_json(&format!("/api/v1/services/{}", s["id"])).await;
        for field in ["legal_basis", "conditions", "result", "result_delivery"] {
            assert!(
                !d[field].as_str().unwrap().is_empty(),
                "{} lacks {field}",
                d["name"]
            );
        }
        let paid = d["fee"] != "免费";
        assert_eq!(
            paid,
            !d["fee_basis"].as_str().unwrap().is_empty(),
            "{}",
            d["name"]
        );
    }
}

#[tokio::test]
async fn every_guide_field_survives_a_csv_round_trip() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let export = |kind: &'static str| {
        let client = client.clone();
        let url = app.url(&format!("/admin/export/{kind}.csv"));
        async move {
            let r = client.get(url).send().await.unwrap();
            String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap()
        }
    };
    let items = export("items").await;
    let header = items
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_string();
    assert!(header.ends_with(
        "设定依据,受理条件,到现场次数,网上办理,物流快递,通办范围,收费依据,审批结果,结果送达"
    ));
    let row = "WUHAI,SBZX-901,测试事项,SBZX,公共服务,承诺件,20,5,10元,自然人,是,说明,《测试条例》第3条,年满18周岁,0,是,是,跨省通办,《测试收费通知》,测试证书,免费邮寄";
    let r = post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[
            ("kind", "items"),
            ("text", &format!("{header}\n{row}\n")),
            ("apply", "1"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let materials = "大厅,事项编码,序号,材料名称,材料形式,份数,介质,必要性,来源渠道,填报须知\nWUHAI,SBZX-901,1,测试申请表,原件,2份,电子,容缺,中介机构出具,用黑色笔填写\n";
    let r = post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[("kind", "materials"), ("text", materials), ("apply", "1")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    // Exported again: the same cells.
    let again = export("items").await;
    assert!(
        again.lines().any(|l| l == row),
        "item row not exported as imported"
    );
    let again = export("materials").await;
    assert!(
        again.contains("WUHAI,SBZX-901,1,测试申请表,原件,2份,电子,容缺,中介机构出具,用黑色笔填写")
    );
    // And shown to residents.
    let id = item_id(&app, "SBZX-901").await;
    let text = text_of(&app.get_html(&format!("/services/{id}")).await.1);
    for shown in [
        "零跑腿",
        "《测试条例》第3条",
        "年满18周岁",
        "可网上办理",
        "证照可免费邮寄",
        "跨省通办",
        "《测试收费通知》",
        "测试证书",
        "免费邮寄",
        "电子",
        "容缺",
        "中介机构出具",
        "用黑色笔填写",
        "2份",
    ] {
        assert!(text.contains(shown), "{shown} not shown: {text}");
    }
    // A 事项清单 without the guide columns leaves the guide as it is.
    let old = "大厅,事项编码,事项名称,部门,事项类型,办件类型,法定时限,承诺时限,收费,服务对象,网上预约,事项说明\nWUHAI,SBZX-901,测试事项（改名）,SBZX,公共服务,承诺件,20,5,10元,自然人,是,说明\n";
    let r = post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[("kind", "items"), ("text", old), ("apply", "1")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    let d = item_by_code(&app, "SBZX-901").await;
    assert_eq!(
        (d["name"].as_str(), d["legal_basis"].as_str()),
        (Some("测试事项（改名）"), Some("《测试条例》第3条"))
    );
    // A bad value is named by its column and changes nothing.
    let bad = format!("{header}\n{}\n", row.replace(",跨省通办,", ",全国通办,"));
    let r = post_form_with(
        &client,
        &app,
        "/admin/import",
        "/admin/import",
        &[("kind", "items"), ("text", &bad), ("apply", "1")],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(text_of(&r.text().await.unwrap()).contains("「通办范围」"));
    assert_eq!(
        item_by_code(&app, "SBZX-901").await["scope"],
        "cross_province"
    );
}

#[tokio::test]
async fn the_admin_form_edits_the_guide() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let id = item_id(&app, "SBZX-023").await;
    let page = format!("/admin/items/{id}");
    let html = client
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"name="legal_basis""#) && html.contains(r#"name="visits""#));
    let d = item_by_code(&app, "SBZX-023").await;
    let department = d["department_id"].to_string();
    let mut fields = item_fields("SBZX-023", d["name"].as_str().unwrap(), &department);
    fields.retain(|(k, _)| *k != "materials");
    fields.extend([
        ("legal_basis", "《社会保险法》第五十八条"),
        ("conditions", "参保人本人"),
        ("visits", "５"), // full-width, as an input method types it
        ("scope", "region"),
        ("result", "社会保障卡（新）"),
        ("result_delivery", "窗口当场领取"),
        (
            "materials",
            "居民身份证 | 原件 | 1份 | 政府部门核发 | 查验后退回",
        ),
    ]);
    let r = post_form_with(&client, &app, &page, &page, &fields).await;
    assert_eq!(r.status().as_u16(), 303);
    let text = text_of(&app.get_html(&format!("/services/{id}")).await.1);
    for shown in [
        "需到现场 5 次",
        "《社会保险法》第五十八条",
        "全区通办",
        "社会保障卡（新）",
        "查验后退回",
        "需到窗口办理",
    ] {
        assert!(text.contains(shown), "{shown} not shown");
    }
    // Out of range: refused with its message, nothing changed.
    let mut bad = fields.clone();
    bad.retain(|(k, _)| *k != "visits");
    bad.push(("visits", "12"));
    let r = post_form_with(&client, &app, &page, &page, &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(item_by_code(&app, "SBZX-023").await["visits"], 5);
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    name: &str,
    content: &[u8],
) -> reqwest::Response {
    let page = client
        .get(app.url(&format!("/admin/items/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&page);
    let form = reqwest::multipart::Form::new()
        .text("title", "居民身份证申领登记表")
        .text("kind", "blank")
        .part(
            "file",
            reqwest::multipart::Part::bytes(content.to_vec()).file_name(name.to_string()),
        );
    client
        .post(app.url(&format!("/admin/items/{id}/files?csrf_token={}", token)))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn blank_forms_are_uploaded_by_their_department_and_downloaded_by_anyone() {
    let app = spawn_app_at(TEST_NOW).await;
    let client = admin(&app).await;
    let id = item_id(&app, "GAHZ-001").await;
    let pdf = b"%PDF-1.4\n% blank form\n%%EOF\n";
    // Without the token: refused before anything is read.
    let r = client
        .post(app.url(&format!("/admin/items/{id}/files")))
        .multipart(reqwest::multipart::Form::new().text("title", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A page disguised as a PDF: refused with a message, nothing stored.
    let r = upload(
        &app,
        &client,
        id,
        "表.pdf",
        b"<html><script>alert(1)</script>",
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(text_of(&r.text().await.unwrap()).contains("5 MB"));
    assert_eq!(
        item_by_code(&app, "GAHZ-001").await["files"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Another department's administrator cannot add one.
    let other = dept_admin(&app, 91, "SBZX").await;
    let r = upload(&app, &other, id, "表.pdf", pdf).await;
    assert_eq!(r.status().as_u16(), 404);
    // The item's own: stored, listed on the page, downloaded as it was.
    let r = upload(&app, &client, id, "C:\\表格\\居民身份证申领登记表.pdf", pdf).await;
    assert_eq!(r.status().as_u16(), 303);
    let files = item_by_code(&app, "GAHZ-001").await["files"].clone();
    assert_eq!(files.as_array().unwrap().len(), 1);
    assert_eq!(files[0]["file_name"], "居民身份证申领登记表.pdf");
    let url = files[0]["url"].as_str().unwrap().to_string();
    let (_, html) = app.get_html(&format!("/services/{id}")).await;
    assert!(html.contains(&url) && html.contains("居民身份证申领登记表"));
    let r = reqwest::get(app.url(&url)).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf);
    // Each action and refusal is in the audit trail.
    let audit = text_of(
        &client
            .get(app.url("/admin/audit?action=admin.item.file"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(audit.contains("admin.item.file.add"), "{audit}");
    // Deleted: gone from the page and the download.
    let file_id = files[0]["id"].to_string();
    let page = format!("/admin/items/{id}");
    let r = post_form_with(
        &client,
        &app,
        &page,
        &format!("/admin/items/{id}/files/{file_id}/delete"),
        &[],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        reqwest::get(app.url(&url)).await.unwrap().status().as_u16(),
        404
    );
}
