//! Opening hours and the calendar.

use super::*;
use crate::helpers::{TEST_NOW, post_form_with, spawn_app_at};
use crate::pages::text_of;

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
