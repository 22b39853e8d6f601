//! The OpenAPI document as clients meet it: served, complete (every
//! `/api/v1` route of the access table and no other), each operation's
//! errors in the error object, links that lead somewhere, and the
//! reference page rendered from it. schemathesis checks the server's answers
//! against it in CI (scripts/api-contract/run.sh).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::spawn_app;

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.to_uppercase(), path.clone(), op));
        }
    }
    out
}

#[tokio::test]
async fn the_document_lists_every_api_route_and_nothing_else() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers().contains_key("etag"));
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let routed: BTreeSet<(String, String)> = onestop::accounts::access::RULES
        .iter()
        .filter(|(_, p, _)| p.starts_with("/api/v1/"))
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, routed);

    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let ids: BTreeSet<&str> = operations(&doc)
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap())
        .collect();
    for (method, path, op) in operations(&doc) {
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{method} {path} documents no success"
        );
        for (status, answer) in responses {
            if status.starts_with('4') {
                assert_eq!(
                    answer["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/Error",
                    "{method} {path} {status}"
                );
            }
            for link in answer["links"].as_object().into_iter().flatten() {
                let to = link.1["operationId"].as_str().unwrap();
                assert!(ids.contains(to), "{method} {path} links to {to}");
            }
        }
        // A route that needs a token says so; the scheme exists.
        if op.get("security").is_some() {
            assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        }
    }
    // Every reference resolves.
    let text = doc.to_string();
    for part in text.split("\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(schemas.contains_key(name), "dangling $ref to {name}");
    }
    // The error object, the bearer scheme, the stateful path of a resident.
    assert!(schemas.contains_key("Error"));
    let booked = &doc["paths"]["/api/v1/bookings"]["post"]["responses"]["201"]["links"];
    assert_eq!(booked["Cancel"]["operationId"], "cancel_booking");
    assert_eq!(
        booked["Cancel"]["parameters"]["code"],
        "$response.body#/code"
    );
}

#[tokio::test]
async fn an_undeclared_method_is_405_with_the_methods_that_are() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let r = http.delete(app.url("/api/v1/halls")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "GET, HEAD");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let r = http
        .get(app.url("/api/v1/bookings/ABC123/cancel"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    // A path nobody serves stays a 404.
    let r = http.get(app.url("/api/v1/nothing")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn the_reference_page_shows_every_operation_in_both_languages() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = reqwest::get(app.url("/api/docs"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("接口文档"));
    for (method, path, op) in operations(&doc) {
        assert!(
            page.contains(&format!(
                "<code class=\"method\">{method}</code> <code class=\"path\">{path}</code>"
            )),
            "{method} {path} missing"
        );
        assert!(page.contains(&format!("id=\"{}\"", op["operationId"].as_str().unwrap())));
    }
    assert!(page.contains("id=\"schema-Ticket\""));
    // Nothing loaded from elsewhere: the intranet has no internet.
    assert!(
        !page.contains("https://"),
        "the page names an outside address"
    );
    let en = reqwest::Client::new()
        .get(app.url("/api/docs"))
        .header("Cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("API reference"));
}
