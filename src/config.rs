//! Typed configuration from the environment (a `.env` file is read first).
//! Secrets are wrapped so that they never print.

use std::net::SocketAddr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://onestop.db";
pub const DEFAULT_TZ: &str = "Asia/Shanghai";

/// A value that must not appear in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub database_url: String,
    pub tz: Tz,
    /// `ONESTOP_SECRET_KEY`, decoded; when absent a key is generated and kept
    /// in the database on first start.
    pub secret_key: Option<Secret<Vec<u8>>>,
    pub cookie_secure: bool,
    /// `ONESTOP_NOW`: where the clock starts (demos and tests only).
    pub now: Option<DateTime<Utc>>,
    /// Seed the built-in catalogue into an empty database at start.
    pub seed_if_empty: bool,
    pub pool_size: u32,
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `ONESTOP_SMS_WEBHOOK`: the hall's SMS gateway; unset, messages go to
    /// the log.
    pub sms_webhook: Option<String>,
    /// How often the message worker looks for due messages when nothing
    /// woke it (messages queued by another instance, reminders coming due).
    pub outbox_poll: std::time::Duration,
    /// `ONESTOP_TRUST_PROXY`: believe `X-Forwarded-For` / `-Host` /
    /// `-Proto` (only behind a reverse proxy that sets them).
    pub trust_proxy: bool,
    /// `ONESTOP_CORS_ORIGINS`: the origins (`https://mp.example.gov.cn`)
    /// whose pages may call `/api/v1` from a browser; none by default.
    pub cors_origins: Vec<String>,
    /// How often the hold keeper ends offers that ran out and releases
    /// places whose release delay is over.
    pub hold_poll: std::time::Duration,
    /// Tests only, never read from the environment: the control run of the
    /// race tests turns the waiting list's guard off and waits this long
    /// between reading and writing (see `booking::waitlist::holds::Guard`).
    pub race_control: Option<std::time::Duration>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("ONESTOP_TZ '{0}' is not an IANA time zone name (e.g. Asia/Shanghai)")]
    TimeZone(String),
    #[error("ONESTOP_SECRET_KEY must be at least 64 hexadecimal characters")]
    SecretKey,
    #[error("ONESTOP_NOW '{0}' is not an RFC 3339 instant (e.g. 2026-12-01T09:00:00+08:00)")]
    Now(String),
    #[error("ONESTOP_COOKIE_SECURE must be true or false, not '{0}'")]
    CookieSecure(String),
    #[error("ONESTOP_TRUST_PROXY must be true or false, not '{0}'")]
    TrustProxy(String),
    #[error(
        "ONESTOP_CORS_ORIGINS must list origins such as https://mp.example.gov.cn, separated by commas, not '{0}'"
    )]
    CorsOrigin(String),
}

impl Settings {
    /// Reads the environment; `.env` is loaded by the caller beforehand.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let bind = get("ONESTOP_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string());
        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let tz_name = get("ONESTOP_TZ").unwrap_or_else(|| DEFAULT_TZ.to_string());
        let tz: Tz = tz_name
            .parse()
            .map_err(|_| ConfigError::TimeZone(tz_name.clone()))?;
        let secret_key = get("ONESTOP_SECRET_KEY")
            .map(|hex| decode_secret_key(&hex).map(Secret::new))
            .transpose()?;
        let cookie_secure = match get("ONESTOP_COOKIE_SECURE") {
            Some(v) => parse_bool(&v).ok_or(ConfigError::CookieSecure(v))?,
            None => !is_loopback(&bind),
        };
        let now = get("ONESTOP_NOW")
            .map(|v| {
                DateTime::parse_from_rfc3339(v.trim())
                    .map(|d| d.with_timezone(&Utc))
                    .map_err(|_| ConfigError::Now(v))
            })
            .transpose()?;
        let trust_proxy = match get("ONESTOP_TRUST_PROXY") {
            Some(v) => parse_bool(&v).ok_or(ConfigError::TrustProxy(v))?,
            None => false,
        };
        let cors_origins = get("ONESTOP_CORS_ORIGINS")
            .map(|v| parse_origins(&v))
            .transpose()?
            .unwrap_or_default();
        let pool_size = if database_url.starts_with("postgres") {
            16
        } else {
            8
        };
        Ok(Settings {
            bind,
            database_url,
            tz,
            secret_key,
            cookie_secure,
            now,
            seed_if_empty: true,
            pool_size,
            workers: None,
            sms_webhook: get("ONESTOP_SMS_WEBHOOK"),
            outbox_poll: std::time::Duration::from_secs(2),
            trust_proxy,
            cors_origins,
            hold_poll: std::time::Duration::from_secs(1),
            race_control: None,
        })
    }
}

/// `scheme://host[:port]` each, nothing after: a path or a wildcard would
/// open the API to more than the named front end.
fn parse_origins(v: &str) -> Result<Vec<String>, ConfigError> {
    v.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|o| {
            let rest = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            let host_ok = rest.is_some_and(|r| {
                !r.is_empty()
                    && r.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
            });
            if host_ok {
                Ok(o.to_ascii_lowercase())
            } else {
                Err(ConfigError::CorsOrigin(o.to_string()))
            }
        })
        .collect()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn is_loopback(bind: &str) -> bool {
    match bind.parse::<SocketAddr>() {
        Ok(addr) => addr.ip().is_loopback(),
        Err(_) => bind.starts_with("localhost:"),
    }
}

pub fn decode_secret_key(hex: &str) -> Result<Vec<u8>, ConfigError> {
    let hex = hex.trim();
    // Checked before slicing: the slices below are by byte.
    if hex.len() < 64 || !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(ConfigError::SecretKey);
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| ConfigError::SecretKey))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn cross_origin_callers_are_named_one_by_one() {
        assert!(settings(&[]).unwrap().cors_origins.is_empty());
        let s = settings(&[(
            "ONESTOP_CORS_ORIGINS",
            "https://mp.wuhai.gov.cn, http://10.0.0.5:8443",
        )]);
        assert_eq!(
            s.unwrap().cors_origins,
            ["https://mp.wuhai.gov.cn", "http://10.0.0.5:8443"]
        );
        for bad in ["*", "https://a.cn/path", "mp.wuhai.gov.cn"] {
            assert!(settings(&[("ONESTOP_CORS_ORIGINS", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_follow_the_contract() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://onestop.db");
        assert_eq!(s.tz, chrono_tz::Asia::Shanghai);
        assert!(
            !s.cookie_secure,
            "loopback bind defaults to insecure cookies"
        );
        assert!(s.secret_key.is_none() && s.now.is_none());
    }

    #[test]
    fn a_public_bind_makes_cookies_secure() {
        assert!(
            settings(&[("ONESTOP_BIND", "0.0.0.0:8080")])
                .unwrap()
                .cookie_secure
        );
        let s = settings(&[
            ("ONESTOP_BIND", "0.0.0.0:8080"),
            ("ONESTOP_COOKIE_SECURE", "false"),
        ]);
        assert!(!s.unwrap().cookie_secure);
    }

    #[test]
    fn bad_values_are_refused_with_a_clear_error() {
        assert!(matches!(
            settings(&[("ONESTOP_TZ", "Mars/Base")]),
            Err(ConfigError::TimeZone(_))
        ));
        assert!(matches!(
            settings(&[("ONESTOP_SECRET_KEY", "abcd")]),
            Err(ConfigError::SecretKey)
        ));
        assert!(matches!(
            settings(&[("ONESTOP_SECRET_KEY", &"é".repeat(40))]),
            Err(ConfigError::SecretKey)
        ));
        assert!(matches!(
            settings(&[("ONESTOP_NOW", "tomorrow")]),
            Err(ConfigError::Now(_))
        ));
        let key = "0f".repeat(32);
        let s = settings(&[("ONESTOP_SECRET_KEY", &key)]).unwrap();
        assert_eq!(s.secret_key.unwrap().expose().len(), 32);
        assert!(
            !format!("{:?}", settings(&[("ONESTOP_SECRET_KEY", &key)]).unwrap()).contains(&key)
        );
    }
}
