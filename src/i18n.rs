//! One translation layer for all UI text: Fluent messages compiled into the
//! binary (`locales/`), Simplified Chinese first with English available.

use std::borrow::Cow;
use std::collections::HashMap;

use actix_web::HttpRequest;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        // Bidi isolation marks would show up as stray characters in Chinese text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

/// The cookie that keeps a visitor's language choice.
pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// `?lang=` wins, then the cookie; Chinese otherwise.
    pub fn from_request(req: &HttpRequest) -> Lang {
        let from_query = req
            .query_string()
            .split('&')
            .find_map(|pair| pair.strip_prefix("lang=").and_then(Lang::parse));
        from_query
            .or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
            .unwrap_or_default()
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    pub fn t_args(self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// A message with a number `$n` (plural rules apply).
    pub fn tn(self, key: &str, n: i64) -> String {
        self.t_args(key, &[("n", FluentValue::from(n))])
    }

    /// A message with several numbers.
    pub fn t_nums(self, key: &str, nums: &[(&'static str, i64)]) -> String {
        let args: Vec<(&'static str, FluentValue<'static>)> = nums
            .iter()
            .map(|(k, n)| (*k, FluentValue::from(*n)))
            .collect();
        self.t_args(key, &args)
    }

    /// A message with one text argument `$v`.
    pub fn tv(self, key: &str, v: &str) -> String {
        self.t_args(key, &[("v", FluentValue::from(v.to_string()))])
    }

    /// Whether the message exists (the arguments `$n` and `$v` that
    /// messages take are supplied, so that such messages count too).
    pub fn has(self, key: &str) -> bool {
        let args: HashMap<Cow<'static, str>, FluentValue> = [
            (Cow::Borrowed("n"), FluentValue::from(1)),
            (Cow::Borrowed("v"), FluentValue::from("")),
        ]
        .into_iter()
        .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_ids(path: &str) -> std::collections::BTreeSet<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with(['#', ' ', '\t', '.']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next().map(|k| k.trim().to_string()))
            .collect()
    }

    #[test]
    fn both_languages_define_the_same_messages() {
        let zh = message_ids("locales/zh-CN/main.ftl");
        let en = message_ids("locales/en/main.ftl");
        let missing_en: Vec<_> = zh.difference(&en).collect();
        let missing_zh: Vec<_> = en.difference(&zh).collect();
        assert!(missing_en.is_empty(), "missing in English: {missing_en:?}");
        assert!(missing_zh.is_empty(), "missing in Chinese: {missing_zh:?}");
        assert!(zh.len() > 50);
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let zh = message_ids("locales/zh-CN/main.ftl");
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for path in walk(std::path::Path::new(dir)) {
                let text = std::fs::read_to_string(&path).unwrap();
                for key in used_keys(&text) {
                    if !zh.contains(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "undefined messages: {missing:#?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    /// Finds `t("key")`, `tn("key"`, `tv("key"` calls.
    fn used_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in [".t(\"", ".tn(\"", ".tv(\"", ".t_args(\""] {
            let mut rest = text;
            while let Some(pos) = rest.find(marker) {
                rest = &rest[pos + marker.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        keys.push(key.to_string());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn chinese_is_the_default_and_english_is_available() {
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::Zh.t("site-name"), "政务服务一网通办");
        assert_ne!(Lang::En.t("site-name"), Lang::Zh.t("site-name"));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
