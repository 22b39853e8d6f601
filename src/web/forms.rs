//! Helpers shared by the HTML forms: responses for pages with personal data,
//! field errors in the visitor's language, and safe `next` targets.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use crate::error::AppError;
use crate::i18n::Lang;

/// A rendered page that must not be cached (personal data, forms).
pub fn private_page(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page.render()?))
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Problems with a submitted form, ready to show beside each field.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub fields: Vec<(&'static str, String)>,
}

impl FormErrors {
    pub fn from_keys(lang: Lang, keys: &[(&'static str, &'static str)]) -> Self {
        FormErrors {
            fields: keys.iter().map(|(f, k)| (*f, lang.t(k))).collect(),
        }
    }

    pub fn add(&mut self, field: &'static str, message: String) {
        self.fields.push((field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The message for one field (empty when it is fine).
    pub fn get(&self, field: &str) -> String {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|(f, _)| *f == field)
    }
}

/// A form body whose fields may repeat (checkbox lists): `name=a&name=b`
/// reads into a `Vec`. Limited like every form body (64 KiB).
pub struct HtmlForm<T>(pub T);

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for HtmlForm<T> {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let body = actix_web::web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|_| AppError::invalid("invalid_form", "the form could not be read"))?;
            if body.len() > 64 * 1024 {
                return Err(AppError::invalid("invalid_form", "the form is too large"));
            }
            serde_html_form::from_bytes(&body)
                .map(HtmlForm)
                .map_err(|_| AppError::invalid("invalid_form", "the form could not be read"))
        })
    }
}

/// A value for a query string (`?next=…`), percent-encoded.
pub fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
