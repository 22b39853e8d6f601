//! The case clocks in the statistics (按时办结率) and the four provincial
//! exchange tables, as an administrator downloads them.

use super::{admin, dept_admin};
use crate::hall_floor::case_clocks::{accepted_case, case_move, passport};
use crate::helpers::{page_of, spawn_app_at};
use crate::pages::text_of;
use onestop::accounts::models::Role;
use serde_json::json;

async fn csv(
    client: &reqwest::Client,
    app: &crate::helpers::TestApp,
    query: &str,
) -> (u16, String) {
    let r = client
        .get(app.url(&format!("/admin/cases.csv?{query}")))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_concluded_case_appears_in_the_on_time_rate_and_in_each_exchange_table() {
    let app = spawn_app_at("2026-12-04T08:00:00+08:00").await;
    let (item, window, clerk) = passport(&app).await;
    let (number, _, last4, _) = accepted_case(&app, &clerk, window, item, 1, "2026-12-04").await;
    let manager = app.staff(2, Role::DeptAdmin, None, Some("GACRJ")).await;
    app.set_now("2026-12-07T09:00:00+08:00");
    let (c, m) = (
        app.login(&clerk.phone).await,
        app.login(&manager.phone).await,
    );
    for (token, action, body) in [
        (
            &c,
            "suspend",
            json!({"kind": "inspection", "reason": "送检指纹比对"}),
        ),
        (&c, "resume", json!({})),
        (
            &m,
            "extend",
            json!({"days": 3, "reason": "需核实出入境记录"}),
        ),
        (
            &c,
            "conclude",
            json!({"outcome": "approved", "note": "准予签发"}),
        ),
    ] {
        let (s, b) = case_move(&app, token, &number, action, body).await;
        assert_eq!(s, 200, "{action}: {b}");
    }

    let client = admin(&app).await;
    let hall = app.hall_id("WUHAI").await;
    let period = format!("hall={hall}&from=2026-12-01&to=2026-12-31");
    let stats = page_of(&client, &app, &format!("/admin/stats?{period}")).await;
    let clocks = text_of(
        stats
            .split("id=\"case-clocks\"")
            .nth(1)
            .unwrap()
            .split("</table>")
            .next()
            .unwrap(),
    );
    assert!(
        clocks.contains("出入境") && clocks.contains("1 1 100.0%"),
        "{clocks}"
    );

    let (s, accept) = csv(&client, &app, &format!("{period}&table=accept")).await;
    assert_eq!(s, 200);
    let lines: Vec<&str> = accept.lines().collect();
    assert!(
        lines[0].contains("办件编号") && lines[0].contains("承诺办结日期"),
        "{accept}"
    );
    assert_eq!(lines.len(), 2, "{accept}");
    assert!(
        lines[1].starts_with(&number) && lines[1].contains(&format!("*******{last4}")),
        "{accept}"
    );
    assert!(
        !accept.contains(&format!("1380473{last4}")),
        "never the full phone"
    );

    let (_, process) = csv(&client, &app, &format!("{period}&table=process")).await;
    let steps: Vec<&str> = process
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(
        steps,
        ["已受理", "暂停计时", "恢复计时", "延长办理时限", "已办结"],
        "{process}"
    );
    assert!(
        process.contains("工作人员2"),
        "the approver of the extension is named: {process}"
    );

    let (_, special) = csv(&client, &app, &format!("{period}&table=special")).await;
    let rows: Vec<&str> = special.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{special}");
    assert!(
        rows[0].contains("检验检测")
            && rows[0].contains("送检指纹比对")
            && rows[0].contains("2026-12-07"),
        "{special}"
    );
    assert!(
        rows[1].contains("延长办理时限")
            && rows[1].contains(",3,")
            && rows[1].contains("工作人员2"),
        "{special}"
    );

    let (_, result) = csv(&client, &app, &format!("{period}&table=result")).await;
    let row = result.lines().nth(1).unwrap_or_default();
    assert!(
        row.contains("准予许可") && row.contains("普通护照") && row.contains(",是,"),
        "{result}"
    );

    // An unknown table is not found; another department sees none of it;
    // every download was audited.
    assert_eq!(
        csv(&client, &app, &format!("{period}&table=secrets"))
            .await
            .0,
        404
    );
    let other = dept_admin(&app, 5, "SBZX").await;
    let (s, theirs) = csv(&other, &app, "from=2026-12-01&to=2026-12-31&table=accept").await;
    assert_eq!(s, 200);
    assert_eq!(theirs.lines().count(), 1, "only the header: {theirs}");
    let exports: i64 = app
        .state
        .db
        .run(|conn| -> onestop::error::AppResult<_> {
            use diesel::prelude::*;
            use onestop::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::action.eq("cases.export"))
                .count()
                .get_result(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(exports, 5);
}
