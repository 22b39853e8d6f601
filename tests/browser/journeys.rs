use std::time::Duration;

use fantoccini::Locator;

use crate::driver::browser;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_resident_finds_an_item_in_the_catalogue_and_reads_what_to_bring() {
    let Some(b) = browser().await else { return };
    let app = spawn_app().await;
    let c = &b.client;

    c.goto(&app.url("/")).await.unwrap();
    assert!(c.title().await.unwrap().contains("乌海市民服务中心"));
    let figures = c
        .find(Locator::Css(".figures"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        figures.contains("38") && figures.contains("107") && figures.contains("337"),
        "{figures}"
    );

    // Search with an everyday word, as a resident would type it.
    let search = c
        .find(Locator::Css("form.search input[name=q]"))
        .await
        .unwrap();
    search.send_keys("社保卡").await.unwrap();
    c.find(Locator::Css("form.search button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".result-count"))
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/services"));
    let count = c
        .find(Locator::Css(".result-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(count.starts_with("共找到"), "{count}");

    // Open the item and read the one-time list of materials and the windows.
    c.find(Locator::LinkText("社会保障卡补换（即时制卡）"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let h1 = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("h1.service-title"))
        .await
        .unwrap();
    assert_eq!(h1.text().await.unwrap(), "社会保障卡补换（即时制卡）");
    let materials = c
        .find(Locator::Css(".material-list"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(materials.contains("居民身份证"), "{materials}");
    let windows = c
        .find(Locator::Css(".window-list"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        windows.contains("号窗口") && windows.contains("社保卡服务窗口"),
        "{windows}"
    );
    let facts = c
        .find(Locator::Css("table.facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        facts.contains("当场办结") && facts.contains("不收费"),
        "{facts}"
    );

    // The same page in English, through the switch in the header.
    c.find(Locator::Css("a.lang-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let h2 = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("materials-title"))
        .await
        .unwrap();
    assert_eq!(
        h2.text().await.unwrap(),
        "Materials to bring (one-time list)"
    );

    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_catalogue_is_readable_on_a_360_pixel_phone() {
    let Some(b) = browser().await else { return };
    let app = spawn_app().await;
    let c = &b.client;
    c.set_window_size(360, 740).await.unwrap();
    for path in [
        "/",
        "/services?q=%E8%BA%AB%E4%BB%BD%E8%AF%81",
        "/departments",
    ] {
        c.goto(&app.url(path)).await.unwrap();
        let overflow = c
            .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap_or(99) <= 0,
            "{path} scrolls sideways by {overflow} px at 360 px"
        );
        let font = c
            .execute(
                "return parseFloat(getComputedStyle(document.body).fontSize);",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            font.as_f64().unwrap_or(0.0) >= 16.0,
            "{path}: body text {font} px is too small"
        );
    }
    // Keyboard users can reach the search box: the skip link comes first.
    c.goto(&app.url("/")).await.unwrap();
    let first = c
        .execute("return document.querySelector('a').className;", vec![])
        .await
        .unwrap();
    assert_eq!(first, "skip");
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn a_resident_registers_books_a_window_slot_and_sees_the_confirmation() {
    let Some(b) = browser().await else { return };
    let app = crate::helpers::spawn_app_at(crate::helpers::TEST_NOW).await;
    let c = &b.client;
    let wait = Duration::from_secs(10);

    // Register with real name, ID number and phone.
    c.goto(&app.url("/register")).await.unwrap();
    c.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("王秀英")
        .await
        .unwrap();
    c.find(Locator::Id("id_number"))
        .await
        .unwrap()
        .send_keys("150304195603082023")
        .await
        .unwrap();
    c.find(Locator::Id("phone"))
        .await
        .unwrap()
        .send_keys("13804731001")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("Wuhai-Hall-2026")
        .await
        .unwrap();
    c.find(Locator::Id("password2"))
        .await
        .unwrap()
        .send_keys("Wuhai-Hall-2026")
        .await
        .unwrap();
    c.find(Locator::Id("consent"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("form.form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(c, "/bookings").await;
    let header = c
        .find(Locator::Css(".who"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(header, "王*英", "the header shows the masked name");

    // Find the item and book the first free slot of the first day.
    c.goto(&app.url("/services?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1%E8%A1%A5%E6%8D%A2"))
        .await
        .unwrap();
    c.find(Locator::LinkText("社会保障卡补换（即时制卡）"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::LinkText("网上预约"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css(".slot-grid"))
        .await
        .unwrap();
    c.find(Locator::Css(".slot:not(.full)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css(".slot-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The confirmation: code as text and QR, window and floor, materials.
    let code = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("booking-code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(&code[4..5], "-");
    let notice = c
        .find(Locator::Css(".success"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("预约成功"), "{notice}");
    c.find(Locator::Css(".qr-code svg")).await.unwrap();
    let summary = c
        .find(Locator::Css(".booking-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("号窗口") && summary.contains("楼"),
        "{summary}"
    );
    let materials = c
        .find(Locator::Css(".material-list"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(materials.contains("居民身份证"));

    // My bookings lists it as upcoming.
    c.goto(&app.url("/bookings")).await.unwrap();
    let upcoming = c
        .find(Locator::Css(".booking-card"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        upcoming.contains("社会保障卡补换")
            && upcoming.contains("已预约")
            && upcoming.contains(&code),
        "{upcoming}"
    );

    // Track it without signing in, in a fresh session.
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/track")).await.unwrap();
    c.find(Locator::Id("code"))
        .await
        .unwrap()
        .send_keys(&code.to_lowercase())
        .await
        .unwrap();
    c.find(Locator::Id("phone_last4"))
        .await
        .unwrap()
        .send_keys("1001")
        .await
        .unwrap();
    c.find(Locator::Css("form.form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let result = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("result-title"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(result, "社会保障卡补换（即时制卡）");
    c.clone().close().await.unwrap();
}

async fn wait_for_path(c: &fantoccini::Client, path: &str) {
    for _ in 0..100 {
        if c.current_url().await.is_ok_and(|u| u.path() == path) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the browser never reached {path}: {:?}",
        c.current_url().await.map(|u| u.to_string())
    );
}

#[tokio::test]
async fn a_walk_in_takes_a_number_at_the_kiosk_and_the_board_calls_it() {
    let Some(b) = browser().await else { return };
    let app = crate::helpers::spawn_app_at("2026-12-01T09:00:00+08:00").await;
    let c = &b.client;
    let wait = Duration::from_secs(10);

    // Kiosk: take a number for 社会保障卡补换 without a booking.
    c.goto(&app.url("/kiosk")).await.unwrap();
    c.find(Locator::Css("a.kiosk-choice[href=\"/kiosk/walk-in\"]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let q = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("q"))
        .await
        .unwrap();
    q.send_keys("社保卡补换").await.unwrap();
    c.find(Locator::Css(".kiosk-search button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css(".kiosk-item"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css(".kiosk-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let number = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("ticket-number"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(number.len(), 4, "{number}");
    let ticket_url = c.current_url().await.unwrap().to_string();
    let status = c
        .find(Locator::Id("ticket-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("前面还有 0 人"), "{status}");

    // The calling board, live: a clerk calls the number through the API.
    c.goto(&app.url("/display")).await.unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("#zones li"))
        .await
        .unwrap();
    let (_, items) = app.get_json("/api/v1/services?q=SBZX-023").await;
    let item = items[0]["id"].as_i64().unwrap();
    let window_number = app.window_for(item).await;
    let clerk = app
        .staff(
            1,
            onestop::accounts::models::Role::Clerk,
            Some(window_number as i32),
            None,
        )
        .await;
    let window = app.window_id(window_number).await;
    let (s, called) = app
        .post_json(
            &format!("/api/v1/windows/{window}/call-next"),
            Some(&clerk.token),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, 200, "{called}");
    assert_eq!(called["number"], number.as_str());
    let mut latest = String::new();
    for _ in 0..50 {
        latest = c
            .find(Locator::Id("latest"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if latest.contains(&number) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        latest.contains(&number) && latest.contains(&format!("{window_number} 号窗口")),
        "board shows: {latest}"
    );

    // The ticket page tells the resident where to go.
    c.goto(&ticket_url).await.unwrap();
    let status = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("ticket-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, format!("请到 {window_number} 号窗口办理"));
    c.clone().close().await.unwrap();
}
