//! The public pages as a browser receives them.

use crate::helpers::spawn_app;

/// The text of a page without tags, for "what a person would read" checks.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_home_page_shows_the_hall_its_figures_and_how_to_book() {
    let app = spawn_app().await;
    let (s, html) = app.get_html("/").await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(text.contains("乌海市民服务中心"));
    assert!(html.contains(r#"data-figure="departments">38<"#));
    assert!(html.contains(r#"data-figure="windows">107<"#));
    assert!(html.contains(r#"data-figure="services">337<"#));
    assert!(text.contains("怎样办事") && text.contains("网上预约"));
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    assert!(html.contains(r#"action="/services""#), "a search form");
    assert!(text.contains("社会保险") && text.contains("不动产登记"));
}

#[tokio::test]
async fn searching_the_catalogue_page_finds_items_by_everyday_words() {
    let app = spawn_app().await;
    let (s, html) = app
        .get_html("/services?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1")
        .await; // 社保卡
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(text.contains("社会保障卡补换（即时制卡）"), "{text}");
    assert!(text.contains("共找到"));
    assert!(
        html.contains(r#"value="社保卡""#),
        "the query stays in the box"
    );

    let (_, html) = app
        .get_html("/services?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E4%BA%8B%E9%A1%B9xyz")
        .await;
    assert!(text_of(&html).contains("没有找到符合条件的事项"));

    // Category filter: only 行政许可 items are listed.
    let (_, html) = app
        .get_html("/services?category=licensing&q=%E7%99%BB%E8%AE%B0")
        .await;
    assert!(html.contains(r#"<option value="licensing" selected>"#));
    assert!(html.contains(r#"<span class="tag">行政许可</span>"#));
    assert!(
        !html.contains(r#"<span class="tag">行政确认</span>"#),
        "a confirmation item slipped through the filter"
    );

    // Markup typed into the search box is shown as text, never run.
    let (_, html) = app
        .get_html("/services?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn an_item_page_shows_materials_time_limits_fees_and_windows() {
    let app = spawn_app().await;
    let (_, found) = app.get_json("/api/v1/services?q=BDC-002").await;
    let id = found[0]["id"].as_i64().unwrap();
    let (s, html) = app.get_html(&format!("/services/{id}")).await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(text.contains("国有建设用地使用权及房屋所有权转移登记（二手房）"));
    assert!(text.contains("一次性告知"));
    assert!(text.contains("存量房买卖合同"));
    assert!(text.contains("承诺 3 个工作日办结"));
    assert!(text.contains("法定 30 个工作日"));
    assert!(text.contains("80元登记费（住宅）"));
    assert!(text.contains("号窗口"));
    assert!(
        text.contains("综合窗口"),
        "the 一窗受理 window serves tax and registration together"
    );
    assert!(text.contains("办公时间"));
}

#[tokio::test]
async fn department_and_hall_pages_list_windows_and_items() {
    let app = spawn_app().await;
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
        .unwrap();
    let (s, html) = app.get_html(&format!("/departments/{}", sb["id"])).await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    assert!(text.contains("乌海市社会保险事业服务中心"));
    assert!(text.contains("养老保险窗口"));
    assert!(text.contains("社会保障卡申领"));

    let (s, html) = app.get_html("/departments").await;
    assert_eq!(s, 200);
    assert!(text_of(&html).contains("共 38 个进驻部门"));

    let (s, html) = app.get_html("/halls").await;
    assert_eq!(s, 200);
    let text = text_of(&html);
    for name in [
        "乌海市民服务中心",
        "海勃湾区政务服务中心",
        "乌达区政务服务中心",
        "海南区政务服务中心",
        "新华街道新华西社区便民服务站",
    ] {
        assert!(text.contains(name), "{name} missing from the network page");
    }
    // Browsing a district hall.
    let hbw = app.hall_id("HBW").await;
    let (s, html) = app.get_html(&format!("/?hall={hbw}")).await;
    assert_eq!(s, 200);
    assert!(text_of(&html).contains("海勃湾区政务服务中心"));
}

#[tokio::test]
async fn english_is_available_on_every_page_through_the_switch() {
    let app = spawn_app().await;
    let r = app.get("/lang/en?next=%2Fservices").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/services");
    let (_, html) = app.get_html("/services").await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(text_of(&html).contains("Services"));
    let (_, html) = app.get_html("/").await;
    assert!(text_of(&html).contains("How it works"));
    let (_, html) = app.get_html("/no-such-page").await;
    assert!(text_of(&html).contains("Page not found"));
    // …and back.
    app.get("/lang/zh-CN?next=%2F").await;
    let (_, html) = app.get_html("/").await;
    assert!(text_of(&html).contains("怎样办事"));
    // An off-site "next" is not followed.
    let r = app.get("/lang/en?next=https%3A%2F%2Fevil.example").await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn missing_things_get_a_friendly_404_page_with_the_right_status() {
    let app = spawn_app().await;
    for path in [
        "/no-such-page",
        "/services/999999",
        "/services/abc",
        "/departments/0",
        "/?hall=999",
        "/?hall=x",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let text = text_of(&r.text().await.unwrap());
        assert!(
            text.contains("页面不存在") && text.contains("回到首页"),
            "{path}: {text}"
        );
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/services",
        "/api/v1/halls",
        "/no-such-page",
        "/healthz",
    ] {
        let r = app.get(path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert_eq!(h["x-frame-options"], "DENY");
    }
}

#[tokio::test]
async fn health_check_and_embedded_assets() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");

    let (_, html) = app.get_html("/").await;
    let start = html
        .find("/static/style.css?v=")
        .expect("versioned stylesheet link");
    let href: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let r = app.get(&href).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(r.text().await.unwrap().contains(":focus-visible"));
    assert_eq!(app.get("/static/nothing.js").await.status().as_u16(), 404);
}
