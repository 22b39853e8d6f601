//! In-memory request limits per client address (per instance). Many
//! residents share one address (carrier NAT, the hall's kiosks), so these
//! limits are generous; per-account lock-out does the close protection.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Sign-ins and registrations: the contract requires at least 120 a minute.
    SignIn,
    /// Kiosk check-ins and walk-in tickets: at least 600 a minute.
    Kiosk,
    /// Booking look-ups by code (/track): guessing codes must stay slow.
    Lookup,
}

impl Bucket {
    fn limit(self) -> u32 {
        match self {
            Bucket::SignIn => 300,
            Bucket::Kiosk => 1200,
            Bucket::Lookup => 30,
        }
    }
}

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<(Bucket, String), (Instant, u32)>>,
}

impl Throttle {
    /// Counts one request; `false` when the address is over its limit.
    pub fn allow(&self, bucket: Bucket, key: &str) -> bool {
        self.allow_at(bucket, key, Instant::now())
    }

    fn allow_at(&self, bucket: Bucket, key: &str, now: Instant) -> bool {
        let Ok(mut map) = self.windows.lock() else {
            return true;
        };
        if map.len() > 50_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = map.entry((bucket, key.to_string())).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= bucket.limit()
    }
}

/// Who is behind a request when known better than by its address: a
/// kiosk or board with its device token (`device:7`). Set by identity.
#[derive(Debug, Clone)]
pub struct CallerKey(pub String);

/// The key a request is rate-limited by: its device, else its address (so
/// the hall's kiosks behind one address do not share a limit, and one
/// misbehaving kiosk does not exhaust the others').
pub fn caller_key(req: &HttpRequest) -> String {
    use actix_web::HttpMessage;
    req.extensions()
        .get::<CallerKey>()
        .map(|c| c.0.clone())
        .unwrap_or_else(|| client_ip(req))
}

/// The client address: the TCP peer, or — only when `ONESTOP_TRUST_PROXY`
/// says a reverse proxy sets them — the address `X-Forwarded-For` /
/// `Forwarded` names.
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = || {
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default()
    };
    if !trusts_proxy(req) {
        return peer();
    }
    let info = req.connection_info();
    match info.realip_remote_addr() {
        Some(addr) => addr
            .parse::<std::net::SocketAddr>()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|_| addr.chars().take(64).collect()),
        None => peer(),
    }
}

/// Whether proxy headers are believed (`ONESTOP_TRUST_PROXY`).
pub fn trusts_proxy(req: &HttpRequest) -> bool {
    req.app_data::<actix_web::web::Data<super::AppState>>()
        .is_some_and(|s| s.settings.trust_proxy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_bucket_and_address_reset_each_minute() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..30 {
            assert!(t.allow_at(Bucket::Lookup, "10.0.0.1", now));
        }
        assert!(!t.allow_at(Bucket::Lookup, "10.0.0.1", now));
        assert!(
            t.allow_at(Bucket::Lookup, "10.0.0.2", now),
            "another address is not affected"
        );
        assert!(
            t.allow_at(Bucket::SignIn, "10.0.0.1", now),
            "another bucket is not affected"
        );
        assert!(t.allow_at(Bucket::Lookup, "10.0.0.1", now + WINDOW));
        for _ in 0..120 {
            assert!(
                t.allow_at(Bucket::SignIn, "10.0.0.3", now),
                "120 sign-ins a minute always pass"
            );
        }
    }
}
