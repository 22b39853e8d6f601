//! The document's links: which answer feeds which next request, so that a
//! client (and the stateful tester) can follow a resident's way through the
//! API — register → login, find an item → its guide → its slots → book →
//! show → cancel, take a ticket → follow it, call → act on the call.

use serde_json::json;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::{OpenApi as Spec, RefOr};

/// From (operation, status) by `name` to an operation, with its parameters
/// as runtime expressions.
struct Step {
    from: &'static str,
    status: &'static str,
    name: &'static str,
    to: &'static str,
    parameters: &'static [(&'static str, &'static str)],
    body: Option<fn() -> serde_json::Value>,
}

const fn step(
    from: &'static str,
    status: &'static str,
    name: &'static str,
    to: &'static str,
    parameters: &'static [(&'static str, &'static str)],
) -> Step {
    Step {
        from,
        status,
        name,
        to,
        parameters,
        body: None,
    }
}

const FIRST_ID: &[(&str, &str)] = &[("id", "$response.body#/0/id")];
const ID: &[(&str, &str)] = &[("id", "$response.body#/id")];
const CODE: &[(&str, &str)] = &[("code", "$response.body#/code")];

const STEPS: &[Step] = &[
    Step {
        body: Some(
            || json!({"phone": "$request.body#/phone", "password": "$request.body#/password"}),
        ),
        ..step("register", "201", "SignIn", "login", &[])
    },
    step(
        "list_halls",
        "200",
        "Departments",
        "list_departments",
        &[("hall_id", "$response.body#/0/id")],
    ),
    step("list_services", "200", "Guide", "get_service", FIRST_ID),
    step("get_service", "200", "Slots", "list_slots", ID),
    step("create_booking", "201", "Show", "show_booking", CODE),
    step("create_booking", "201", "Cancel", "cancel_booking", CODE),
    step(
        "list_bookings",
        "200",
        "Show",
        "show_booking",
        &[("code", "$response.body#/0/code")],
    ),
    step("walk_in", "201", "Follow", "show_ticket", ID),
    step("checkin", "201", "Follow", "show_ticket", ID),
    step("list_windows", "200", "CallNext", "call_next", FIRST_ID),
    step("call_next", "200", "Act", "ticket_action", ID),
    step("ticket_action", "200", "Follow", "show_ticket", ID),
];

/// Adds every step's link to the response it starts from; a step naming an
/// operation or status the document lacks is an error (the document and
/// this table moved apart).
pub fn add(spec: &mut Spec) -> Result<(), String> {
    let known: Vec<String> = spec
        .paths
        .paths
        .values()
        .flat_map(operations)
        .filter_map(|o| o.operation_id.clone())
        .collect();
    for s in STEPS {
        if !known.iter().any(|k| k == s.to) {
            return Err(format!("link {} names no operation {}", s.name, s.to));
        }
        let response = spec
            .paths
            .paths
            .values_mut()
            .flat_map(operations_mut)
            .find(|o| o.operation_id.as_deref() == Some(s.from))
            .and_then(|o| o.responses.responses.get_mut(s.status))
            .ok_or_else(|| format!("no {} answer of {} to link from", s.status, s.from))?;
        let RefOr::T(response) = response else {
            return Err(format!(
                "the {} answer of {} is a reference",
                s.status, s.from
            ));
        };
        let mut link = LinkBuilder::new().operation_id(s.to);
        for (name, expr) in s.parameters {
            link = link.parameter(*name, *expr);
        }
        if let Some(body) = s.body {
            link = link.request_body(Some(body()));
        }
        response
            .links
            .insert(s.name.to_string(), RefOr::T(link.build()));
    }
    Ok(())
}

fn operations(item: &utoipa::openapi::PathItem) -> Vec<&utoipa::openapi::path::Operation> {
    [&item.get, &item.post, &item.put, &item.delete, &item.patch]
        .into_iter()
        .flatten()
        .collect()
}

fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> Vec<&mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
    .collect()
}
