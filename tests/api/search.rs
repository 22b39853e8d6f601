//! Search in residents' own words, through the started server: the
//! phrasings of tests/data/search_phrasings.tsv, order by relevance, the
//! edges (empty query, nothing found, filters) and an admin's edit seen at
//! the next search.

use serde_json::Value;

use crate::helpers::spawn_app;

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn residents_phrasings_find_their_item_first() {
    let app = spawn_app().await;
    let hall = app.hall_id("WUHAI").await;
    let text = include_str!("../data/search_phrasings.tsv");
    let (mut total, mut first, mut top3) = (0, 0, 0);
    let mut missed = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (q, expected) = line.split_once('\t').unwrap();
        let expected: Vec<&str> = expected.split('|').collect();
        let (s, body) = app
            .get_json(&format!("/api/v1/services?hall_id={hall}&q={}", enc(q)))
            .await;
        assert_eq!(s, 200, "{q}");
        let got = names(&body);
        total += 1;
        if got.first().is_some_and(|n| expected.contains(&n.as_str())) {
            first += 1;
        }
        if got.iter().take(3).any(|n| expected.contains(&n.as_str())) {
            top3 += 1;
        } else {
            missed.push(format!("{q} -> {:?}", &got[..got.len().min(3)]));
        }
    }
    eprintln!("search phrasings: {total}, first {first}, top 3 {top3}; missed {missed:?}");
    assert!(total >= 80);
    // Measured 120/121 first and 121/121 in the top 3; a change that makes
    // search noticeably worse fails here.
    assert!(first * 100 >= total * 90, "first {first}/{total}");
    assert!(top3 * 100 >= total * 97, "top 3 {top3}/{total}: {missed:?}");
}

#[tokio::test]
async fn the_best_match_comes_first_and_the_page_agrees_with_the_api() {
    let app = spawn_app().await;
    let hall = app.hall_id("WUHAI").await;
    // The home page's own example: no item is named "公积金提取".
    let (_, found) = app
        .get_json(&format!(
            "/api/v1/services?hall_id={hall}&q={}",
            enc("公积金提取")
        ))
        .await;
    let found = names(&found);
    assert!(found.len() >= 5, "{found:?}");
    assert!(
        found[..5].iter().all(|n| n.contains("提取住房公积金")),
        "{found:?}"
    );
    // An item merely sharing the department comes after those that match.
    let (_, lost) = app
        .get_json(&format!(
            "/api/v1/services?hall_id={hall}&q={}",
            enc("驾照丢了怎么办")
        ))
        .await;
    assert_eq!(names(&lost)[0], "机动车驾驶证遗失补证");
    let (_, html) = app
        .get_html(&format!("/services?q={}", enc("驾照丢了怎么办")))
        .await;
    let at = |name: &str| html.find(name).unwrap_or(usize::MAX);
    assert!(
        at("机动车驾驶证遗失补证") < at("机动车驾驶证期满换证"),
        "page order"
    );
    // A homophone typed by a pinyin input method, and pinyin itself.
    for q in ["身分证补领", "juzhuzheng", "ＪＩＡＺＨＡＯ"] {
        let (_, r) = app
            .get_json(&format!("/api/v1/services?hall_id={hall}&q={}", enc(q)))
            .await;
        assert!(!names(&r).is_empty(), "{q}");
    }
}

#[tokio::test]
async fn empty_queries_list_the_catalogue_and_filters_combine_with_words() {
    let app = spawn_app().await;
    let hall = app.hall_id("WUHAI").await;
    let (_, all) = app
        .get_json(&format!("/api/v1/services?hall_id={hall}"))
        .await;
    let (_, blank) = app
        .get_json(&format!("/api/v1/services?hall_id={hall}&q=%20%E3%80%80"))
        .await;
    assert_eq!(names(&all).len(), 337);
    assert_eq!(names(&all), names(&blank));
    // Words and a category together: only licensing items about 食品.
    let (_, food) = app
        .get_json(&format!(
            "/api/v1/services?hall_id={hall}&category=licensing&q={}",
            enc("开饭店")
        ))
        .await;
    let food = food.as_array().unwrap();
    assert!(!food.is_empty());
    assert!(food.iter().all(|s| s["category"] == "licensing"));
    assert!(food[0]["name"].as_str().unwrap().contains("食品经营许可证"));
}

#[tokio::test]
async fn nothing_found_shows_the_nearest_items_and_the_halls_phone() {
    let app = spawn_app().await;
    let hall = app.hall_id("WUHAI").await;
    let (s, none) = app
        .get_json(&format!(
            "/api/v1/services?hall_id={hall}&q={}",
            enc("养宠物")
        ))
        .await;
    assert_eq!(s, 200);
    assert!(names(&none).is_empty(), "{none}");
    let (s, html) = app
        .get_html(&format!("/services?q={}", enc("养宠物")))
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("没有找到"), "no-result message");
    assert!(html.contains("0473-3990000"), "the hall's phone");
    // The nearest items share words with the query (养).
    assert!(
        html.contains("您可能要找的事项") && html.contains("养老"),
        "nearest items offered"
    );
}

#[tokio::test]
async fn an_admins_edit_is_found_at_the_next_search() {
    let app = crate::helpers::spawn_app_at(crate::helpers::TEST_NOW).await;
    let client = crate::admin::admin(&app).await;
    let d = crate::admin::item_by_code(&app, "SBZX-023").await;
    let id = d["id"].as_i64().unwrap();
    let department = d["department_id"].to_string();
    let hall = app.hall_id("WUHAI").await;
    let search = |q: &'static str| {
        let app = &app;
        async move {
            let path = format!("/api/v1/services?hall_id={hall}&q={}", enc(q));
            names(&app.get_json(&path).await.1)
        }
    };
    assert!(search("骆驼").await.is_empty());
    let page = format!("/admin/items/{id}");
    let fields = crate::admin::item_fields("SBZX-023", "骆驼卡补换", &department);
    let r = crate::helpers::post_form_with(&client, &app, &page, &page, &fields).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(search("骆驼").await, ["骆驼卡补换"]);
    // The old name no longer answers for it.
    assert!(
        !search("社会保障卡补换")
            .await
            .contains(&"社会保障卡补换（即时制卡）".to_string())
    );
}
