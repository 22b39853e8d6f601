//! The 办事指南 fields of an item, as typed, as checked and as written.

use diesel::prelude::*;

use super::items::choice;
use crate::catalog::models::{Scope, ServiceGuide};
use crate::db::DbConn;
use crate::db::ids::ServiceId;
use crate::db::schema::service_items;
use crate::text::{self, FieldErrors};

/// The 办事指南 fields as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GuideForm {
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub visits: String,
    pub online: Option<String>,
    pub by_post: Option<String>,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub fee_basis: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub result_delivery: String,
}

impl GuideForm {
    pub fn of(g: &ServiceGuide) -> GuideForm {
        GuideForm {
            legal_basis: g.legal_basis.clone(),
            conditions: g.conditions.clone(),
            visits: g.visits.to_string(),
            online: g.online.then(String::new),
            by_post: g.by_post.then(String::new),
            scope: g.scope.as_str().to_string(),
            fee_basis: g.fee_basis.clone(),
            result: g.result.clone(),
            result_delivery: g.result_delivery.clone(),
        }
    }

    pub(super) fn validate(&self, e: &mut FieldErrors) -> Option<ServiceGuide> {
        let legal_basis = text::optional(e, "legal_basis", &self.legal_basis, 1000);
        let conditions = text::optional(e, "conditions", &self.conditions, 2000);
        // Left empty: the usual 最多跑一次, handled across the city.
        let visits = text::optional_number(e, "visits", &self.visits, 0, 9).unwrap_or(1);
        let scope = match self.scope.trim() {
            "" => Some(Scope::City),
            s => choice::<Scope>(e, "scope", s),
        };
        let fee_basis = text::optional(e, "fee_basis", &self.fee_basis, 500);
        let result = text::optional(e, "result", &self.result, 200);
        let result_delivery = text::optional(e, "result_delivery", &self.result_delivery, 200);
        Some(ServiceGuide {
            legal_basis,
            conditions,
            visits,
            online: self.online.is_some(),
            by_post: self.by_post.is_some(),
            scope: scope?,
            fee_basis,
            result,
            result_delivery,
        })
    }
}

pub(super) fn write_guide(
    conn: &mut DbConn,
    id: ServiceId,
    g: &ServiceGuide,
) -> QueryResult<usize> {
    diesel::update(service_items::table.find(id))
        .set((
            service_items::legal_basis.eq(&g.legal_basis),
            service_items::conditions.eq(&g.conditions),
            service_items::visits.eq(g.visits),
            service_items::online.eq(g.online),
            service_items::by_post.eq(g.by_post),
            service_items::scope.eq(g.scope.as_str()),
            service_items::fee_basis.eq(&g.fee_basis),
            service_items::result.eq(&g.result),
            service_items::result_delivery.eq(&g.result_delivery),
        ))
        .execute(conn)
}
