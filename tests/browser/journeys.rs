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
    let figures = text(c, Locator::Css(".figures")).await;
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
    click(c, Locator::Css("form.search button[type=submit]")).await;
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".result-count"))
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/services"));
    let count = text(c, Locator::Css(".result-count")).await;
    assert!(count.starts_with("共找到"), "{count}");

    // Open the item and read the one-time list of materials and the windows.
    click(c, Locator::LinkText("社会保障卡补换（即时制卡）")).await;
    let h1 = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("h1.service-title"))
        .await
        .unwrap();
    assert_eq!(h1.text().await.unwrap(), "社会保障卡补换（即时制卡）");
    let materials = text(c, Locator::Css(".material-list")).await;
    assert!(materials.contains("居民身份证"), "{materials}");
    let windows = text(c, Locator::Css(".window-list")).await;
    assert!(
        windows.contains("号窗口") && windows.contains("社保卡服务窗口"),
        "{windows}"
    );
    let facts = text(c, Locator::Css("table.facts")).await;
    assert!(
        facts.contains("当场办结") && facts.contains("不收费"),
        "{facts}"
    );

    // The same page in English, through the switch in the header.
    click(c, Locator::Css("a.lang-switch")).await;
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
async fn a_resident_asks_in_her_own_words_and_reads_the_guide_before_the_trip() {
    let Some(b) = browser().await else { return };
    let app = spawn_app().await;
    let c = &b.client;
    c.set_window_size(360, 740).await.unwrap();
    c.goto(&app.url("/")).await.unwrap();
    let search = c
        .find(Locator::Css("form.search input[name=q]"))
        .await
        .unwrap();
    search.send_keys("驾照丢了怎么办").await.unwrap();
    click(c, Locator::Css("form.search button[type=submit]")).await;
    appear(c, Locator::Css(".result-count")).await;
    // The best match is the first item listed.
    let first = text(c, Locator::Css("main a[href^='/services/']")).await;
    assert_eq!(first, "机动车驾驶证遗失补证");
    click(c, Locator::LinkText("机动车驾驶证遗失补证")).await;
    let visits = appear(c, Locator::Id("visits")).await;
    assert!(visits.text().await.unwrap().contains("最多跑一次"));
    let facts = text(c, Locator::Css("table.facts")).await;
    assert!(
        facts.contains("机动车驾驶证") && facts.contains("10元工本费"),
        "{facts}"
    );
    // The item code waits in the folded particulars until asked for.
    let code = c
        .find(Locator::Css("details.particulars table"))
        .await
        .unwrap();
    assert!(!code.is_displayed().await.unwrap());
    click(c, Locator::Css("details.particulars summary")).await;
    assert!(
        text(c, Locator::Css("details.particulars"))
            .await
            .contains("GACG-")
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
        "/services/1",
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
    let (gateway, app) = crate::helpers::spawn_app_with_gateway(crate::helpers::TEST_NOW).await;
    let c = &b.client;

    // Register with real name, ID number and phone.
    c.goto(&app.url("/register")).await.unwrap();
    fill(c, "name", "王秀英").await;
    fill(c, "id_number", "150304195603082023").await;
    fill(c, "phone", "13804731001").await;
    fill(c, "password", "Wuhai-Hall-2026").await;
    fill(c, "password2", "Wuhai-Hall-2026").await;
    click(c, Locator::Id("consent")).await;
    click(c, Locator::Css("form.form button[type=submit]")).await;
    wait_for_path(c, "/bookings").await;
    let header = text(c, Locator::Css(".who")).await;
    assert_eq!(header, "王*英", "the header shows the masked name");

    // Find the item and book the first free slot of the first day.
    c.goto(&app.url("/services?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1%E8%A1%A5%E6%8D%A2"))
        .await
        .unwrap();
    click(c, Locator::LinkText("社会保障卡补换（即时制卡）")).await;
    book_the_first_free_slot(c).await;

    // The confirmation: code as text and QR, window and floor, materials.
    let code = appear(c, Locator::Id("booking-code"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(&code[4..5], "-");
    let notice = text(c, Locator::Css(".success")).await;
    assert!(notice.contains("预约成功"), "{notice}");
    c.find(Locator::Css(".qr-code svg")).await.unwrap();
    let summary = text(c, Locator::Css(".booking-summary")).await;
    assert!(
        summary.contains("号窗口") && summary.contains("楼"),
        "{summary}"
    );
    let materials = text(c, Locator::Css(".material-list")).await;
    assert!(materials.contains("居民身份证"));

    // The text message reached the gateway, and the page says so (only then).
    let sms = gateway
        .wait_for(10, |m| m.kind == "confirmation")
        .await
        .expect("the confirmation SMS");
    assert_eq!(sms.to, "13804731001");
    assert!(sms.text.contains(&code), "{}", sms.text);
    let mut said = String::new();
    for _ in 0..50 {
        c.refresh().await.unwrap();
        said = text(c, Locator::Id("sms-state")).await;
        if said.contains("已发送") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(said, "确认短信已发送至 138****1001。");

    // My bookings lists it as upcoming.
    c.goto(&app.url("/bookings")).await.unwrap();
    let upcoming = text(c, Locator::Css(".booking-card")).await;
    assert!(
        upcoming.contains("社会保障卡补换")
            && upcoming.contains("已预约")
            && upcoming.contains(&code),
        "{upcoming}"
    );

    // Track it without signing in, in a fresh session.
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/track")).await.unwrap();
    fill(c, "code", &code.to_lowercase()).await;
    fill(c, "phone_last4", "1001").await;
    click(c, Locator::Css("form.form button[type=submit]")).await;
    let result = appear(c, Locator::Id("result-title"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(result, "社会保障卡补换（即时制卡）");
    c.clone().close().await.unwrap();
}

pub(crate) async fn wait_for_path(c: &fantoccini::Client, path: &str) {
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

    // Kiosk: take a number for 社会保障卡补换 without a booking.
    c.goto(&app.url("/kiosk")).await.unwrap();
    click(c, Locator::Css("a.kiosk-choice[href=\"/kiosk/walk-in\"]")).await;
    let q = appear(c, Locator::Id("q")).await;
    q.send_keys("社保卡补换").await.unwrap();
    click(c, Locator::Css(".kiosk-search button")).await;
    appear(c, Locator::Css(".kiosk-item"))
        .await
        .click()
        .await
        .unwrap();
    appear(c, Locator::Css(".kiosk-form button[type=submit]"))
        .await
        .click()
        .await
        .unwrap();
    let number = appear(c, Locator::Id("ticket-number"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(number.len(), 4, "{number}");
    let ticket_url = c.current_url().await.unwrap().to_string();
    let status = text(c, Locator::Id("ticket-status")).await;
    assert!(status.contains("前面还有 0 人"), "{status}");

    // The calling board, live: a clerk calls the number through the API.
    c.goto(&app.url("/display")).await.unwrap();
    appear(c, Locator::Css("#zones li")).await;
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
        latest = text(c, Locator::Id("latest")).await;
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
    let status = appear(c, Locator::Id("ticket-status"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(status, format!("请到 {window_number} 号窗口办理"));
    c.clone().close().await.unwrap();
}

/// Types into the field with this id.
pub(crate) async fn fill(c: &fantoccini::Client, id: &str, text: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// Clicks the element, which must be on the page.
pub(crate) async fn click(c: &fantoccini::Client, at: Locator<'_>) {
    c.find(at).await.unwrap().click().await.unwrap();
}

/// The text of the element, which must be on the page.
pub(crate) async fn text(c: &fantoccini::Client, at: Locator<'_>) -> String {
    c.find(at).await.unwrap().text().await.unwrap()
}

/// Waits (up to 10 s) for the element to be on the page.
pub(crate) async fn appear(
    c: &fantoccini::Client,
    at: Locator<'_>,
) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(at)
        .await
        .unwrap()
}

/// From an item's page: 网上预约, the first slot with room, confirm.
async fn book_the_first_free_slot(c: &fantoccini::Client) {
    appear(c, Locator::LinkText("网上预约"))
        .await
        .click()
        .await
        .unwrap();
    appear(c, Locator::Css(".slot:not(.full)"))
        .await
        .click()
        .await
        .unwrap();
    click(c, Locator::Css(".slot-form button[type=submit]")).await;
}

/// Signs in through the form, as a person would.
pub(crate) async fn sign_in(c: &fantoccini::Client, app: &crate::helpers::TestApp, phone: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    fill(c, "phone", phone).await;
    fill(c, "password", crate::helpers::PASSWORD).await;
    click(c, Locator::Css("form.form button[type=submit]")).await;
}

#[tokio::test]
async fn an_administrator_adds_an_item_assigns_a_window_and_a_resident_books_it() {
    use onestop::accounts::models::Role;
    let Some(b) = browser().await else { return };
    let app = crate::helpers::spawn_app_at(crate::helpers::TEST_NOW).await;
    let c = &b.client;
    let admin = app.staff(90, Role::Admin, None, None).await;
    sign_in(c, &app, &admin.phone).await;
    wait_for_path(c, "/admin").await;

    // A new item for the civil affairs bureau: the 老年人优待证 for residents over 60.
    let hall = app.hall_id("WUHAI").await;
    c.goto(&app.url(&format!("/admin/items/new?hall={hall}")))
        .await
        .unwrap();
    for (id, text) in [("f-code", "MZJ-901"), ("f-name", "老年人优待证办理")] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    c.find(Locator::Id("f-dept"))
        .await
        .unwrap()
        .select_by_label("乌海市民政局")
        .await
        .unwrap();
    let materials = c.find(Locator::Id("f-mat")).await.unwrap();
    materials.clear().await.unwrap();
    materials
        .send_keys("申请人居民身份证 | 原件\n户口簿 | 原件")
        .await
        .unwrap();
    click(c, Locator::Css("form.admin-form button[type=submit]")).await;
    wait_for_path(c, "/admin/items").await;

    // Nobody serves it yet; tick window 9 (社会救助窗口) in the matrix.
    c.goto(&app.url("/admin/matrix")).await.unwrap();
    c.find(Locator::Id("department"))
        .await
        .unwrap()
        .select_by_label("乌海市民政局")
        .await
        .unwrap();
    click(c, Locator::Css("form.filters button[type=submit]")).await;
    let cell = appear(c, Locator::Css("input[aria-label='老年人优待证办理 · 9']")).await;
    let before = cell.prop("checked").await.unwrap();
    assert_eq!(before.as_deref(), Some("false"), "{before:?}");
    cell.click().await.unwrap();
    click(c, Locator::Css(".matrix-form button[type=submit]")).await;
    let saved = appear(c, Locator::Css(".success"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!saved.is_empty());
    let cell = c
        .find(Locator::Css("input[aria-label='老年人优待证办理 · 9']"))
        .await
        .unwrap();
    assert_eq!(cell.prop("checked").await.unwrap().as_deref(), Some("true"));

    // A resident signs in, finds the new item and books it at window 9.
    c.delete_all_cookies().await.unwrap();
    let resident = app.register_resident(1).await;
    sign_in(c, &app, &resident.phone).await;
    wait_for_path(c, "/bookings").await;
    c.goto(&app.url("/services?q=%E8%80%81%E5%B9%B4%E4%BA%BA%E4%BC%98%E5%BE%85%E8%AF%81"))
        .await
        .unwrap();
    click(c, Locator::LinkText("老年人优待证办理")).await;
    let detail = appear(c, Locator::Css(".material-list"))
        .await
        .text()
        .await
        .unwrap();
    assert!(detail.contains("户口簿"), "{detail}");
    book_the_first_free_slot(c).await;
    appear(c, Locator::Id("booking-code")).await;
    let summary = text(c, Locator::Css(".booking-summary")).await;
    assert!(summary.contains("9 号窗口 社会救助窗口"), "{summary}");
    let title = text(c, Locator::Css("h1")).await;
    assert!(title.contains("老年人优待证办理"), "{title}");
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_calling_board_shows_the_halls_time_whatever_the_screens_zone() {
    // The screen's PC thinks it is in New York; the hall is in Wuhai.
    let Some(b) = crate::driver::browser_in_zone(Some("America/New_York")).await else {
        return;
    };
    let app = crate::helpers::spawn_app_at("2026-12-01T08:00:00+08:00").await;
    let c = &b.client;
    c.goto(&app.url("/display")).await.unwrap();
    let pc_hour = c
        .execute("return new Date().getHours();", vec![])
        .await
        .unwrap();
    assert_ne!(
        pc_hour.as_i64(),
        Some(8),
        "the PC's own clock differs: {pc_hour}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let clock = text(c, Locator::Id("clock")).await;
    assert!(clock.starts_with("08:00:"), "the hall's clock: {clock}");
    c.clone().close().await.unwrap();
}
