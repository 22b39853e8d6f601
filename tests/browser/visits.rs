//! One visit for two items, and the waiting list, in a real browser: a
//! resident adds a second item under 同时办理 and books one slot, checks in
//! at the kiosk with the code, the clerk calls the one number and records
//! 办结 for one item and 受理 for the other; then a second resident joins the
//! waiting list of a full day, the first cancels, and the second accepts the
//! place offered on 我的预约.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::driver::browser;
use crate::journeys::{appear, click, fill, sign_in, text, wait_for_path};

#[tokio::test]
async fn two_items_in_one_visit_and_a_place_from_the_waiting_list() {
    let Some(b) = browser().await else { return };
    let (gateway, app) = crate::helpers::spawn_app_with_gateway(crate::helpers::TEST_NOW).await;
    let c = &b.client;
    let (a, second, window_number, _) = app.two_items_one_window().await;
    let first = app.register_resident(1).await;

    // 同时办理: the second item joins the visit on the booking page.
    sign_in(c, &app, &first.phone).await;
    wait_for_path(c, "/bookings").await;
    c.goto(&app.url(&format!("/services/{a}/book")))
        .await
        .unwrap();
    click(c, Locator::Css(".visit-items details summary")).await;
    click(
        c,
        Locator::Css(&format!("input[name=also][value='{second}']")),
    )
    .await;
    click(c, Locator::Id("also-apply")).await;
    let rule = appear(c, Locator::Id("visit-rule"))
        .await
        .text()
        .await
        .unwrap();
    assert!(rule.contains("2 个名额"), "{rule}");
    appear(c, Locator::Css(".slot:not(.full)"))
        .await
        .click()
        .await
        .unwrap();
    click(c, Locator::Css(".slot-form button[type=submit]")).await;
    let code = appear(c, Locator::Id("booking-code"))
        .await
        .text()
        .await
        .unwrap();
    let title = text(c, Locator::Css("h1")).await;
    assert!(title.contains('、'), "both items name the visit: {title}");

    // Check in at the kiosk a little before the slot: one number.
    let (_, mine) = app.get_json_as("/api/v1/bookings", &first.token).await;
    let slot = mine[0]["start"].as_str().unwrap().to_string();
    let at =
        chrono::NaiveTime::parse_from_str(&slot, "%H:%M").unwrap() - chrono::Duration::minutes(10);
    app.set_now(&format!("2026-12-01T{}:00+08:00", at.format("%H:%M")));
    c.goto(&app.url("/logout")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/kiosk/checkin")).await.unwrap();
    fill(c, "code", &code.replace('-', "")).await;
    fill(c, "phone_last4", &first.phone[7..]).await;
    click(c, Locator::Css("form button[type=submit]")).await;
    let number = appear(c, Locator::Id("ticket-number"))
        .await
        .text()
        .await
        .unwrap();

    // The clerk at the window that does both calls it and records each item.
    let clerk = app
        .staff(
            1,
            onestop::accounts::models::Role::Clerk,
            Some(window_number as i32),
            None,
        )
        .await;
    sign_in(c, &app, &clerk.phone).await;
    wait_for_path(c, "/clerk").await;
    click(c, Locator::Css("form[action='/clerk/take'] button")).await;
    appear(c, Locator::Id("call-next"))
        .await
        .click()
        .await
        .unwrap();
    let called = appear(c, Locator::Id("current-number"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(called, number, "one number for the visit");
    appear(c, Locator::Id("start")).await.click().await.unwrap();
    appear(c, Locator::Id(&format!("item-{a}-outcome")))
        .await
        .select_by_value("done")
        .await
        .unwrap();
    c.find(Locator::Id(&format!("item-{second}-outcome")))
        .await
        .unwrap()
        .select_by_value("accepted")
        .await
        .unwrap();
    click(c, Locator::Id("complete-items")).await;
    // The page comes back after the POST: wait for it, not the old one.
    for _ in 0..100 {
        let url = c
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        if url.contains("complete_items") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let done = appear(c, Locator::Css(".success"))
        .await
        .text()
        .await
        .unwrap();
    assert!(done.contains("各事项的办理结果已记录"), "{done}");
    let (_, ticket) = app
        .get_json_as(
            &format!("/api/v1/bookings/{code}", code = code.replace('-', "")),
            &clerk.token,
        )
        .await;
    assert_eq!(ticket["items"][0]["outcome"], "done", "{ticket}");
    assert_eq!(ticket["items"][1]["outcome"], "accepted");
    assert!(ticket["items"][1]["case"].is_string());
    assert!(done.contains(ticket["items"][1]["case"].as_str().unwrap()));

    // A full day: the second resident joins its waiting list.
    let item = app.item_with_windows(1).await;
    let (s, held) = app
        .post_json(
            "/api/v1/bookings",
            Some(&first.token),
            &json!({"service_id": item, "date": "2026-12-03", "start": "09:00"}),
        )
        .await;
    assert_eq!(s, 201, "{held}");
    app.set_capacity(0, 50).await; // nothing else online that day
    let waiter = app.register_resident(2).await;
    c.goto(&app.url("/logout")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    sign_in(c, &app, &waiter.phone).await;
    wait_for_path(c, "/bookings").await;
    c.goto(&app.url(&format!("/services/{item}/book?date=2026-12-03")))
        .await
        .unwrap();
    let full = appear(c, Locator::Id("day-full"))
        .await
        .text()
        .await
        .unwrap();
    assert!(full.contains("约满"), "{full}");
    click(c, Locator::Id("join-waitlist")).await;
    wait_for_path(c, "/bookings").await;
    let line = appear(c, Locator::Css(".waitlist-entry"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        line.contains("候补中") && line.contains("排在第 1 位"),
        "{line}"
    );

    // The first resident cancels; the place is offered at once, by text too.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/bookings/{}/cancel", held["code"].as_str().unwrap()),
            Some(&first.token),
            &json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let sms = gateway
        .wait_for(10, |m| m.kind == "waitlist_offer")
        .await
        .expect("the offer's text");
    assert_eq!(sms.to, waiter.phone);
    c.refresh().await.unwrap();
    let offer = appear(c, Locator::Css("section.offer"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        offer.contains("为您保留的名额") && offer.contains("09:00"),
        "{offer}"
    );
    appear(c, Locator::Css("section.offer button.big"))
        .await
        .click()
        .await
        .unwrap();
    let notice = appear(c, Locator::Css(".success"))
        .await
        .text()
        .await
        .unwrap();
    assert!(notice.contains("预约成功"), "{notice}");
    let summary = text(c, Locator::Css(".booking-summary")).await;
    assert!(summary.contains("09:00–09:30"), "{summary}");
    c.clone().close().await.unwrap();
}
