//! `x-zm-signature` = `v0=` + hex(HMAC-SHA256(secret token, `v0:{x-zm-request-timestamp}:{raw body}`)).

use super::WebhookError;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use std::fmt;
use std::time::Duration;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-zm-signature";
/// The timestamp header (seconds since the epoch).
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";

/// What a webhook request carries, as received: header values and the raw body bytes. The
/// body must be the bytes on the wire, never re-serialised JSON.
#[derive(Clone, Copy, Debug)]
pub struct WebhookRequest<'a> {
    /// `x-zm-request-timestamp`.
    pub timestamp: Option<&'a str>,
    /// `x-zm-signature`.
    pub signature: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
}

/// Checks signatures with the app's secret token.
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: SecretString,
    tolerance: Duration,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"[REDACTED]")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl WebhookVerifier {
    /// A verifier with the default 5-minute replay window.
    pub fn new(secret_token: impl Into<String>) -> Self {
        Self::from_secret(SecretString::from(secret_token.into()))
    }

    /// From a secret already held as a [`SecretString`].
    pub fn from_secret(secret: SecretString) -> Self {
        Self {
            secret,
            tolerance: Duration::from_secs(300),
        }
    }

    /// Change the replay window.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length; this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(self.secret.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
    }

    fn signed(&self, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.mac();
        mac.update(b"v0:");
        mac.update(timestamp.as_bytes());
        mac.update(b":");
        mac.update(body);
        mac
    }

    /// The `x-zm-signature` value for a timestamp and body (for tests and for forwarding).
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        format!(
            "v0={}",
            hex::encode(self.signed(timestamp, body).finalize().into_bytes())
        )
    }

    /// Hex HMAC-SHA256 of a URL validation `plainToken`: the `encryptedToken`.
    pub(crate) fn encrypt_plain_token(&self, plain_token: &str) -> String {
        let mut mac = self.mac();
        mac.update(plain_token.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Verify at the current time.
    pub fn verify(&self, req: &WebhookRequest<'_>) -> Result<(), WebhookError> {
        self.verify_at(req, chrono::Utc::now().timestamp())
    }

    /// Verify as if the time were `now` (seconds since the epoch). The comparison of the
    /// signature is constant time.
    pub fn verify_at(&self, req: &WebhookRequest<'_>, now: i64) -> Result<(), WebhookError> {
        let ts = req
            .timestamp
            .ok_or(WebhookError::MissingHeader(TIMESTAMP_HEADER))?;
        let sig = req
            .signature
            .ok_or(WebhookError::MissingHeader(SIGNATURE_HEADER))?;
        if ts.is_empty() || ts.len() > 12 || !ts.bytes().all(|b| b.is_ascii_digit()) {
            return Err(WebhookError::BadHeader {
                header: TIMESTAMP_HEADER,
                reason: "not a whole number of seconds".into(),
            });
        }
        let ts_secs: i64 = ts.parse().map_err(|_| WebhookError::BadHeader {
            header: TIMESTAMP_HEADER,
            reason: "out of range".into(),
        })?;
        let hex_sig = sig
            .strip_prefix("v0=")
            .ok_or_else(|| WebhookError::BadHeader {
                header: SIGNATURE_HEADER,
                reason: "does not start with v0=".into(),
            })?;
        if hex_sig.len() != 64 {
            return Err(WebhookError::BadSignature);
        }
        let bytes = hex::decode(hex_sig).map_err(|_| WebhookError::BadSignature)?;
        // The signature is checked before the clock, so a forged request learns nothing about
        // the window; both must pass.
        self.signed(ts, req.body)
            .verify_slice(&bytes)
            .map_err(|_| WebhookError::BadSignature)?;
        let skew = now.saturating_sub(ts_secs);
        let tolerance = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
        if skew.unsigned_abs() > tolerance.unsigned_abs() {
            return Err(WebhookError::StaleTimestamp {
                skew_secs: skew,
                tolerance_secs: tolerance,
            });
        }
        Ok(())
    }
}
