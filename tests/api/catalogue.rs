//! The contract's "Built-in catalogue" figures and invariants, and the
//! catalogue API.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::helpers::{assert_error_json, spawn_app};

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("a JSON array")
}

#[tokio::test]
async fn the_city_hall_has_exactly_38_departments_107_windows_and_337_items() {
    let app = spawn_app().await;
    let city = app.hall_id("WUHAI").await;

    let (s, departments) = app
        .get_json(&format!("/api/v1/departments?hall_id={city}"))
        .await;
    assert_eq!(s, 200);
    let (_, windows) = app
        .get_json(&format!("/api/v1/windows?hall_id={city}"))
        .await;
    let (_, services) = app
        .get_json(&format!("/api/v1/services?hall_id={city}"))
        .await;
    assert_eq!(arr(&departments).len(), 38);
    assert_eq!(arr(&windows).len(), 107);
    assert_eq!(arr(&services).len(), 337);

    // Windows are numbered 1–107.
    let mut numbers: Vec<i64> = arr(&windows)
        .iter()
        .map(|w| w["number"].as_i64().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=107).collect::<Vec<_>>());

    // Every department has at least one window and one item.
    for d in arr(&departments) {
        assert!(
            d["window_count"].as_i64().unwrap() >= 1,
            "department without window: {d}"
        );
        assert!(
            d["service_count"].as_i64().unwrap() >= 1,
            "department without item: {d}"
        );
    }
    let window_total: i64 = arr(&departments)
        .iter()
        .map(|d| d["window_count"].as_i64().unwrap())
        .sum();
    let service_total: i64 = arr(&departments)
        .iter()
        .map(|d| d["service_count"].as_i64().unwrap())
        .sum();
    assert_eq!((window_total, service_total), (107, 337));

    // Every item is served by a window and every window serves an item.
    let served: HashSet<i64> = arr(&windows)
        .iter()
        .flat_map(|w| arr(&w["service_ids"]).iter().map(|s| s.as_i64().unwrap()))
        .collect();
    for s in arr(&services) {
        assert!(
            served.contains(&s["id"].as_i64().unwrap()),
            "item served by no window: {s}"
        );
    }
    for w in arr(&windows) {
        assert!(
            !arr(&w["service_ids"]).is_empty(),
            "window serving nothing: {w}"
        );
    }

    // Some windows are comprehensive: they serve items of several departments.
    let dept_of: HashMap<i64, i64> = arr(&services)
        .iter()
        .map(|s| {
            (
                s["id"].as_i64().unwrap(),
                s["department_id"].as_i64().unwrap(),
            )
        })
        .collect();
    let comprehensive = arr(&windows)
        .iter()
        .filter(|w| {
            let depts: HashSet<i64> = arr(&w["service_ids"])
                .iter()
                .map(|s| dept_of[&s.as_i64().unwrap()])
                .collect();
            depts.len() > 1
        })
        .count();
    assert!(
        comprehensive >= 4,
        "only {comprehensive} comprehensive windows"
    );

    // Realistic Simplified Chinese names, unique codes, the expected departments.
    let names: HashSet<&str> = arr(&departments)
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for expected in [
        "乌海市社会保险事业服务中心",
        "乌海市医疗保障局",
        "乌海市不动产登记中心",
        "乌海市公安局出入境管理支队",
        "乌海市市场监督管理局",
        "国家税务总局乌海市税务局",
        "乌海市住房公积金管理中心",
    ] {
        assert!(names.contains(expected), "missing department {expected}");
    }
    let codes: HashSet<&str> = arr(&services)
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 337, "item codes are unique");
    assert!(arr(&services).iter().all(|s| {
        s["name"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }));
}

#[tokio::test]
async fn the_network_has_four_levels_and_district_halls_with_their_own_windows() {
    let app = spawn_app().await;
    let (_, halls) = app.get_json("/api/v1/halls").await;
    let levels: HashSet<&str> = arr(&halls)
        .iter()
        .map(|h| h["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        HashSet::from(["city", "district", "street", "community"])
    );
    let city = app.hall_id("WUHAI").await;
    let districts: Vec<&Value> = arr(&halls)
        .iter()
        .filter(|h| h["level"] == "district")
        .collect();
    let names: HashSet<&str> = districts
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        HashSet::from([
            "海勃湾区政务服务中心",
            "乌达区政务服务中心",
            "海南区政务服务中心"
        ])
    );
    for d in districts {
        assert_eq!(d["parent_id"].as_i64(), Some(city));
        let (_, windows) = app
            .get_json(&format!("/api/v1/windows?hall_id={}", d["id"]))
            .await;
        assert!(
            arr(&windows).len() >= 3,
            "district hall with too few windows"
        );
    }
    // Without a filter the lists cover every hall.
    let (_, all_windows) = app.get_json("/api/v1/windows").await;
    assert!(arr(&all_windows).len() > 107);
}

#[tokio::test]
async fn services_can_be_searched_by_name_code_and_department() {
    let app = spawn_app().await;
    let city = app.hall_id("WUHAI").await;
    let (s, found) = app
        .get_json(&format!(
            "/api/v1/services?hall_id={city}&q=%E6%8A%A4%E7%85%A7"
        ))
        .await; // 护照
    assert_eq!(s, 200);
    assert!(!arr(&found).is_empty());
    assert!(
        arr(&found)
            .iter()
            .all(|i| i["name"].as_str().unwrap().contains("护照"))
    );

    // Everyday words find official names: 社保卡 → 社会保障卡.
    let (_, found) = app
        .get_json(&format!(
            "/api/v1/services?hall_id={city}&q=%E7%A4%BE%E4%BF%9D%E5%8D%A1"
        ))
        .await;
    assert!(
        arr(&found)
            .iter()
            .any(|i| i["name"].as_str().unwrap().contains("社会保障卡"))
    );

    // By code, case-insensitively.
    let (_, found) = app.get_json("/api/v1/services?q=gacrj-001").await;
    assert_eq!(arr(&found).len(), 1);
    assert_eq!(found[0]["code"], "GACRJ-001");

    // By department.
    let (_, departments) = app
        .get_json(&format!("/api/v1/departments?hall_id={city}"))
        .await;
    let dept = arr(&departments)
        .iter()
        .find(|d| d["code"] == "BDC")
        .unwrap();
    let (_, items) = app
        .get_json(&format!("/api/v1/services?department_id={}", dept["id"]))
        .await;
    assert_eq!(
        arr(&items).len() as i64,
        dept["service_count"].as_i64().unwrap()
    );
    assert!(arr(&items).iter().all(|i| i["department_id"] == dept["id"]));

    // A LIKE wildcard is a literal character, not "match everything".
    let (_, none) = app.get_json("/api/v1/services?q=%25").await;
    assert!(arr(&none).is_empty());
}

#[tokio::test]
async fn one_service_comes_with_materials_and_window_numbers() {
    let app = spawn_app().await;
    let (_, found) = app.get_json("/api/v1/services?q=GACRJ-001").await;
    let id = found[0]["id"].as_i64().unwrap();
    let (s, item) = app.get_json(&format!("/api/v1/services/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(item["name"], "普通护照签发（首次申请）");
    assert_eq!(item["delivery"], "promised");
    assert_eq!(item["promised_days"], 7);
    assert_eq!(item["fee"], "120元");
    let materials = arr(&item["materials"]);
    assert!(!materials.is_empty());
    assert_eq!(materials[0]["position"], 1);
    assert!(
        materials
            .iter()
            .any(|m| m["name"].as_str().unwrap().contains("居民身份证"))
    );
    let numbers = arr(&item["window_numbers"]);
    assert!(!numbers.is_empty());
    assert!(
        numbers
            .iter()
            .all(|n| (1..=107).contains(&n.as_i64().unwrap()))
    );
}

#[tokio::test]
async fn bad_ids_and_parameters_get_the_error_json_never_a_500() {
    let app = spawn_app().await;
    for (path, status, code) in [
        ("/api/v1/services/abc", 404, "not_found"),
        ("/api/v1/services/999999", 404, "not_found"),
        ("/api/v1/services/-1", 404, "not_found"),
        ("/api/v1/services/99999999999999999999", 404, "not_found"),
        ("/api/v1/services?hall_id=abc", 422, "invalid_parameter"),
        (
            "/api/v1/services?department_id=1.5",
            422,
            "invalid_parameter",
        ),
        ("/api/v1/services?hall_id=99999", 422, "unknown_hall"),
        (
            "/api/v1/services?department_id=99999",
            422,
            "unknown_department",
        ),
        (
            "/api/v1/services?category=nonsense",
            422,
            "invalid_parameter",
        ),
        ("/api/v1/departments?hall_id=x", 422, "invalid_parameter"),
        ("/api/v1/windows?hall_id=%00", 422, "invalid_parameter"),
        ("/api/v1/no-such-thing", 404, "not_found"),
    ] {
        let (s, body) = app.get_json(path).await;
        assert_error_json(s, &body, status, code);
    }
    let long_q = "字".repeat(101);
    let (s, body) = app.get_json(&format!("/api/v1/services?q={long_q}")).await;
    assert_error_json(s, &body, 422, "invalid_parameter");
}
