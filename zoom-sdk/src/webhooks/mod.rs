//! Zoom webhooks: signature verification over the raw body, replay protection, the
//! `endpoint.url_validation` challenge, typed events, and a dispatcher.
//!
//! ```
//! use zoom_sdk::webhooks::{WebhookRequest, WebhookVerifier};
//! let verifier = WebhookVerifier::new("my-secret-token");
//! let body = br#"{"event":"meeting.started","event_ts":1,"payload":{"account_id":"a","object":{"id":"1"}}}"#;
//! let ts = chrono::Utc::now().timestamp().to_string();
//! let signature = verifier.sign(&ts, body);
//! let req = WebhookRequest { timestamp: Some(&ts), signature: Some(&signature), body };
//! assert!(verifier.verify(&req).is_ok());
//! ```

mod dispatch;
mod events;
mod receiver;
mod signature;

pub use dispatch::{WebhookDispatcher, WebhookHandler};
pub use events::{
    DeauthorizationEvent, EventName, EventPayload, MeetingEventObject, MeetingEventPayload,
    RecordingEventFile, RecordingEventObject, RecordingEventPayload, WebhookEvent,
};
pub use receiver::{WebhookReceiver, WebhookReply};
pub use signature::{WebhookRequest, WebhookVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// Why a webhook request was refused. Each maps to the HTTP status to answer with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// A header is present but malformed.
    #[error("malformed header {header}: {reason}")]
    BadHeader {
        /// The header.
        header: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The signature does not match the body, timestamp and secret token.
    #[error("signature mismatch")]
    BadSignature,
    /// The timestamp is outside the accepted window: a possible replay.
    #[error(
        "timestamp outside the accepted window ({skew_secs} s off, {tolerance_secs} s allowed)"
    )]
    StaleTimestamp {
        /// How far the timestamp is from now.
        skew_secs: i64,
        /// The window.
        tolerance_secs: i64,
    },
    /// The body is not a Zoom event.
    #[error("malformed body: {0}")]
    BadBody(String),
    /// The URL validation `plainToken` is refused (empty, too long, or containing `:` so that its
    /// HMAC could double as an event signature).
    #[error("refused plainToken: {0}")]
    BadPlainToken(String),
    /// The event was verified but could not be honoured (the token store failed while wiping a
    /// deauthorized user's grants): answer 503 so that Zoom sends it again.
    #[error("event not honoured: {0}")]
    HandlerFailed(String),
}

impl WebhookError {
    /// The HTTP status a receiver should answer with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::BadSignature | Self::StaleTimestamp { .. } | Self::MissingHeader(_) => 401,
            Self::BadHeader { .. } | Self::BadBody(_) | Self::BadPlainToken(_) => 400,
            Self::HandlerFailed(_) => 503,
        }
    }
}
