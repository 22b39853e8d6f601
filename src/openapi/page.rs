//! `/api/docs`: the API reference, rendered on the server from the same
//! OpenAPI document (no viewer script, nothing from outside the binary).

use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde_json::Value;

use super::Document;
use crate::error::AppError;
use crate::web::PageCtx;

/// One operation as the page lists it.
pub struct Operation {
    pub anchor: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub signed_in: bool,
    /// A kiosk or board may send its device token.
    pub device: bool,
    pub parameters: Vec<Field>,
    pub body: Option<String>,
    pub responses: Vec<Answer>,
    pub links: Vec<String>,
}

/// A parameter or a property.
pub struct Field {
    pub name: String,
    pub place: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

pub struct Answer {
    pub status: String,
    pub description: String,
    pub body: String,
}

pub struct Group {
    pub name: String,
    pub description: String,
    pub operations: Vec<Operation>,
}

pub struct Schema {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub fields: Vec<Field>,
}

/// The page's content, made once from the document.
pub struct Reference {
    pub title: String,
    pub version: String,
    pub intro: Vec<String>,
    pub groups: Vec<Group>,
    pub schemas: Vec<Schema>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A schema in a few words: `Ticket`, `[Slot]`, `string (date)`,
/// `one of: a, b`, `integer ≥ 1`, `… or null`.
fn kind_of(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = s.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = list.iter().map(kind_of).collect();
            return parts.join(if key == "allOf" { " + " } else { " or " });
        }
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        return format!("{}: {}", "one of", names.join(", "));
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let mut out = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "array" => format!("[{}]", s.get("items").map(kind_of).unwrap_or_default()),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" or ");
    if let Some(f) = s.get("format").and_then(Value::as_str) {
        out.push_str(&format!(" ({f})"));
    }
    if let Some(m) = s.get("minimum").and_then(Value::as_i64) {
        out.push_str(&format!(" ≥ {m}"));
    }
    if let Some(m) = s.get("maxLength").and_then(Value::as_i64) {
        out.push_str(&format!(", ≤ {m} chars"));
    }
    if types.contains(&"null") {
        out.push_str(" or null");
    }
    if out.is_empty() { "any".into() } else { out }
}

fn fields_of(s: &Value) -> Vec<Field> {
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        for p in parts {
            if p.get("$ref").is_some() {
                out.push(Field {
                    name: format!("… {}", kind_of(p)),
                    place: String::new(),
                    kind: "all its fields".into(),
                    required: true,
                    description: String::new(),
                });
            } else {
                out.extend(fields_of(p));
            }
        }
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            let mut description = text(p, "description");
            if let Some(e) = p.get("example") {
                description = format!("{description} 例 / e.g. {e}").trim().to_string();
            }
            out.push(Field {
                name: name.clone(),
                place: String::new(),
                kind: kind_of(p),
                required: required.contains(&name.as_str()),
                description,
            });
        }
    }
    out
}

fn operation(method: &str, path: &str, op: &Value) -> Operation {
    let parameters = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| Field {
                    name: text(p, "name"),
                    place: text(p, "in"),
                    kind: p.get("schema").map(kind_of).unwrap_or_default(),
                    required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                    description: text(p, "description"),
                })
                .collect()
        })
        .unwrap_or_default();
    let content_kind = |v: &Value| {
        v.get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
            .map(kind_of)
            .unwrap_or_default()
    };
    // Each entry names the schemes that together suffice; `{}` is "none".
    let schemes: Vec<&serde_json::Map<String, Value>> = op
        .get("security")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let mut links = Vec::new();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.iter()
                .map(|(status, r)| {
                    if let Some(l) = r.get("links").and_then(Value::as_object) {
                        links.extend(l.values().map(|l| text(l, "operationId")));
                    }
                    Answer {
                        status: status.clone(),
                        description: text(r, "description"),
                        body: content_kind(r),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Operation {
        anchor: text(op, "operationId"),
        method: method.to_uppercase(),
        path: path.to_string(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        signed_in: schemes.iter().all(|s| !s.is_empty()) && !schemes.is_empty(),
        device: schemes.iter().any(|s| s.contains_key("device")),
        parameters,
        body: op.get("requestBody").map(content_kind),
        responses,
        links,
    }
}

impl Reference {
    pub fn of(doc: &Value) -> Reference {
        let info = &doc["info"];
        let mut groups: Vec<Group> = doc["tags"]
            .as_array()
            .map(|ts| {
                ts.iter()
                    .map(|t| Group {
                        name: text(t, "name"),
                        description: text(t, "description"),
                        operations: Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                for method in ["get", "post", "put", "delete", "patch"] {
                    let Some(op) = item.get(method) else { continue };
                    let tag = op["tags"][0].as_str().unwrap_or_default();
                    if let Some(g) = groups.iter_mut().find(|g| g.name == tag) {
                        g.operations.push(operation(method, path, op));
                    }
                }
            }
        }
        let schemas = doc["components"]["schemas"]
            .as_object()
            .map(|all| {
                all.iter()
                    .map(|(name, s)| Schema {
                        name: name.clone(),
                        kind: kind_of(s),
                        description: text(s, "description"),
                        fields: fields_of(s),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Reference {
            title: text(info, "title"),
            version: text(info, "version"),
            intro: text(info, "description")
                .split("\n\n")
                .map(str::to_string)
                .collect(),
            groups,
            schemas,
        }
    }
}

#[derive(Template)]
#[template(path = "api/reference.html")]
struct ReferencePage<'a> {
    ctx: PageCtx,
    r: &'a Reference,
}

#[get("/api/docs")]
async fn reference(ctx: PageCtx, doc: web::Data<Document>) -> Result<HttpResponse, AppError> {
    let body = ReferencePage {
        ctx,
        r: &doc.reference,
    }
    .render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(reference);
}
