//! Where messages go: the hall's SMS gateway (`ONESTOP_SMS_WEBHOOK`, a JSON
//! POST per message), or — when none is configured — the log, with the
//! phone number masked.

use std::time::Duration;

use serde::Serialize;

use super::outbox::Claimed;
use crate::pii::mask_phone;

/// How long one gateway request may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub enum Gateway {
    /// No gateway configured: the message is logged (phone masked) and
    /// counts as sent.
    Log,
    Webhook {
        client: reqwest::Client,
        url: reqwest::Url,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("ONESTOP_SMS_WEBHOOK must be an http:// address (got scheme '{0}')")]
    Scheme(String),
    #[error("ONESTOP_SMS_WEBHOOK is not a valid address")]
    Address,
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

/// What the gateway receives (the contract's body).
#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    to: &'a str,
    text: &'a str,
    kind: &'a str,
}

impl Gateway {
    /// The gateway of the configuration. TLS is not built in: a gateway on
    /// the hall's intranet is reached over plain HTTP (or through a local
    /// proxy that adds TLS).
    pub fn from_config(webhook: Option<&str>) -> Result<Gateway, GatewayError> {
        let Some(raw) = webhook.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(Gateway::Log);
        };
        let url = reqwest::Url::parse(raw).map_err(|_| GatewayError::Address)?;
        if url.scheme() != "http" {
            return Err(GatewayError::Scheme(url.scheme().to_string()));
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| GatewayError::Client(e.to_string()))?;
        Ok(Gateway::Webhook { client, url })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Gateway::Log => "log",
            Gateway::Webhook { .. } => "webhook",
        }
    }

    /// One delivery attempt: `Ok` when the gateway accepted the message
    /// (a 2xx answer). The error says what happened without any personal
    /// data (it is stored and shown to staff).
    pub async fn send(&self, m: &Claimed) -> Result<(), String> {
        match self {
            Gateway::Log => {
                tracing::info!(
                    id = %m.message_id,
                    to = %mask_phone(&m.to),
                    kind = m.kind.as_str(),
                    text = %m.text,
                    "SMS (no gateway configured: written to the log)"
                );
                Ok(())
            }
            Gateway::Webhook { client, url } => {
                let payload = Payload {
                    id: &m.message_id,
                    to: &m.to,
                    text: &m.text,
                    kind: m.kind.as_str(),
                };
                let body = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
                let answer = client
                    .post(url.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .send()
                    .await;
                match answer {
                    Ok(r) if r.status().is_success() => Ok(()),
                    Ok(r) => Err(format!("HTTP {}", r.status().as_u16())),
                    Err(e) if e.is_timeout() => Err("timeout".into()),
                    Err(e) if e.is_connect() => Err("connection refused or unreachable".into()),
                    Err(_) => Err("request failed".into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_gateways_are_accepted() {
        assert!(matches!(Gateway::from_config(None), Ok(Gateway::Log)));
        assert!(matches!(Gateway::from_config(Some(" ")), Ok(Gateway::Log)));
        assert!(matches!(
            Gateway::from_config(Some("http://10.0.0.5:8000/sms")),
            Ok(Gateway::Webhook { .. })
        ));
        assert!(matches!(
            Gateway::from_config(Some("https://sms.example/send")),
            Err(GatewayError::Scheme(_))
        ));
        assert!(matches!(
            Gateway::from_config(Some("not a url")),
            Err(GatewayError::Address)
        ));
    }
}
