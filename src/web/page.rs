//! What every page template receives: the visitor's language, the current
//! address (for the language switch) and the asset version.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::assets;
use super::viewer::{Role, UserBadge, Viewer};
use crate::i18n::Lang;
use actix_web::HttpMessage;

#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    /// Path and query of this page without any `lang=` parameter.
    pub here: String,
    pub asset_version: &'static str,
    /// The value every POST form carries as `csrf_token`.
    pub csrf: String,
    pub user: Option<UserBadge>,
}

impl PageCtx {
    pub fn from_request(req: &HttpRequest) -> Self {
        let query: Vec<&str> = req
            .query_string()
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        let here = if query.is_empty() {
            req.path().to_string()
        } else {
            format!("{}?{}", req.path(), query.join("&"))
        };
        let viewer = req
            .extensions()
            .get::<Viewer>()
            .cloned()
            .unwrap_or_default();
        PageCtx {
            lang: Lang::from_request(req),
            here,
            asset_version: assets::version(),
            csrf: viewer.csrf_token,
            user: viewer.user,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn tn(&self, key: &str, n: impl Count) -> String {
        self.lang.tn(key, n.count())
    }

    /// A message with `{n}` left in place of its number, for scripts that
    /// fill it in live.
    pub fn tpl(&self, key: &str) -> String {
        self.lang.t_args(
            key,
            &[(
                "n",
                fluent_templates::fluent_bundle::FluentValue::from("{n}"),
            )],
        )
    }

    pub fn tv(&self, key: &str, v: &str) -> String {
        self.lang.tv(key, v)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The link that switches to the other language and comes back here.
    pub fn switch_href(&self) -> String {
        format!(
            "/lang/{}?next={}",
            self.lang.other().code(),
            super::forms::query_value(&self.here)
        )
    }

    pub fn switch_label(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "English",
            Lang::En => "中文",
        }
    }

    pub fn is_resident(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Resident)
    }

    pub fn is_clerk(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Clerk)
    }

    pub fn is_manager(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| matches!(u.role, Role::DeptAdmin | Role::Admin))
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.is_staff())
    }

    pub fn is_zh(&self) -> bool {
        self.lang == Lang::Zh
    }
}

impl FromRequest for PageCtx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageCtx::from_request(req)))
    }
}

/// Numbers a template may pass to `tn`, by value or by reference.
pub trait Count {
    fn count(&self) -> i64;
}

macro_rules! count_impl {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
        impl Count for &$t {
            fn count(&self) -> i64 {
                i64::try_from(**self).unwrap_or(i64::MAX)
            }
        }
        impl Count for &&$t {
            fn count(&self) -> i64 {
                i64::try_from(***self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
count_impl!(i32, i64, usize, u32);
