//! The one error type of the SDK.
//!
//! Every failure is an [`Error`] variant with the facts as fields (HTTP status, Zoom's numeric
//! code, message, tracking id, retry-after), never only as text. [`Error::kind`] gives a stable
//! [`ErrorKind`] with a numeric value for the C ABI and a name for Python's exception classes.
//! No variant ever holds a secret: messages are built from what Zoom said and what the SDK knows,
//! never from tokens or the client secret.

use serde::{Serialize, Serializer};
use std::time::Duration;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One field-level problem Zoom reported in a validation error (`errors: [{field, message}]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct FieldError {
    /// The request field Zoom complains about.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An error answer of the Zoom REST API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the answer.
    pub status: u16,
    /// Zoom's numeric error code from the body (`124` invalid token, `300` validation, `1001`
    /// user not found, `3001` meeting not found, ...), when the body had one.
    pub code: Option<i64>,
    /// Zoom's message, or the HTTP reason when the body had none.
    pub message: String,
    /// The `x-zm-trackingid` header, which Zoom support asks for.
    pub tracking_id: Option<String>,
    /// Field-level problems, for validation errors.
    pub errors: Vec<FieldError>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", Zoom code {code}")?;
        }
        write!(f, ": {}", self.message)?;
        for e in &self.errors {
            write!(f, "; {}: {}", e.field, e.message)?;
        }
        if let Some(t) = &self.tracking_id {
            write!(f, " (tracking id {t})")?;
        }
        Ok(())
    }
}

/// Which rate limit Zoom applied (`X-RateLimit-Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RateLimitType {
    /// Per-second limit (`QPS`): short waits.
    PerSecond,
    /// Daily limit (`Daily-limit`): resets at the time Zoom states, usually UTC midnight.
    Daily,
    /// Zoom did not say.
    Unknown,
}

/// Why a callback's `state` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StateProblem {
    /// No authorization request was issued with this state.
    #[error("no authorization request has this state")]
    Unknown,
    /// The state was already used by a callback (a replay, or a double submit).
    #[error("this authorization request was already completed")]
    Reused,
    /// The authorization request is older than its lifetime.
    #[error("this authorization request has expired: start again")]
    Expired,
}

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is incomplete or invalid; the message says what to fix.
    #[error("configuration error in {field}: {message}")]
    Config {
        /// The setting at fault (e.g. `ZOOM_CLIENT_ID`).
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A caller-supplied argument is invalid; nothing was sent to Zoom.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The argument at fault.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Zoom's OAuth endpoint refused a grant (bad client credentials, bad code, bad verifier).
    #[error("OAuth error {error} (HTTP {status}){}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// HTTP status of the answer.
        status: u16,
        /// The OAuth `error` code (`invalid_client`, `invalid_request`, `invalid_grant`, ...).
        error: String,
        /// Zoom's `reason` or the OAuth `error_description`.
        description: Option<String>,
    },
    /// The OAuth `state` in the callback is not the one issued: a possible CSRF attempt.
    #[error("OAuth state mismatch: the callback does not belong to this authorization request")]
    StateMismatch,
    /// A callback's `state` names no live authorization request kept server-side: unknown (never
    /// issued, or a forgery), already used, or expired. The user should start connecting again.
    #[error("OAuth state refused: {problem}")]
    AuthorizationState {
        /// What is wrong with it.
        problem: StateProblem,
    },
    /// The user must connect Zoom again: no token is stored, Zoom refused the refresh token
    /// (`invalid_grant`), or the user revoked the app.
    #[error("re-authorization required for {key}: {reason}")]
    ReauthorizationRequired {
        /// Whose tokens (the store key).
        key: String,
        /// Why.
        reason: String,
        /// Where to send the user to connect again, when the caller can make one (the skills
        /// do, through the integration).
        connect_url: Option<String>,
    },
    /// The application's user has never connected Zoom (or disconnected).
    #[error("{user_id} has not connected Zoom")]
    NotConnected {
        /// The application's user.
        user_id: String,
        /// Where to send the user to connect, when the caller can make one.
        connect_url: Option<String>,
    },
    /// Zoom refused the access token (HTTP 401) even after one refresh.
    #[error("authentication failed: {0}")]
    Auth(Box<ApiError>),
    /// Zoom says the caller may not do this (HTTP 403, or HTTP 400 with code 200 "No permission").
    #[error("permission denied: {0}")]
    PermissionDenied(Box<ApiError>),
    /// Rate limited (HTTP 429) and the wait was longer than the SDK may wait on its own.
    #[error("rate limited ({limit_type:?}, category {}){}: {api}", category.map_or("unknown", |c| c.as_str()), retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// How long to wait before trying again, when Zoom said.
        retry_after: Option<Duration>,
        /// `X-RateLimit-Category` (Light, Medium, Heavy, Resource-intensive).
        category: Option<crate::http::RateCategory>,
        /// `X-RateLimit-Type`.
        limit_type: RateLimitType,
        /// The error answer itself.
        api: Box<ApiError>,
    },
    /// The resource does not exist (HTTP 404).
    #[error("not found: {0}")]
    NotFound(Box<ApiError>),
    /// Zoom rejected the request's content (HTTP 400 with code 300 and the field errors, or
    /// another 4xx naming what is wrong).
    #[error("validation failed: {0}")]
    Validation(Box<ApiError>),
    /// Any other error answer (5xx after retries, unexpected 4xx).
    #[error("Zoom API error: {0}")]
    Api(Box<ApiError>),
    /// The network failed (DNS, connect, TLS, reset).
    #[error("transport error ({kind:?}){}: {message}", if *maybe_sent { " (the request may have reached Zoom)" } else { "" })]
    Transport {
        /// What failed, classified by type (never by message text).
        kind: crate::http::TransportKind,
        /// What failed, without any credential.
        message: String,
        /// Whether Zoom may have received and acted on the request. A non-idempotent request
        /// with this set is never retried by the SDK: check before sending it again.
        maybe_sent: bool,
    },
    /// A connect or request timeout elapsed.
    #[error("timed out after {after:?}{}", if *maybe_sent { " (the request may have reached Zoom)" } else { "" })]
    Timeout {
        /// The timeout that elapsed.
        after: Duration,
        /// Whether Zoom may have received and acted on the request.
        maybe_sent: bool,
    },
    /// An answer could not be decoded (malformed JSON, missing fields).
    #[error("could not decode Zoom's answer (HTTP {status}): {message}")]
    Decode {
        /// HTTP status of the answer.
        status: u16,
        /// The decoder's message.
        message: String,
    },
    /// The token store failed.
    #[error("token store error: {message}")]
    Storage {
        /// What failed.
        message: String,
    },
    /// A webhook request was refused.
    #[error("webhook refused: {0}")]
    Webhook(#[from] crate::webhooks::WebhookError),
}

/// The stable classification of an [`Error`]: the C ABI's result codes and the names of the
/// Python exception classes. Numbers never change once published; new kinds get new numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u32)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::Config`].
    Config = 10,
    /// [`Error::InvalidInput`].
    InvalidInput = 11,
    /// [`Error::OAuth`].
    #[serde(rename = "oauth")]
    OAuth = 20,
    /// [`Error::StateMismatch`].
    StateMismatch = 21,
    /// [`Error::ReauthorizationRequired`].
    ReauthorizationRequired = 22,
    /// [`Error::NotConnected`].
    NotConnected = 25,
    /// [`Error::Auth`].
    Auth = 23,
    /// [`Error::PermissionDenied`].
    PermissionDenied = 24,
    /// [`Error::RateLimited`].
    RateLimited = 30,
    /// [`Error::NotFound`].
    NotFound = 31,
    /// [`Error::Validation`].
    Validation = 32,
    /// [`Error::Api`].
    Api = 33,
    /// [`Error::Transport`].
    Transport = 40,
    /// [`Error::Timeout`].
    Timeout = 41,
    /// [`Error::Decode`].
    Decode = 42,
    /// [`Error::Storage`].
    Storage = 50,
    /// [`Error::Webhook`].
    Webhook = 60,
}

impl ErrorKind {
    /// Every kind, in code order: what the C header's result enum and Python's exception
    /// classes are generated from, so a kind added here reaches both without a hand-kept list.
    pub const ALL: &'static [ErrorKind] = &[
        Self::Config,
        Self::InvalidInput,
        Self::OAuth,
        Self::StateMismatch,
        Self::ReauthorizationRequired,
        Self::NotConnected,
        Self::Auth,
        Self::PermissionDenied,
        Self::RateLimited,
        Self::NotFound,
        Self::Validation,
        Self::Api,
        Self::Transport,
        Self::Timeout,
        Self::Decode,
        Self::Storage,
        Self::Webhook,
    ];

    /// The stable numeric code (the C ABI's result code).
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The kind with this numeric code.
    pub fn from_code(code: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// The snake_case name used in JSON and for Python exception classes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::InvalidInput => "invalid_input",
            Self::OAuth => "oauth",
            Self::StateMismatch => "state_mismatch",
            Self::ReauthorizationRequired => "reauthorization_required",
            Self::NotConnected => "not_connected",
            Self::Auth => "auth",
            Self::PermissionDenied => "permission_denied",
            Self::RateLimited => "rate_limited",
            Self::NotFound => "not_found",
            Self::Validation => "validation",
            Self::Api => "api",
            Self::Transport => "transport",
            Self::Timeout => "timeout",
            Self::Decode => "decode",
            Self::Storage => "storage",
            Self::Webhook => "webhook",
        }
    }
}

impl Error {
    pub(crate) fn config(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Config {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A storage error (for [`crate::TokenStore`] implementations).
    pub fn storage(message: impl Into<String>) -> Self {
        Self::Storage {
            message: message.into(),
        }
    }

    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Config { .. } => ErrorKind::Config,
            Self::InvalidInput { .. } => ErrorKind::InvalidInput,
            Self::OAuth { .. } => ErrorKind::OAuth,
            Self::StateMismatch | Self::AuthorizationState { .. } => ErrorKind::StateMismatch,
            Self::ReauthorizationRequired { .. } => ErrorKind::ReauthorizationRequired,
            Self::NotConnected { .. } => ErrorKind::NotConnected,
            Self::Auth(_) => ErrorKind::Auth,
            Self::PermissionDenied(_) => ErrorKind::PermissionDenied,
            Self::RateLimited { .. } => ErrorKind::RateLimited,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Validation(_) => ErrorKind::Validation,
            Self::Api(_) => ErrorKind::Api,
            Self::Transport { .. } => ErrorKind::Transport,
            Self::Timeout { .. } => ErrorKind::Timeout,
            Self::Decode { .. } => ErrorKind::Decode,
            Self::Storage { .. } => ErrorKind::Storage,
            Self::Webhook(_) => ErrorKind::Webhook,
        }
    }

    /// The API error answer behind this error, when there is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Auth(a)
            | Self::PermissionDenied(a)
            | Self::NotFound(a)
            | Self::Validation(a)
            | Self::Api(a) => Some(a.as_ref()),
            Self::RateLimited { api, .. } => Some(api.as_ref()),
            _ => None,
        }
    }

    /// HTTP status of Zoom's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::OAuth { status, .. } | Self::Decode { status, .. } => Some(*status),
            Self::Webhook(w) => Some(w.http_status()),
            _ => self.api_error().map(|a| a.status),
        }
    }

    /// Whether trying the same call again later can succeed without changing anything.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout { .. } | Self::Transport { .. } => true,
            Self::Api(a) => a.status >= 500,
            _ => false,
        }
    }

    /// Whether the error is about credentials (the user may need to connect Zoom again).
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            Self::Auth(_)
                | Self::OAuth { .. }
                | Self::ReauthorizationRequired { .. }
                | Self::NotConnected { .. }
                | Self::StateMismatch
                | Self::AuthorizationState { .. }
        )
    }

    /// Whether the error is a rate limit.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::RateLimited { .. })
    }

    /// How long Zoom asked to wait, for rate limits.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl Serialize for Error {
    /// `{"kind": .., "message": .., "status": .., "code": .., "tracking_id": ..,
    /// "retry_after_secs": .., "errors": [..]}`: what bindings hand to C and Python.
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.kind().name())?;
        map.serialize_entry("message", &self.to_string())?;
        if let Some(status) = self.status() {
            map.serialize_entry("status", &status)?;
        }
        if let Some(api) = self.api_error() {
            map.serialize_entry("code", &api.code)?;
            map.serialize_entry("tracking_id", &api.tracking_id)?;
            if !api.errors.is_empty() {
                map.serialize_entry("errors", &api.errors)?;
            }
        }
        if let Some(d) = self.retry_after() {
            map.serialize_entry("retry_after_secs", &d.as_secs_f64())?;
        }
        if let Self::RateLimited {
            category,
            limit_type,
            ..
        } = self
        {
            map.serialize_entry("rate_limit_category", category)?;
            map.serialize_entry("rate_limit_type", limit_type)?;
        }
        match self {
            Self::Transport {
                maybe_sent, kind, ..
            } => {
                map.serialize_entry("maybe_sent", maybe_sent)?;
                map.serialize_entry("transport", kind)?;
            }
            Self::Timeout { maybe_sent, .. } => {
                map.serialize_entry("maybe_sent", maybe_sent)?;
                map.serialize_entry("transport", &crate::http::TransportKind::Timeout)?;
            }
            Self::OAuth { error, .. } => map.serialize_entry("oauth_error", error)?,
            Self::AuthorizationState { problem } => {
                map.serialize_entry("state_problem", problem)?
            }
            Self::ReauthorizationRequired { connect_url, .. }
            | Self::NotConnected { connect_url, .. } => {
                map.serialize_entry("connect_url", connect_url)?
            }
            Self::Config { field, .. } | Self::InvalidInput { field, .. } => {
                map.serialize_entry("field", field)?
            }
            _ => {}
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: i64) -> ApiError {
        ApiError {
            status,
            code: Some(code),
            message: "Meeting does not exist: 1.".into(),
            tracking_id: Some("v=2.0;rid=1".into()),
            errors: vec![],
        }
    }

    #[test]
    fn every_kind_is_listed_once_in_all_with_a_unique_code_and_name() {
        // A new kind breaks this exhaustive match, which sends its author to `ALL`.
        fn listed(k: ErrorKind) -> bool {
            match k {
                ErrorKind::Config
                | ErrorKind::InvalidInput
                | ErrorKind::OAuth
                | ErrorKind::StateMismatch
                | ErrorKind::ReauthorizationRequired
                | ErrorKind::NotConnected
                | ErrorKind::Auth
                | ErrorKind::PermissionDenied
                | ErrorKind::RateLimited
                | ErrorKind::NotFound
                | ErrorKind::Validation
                | ErrorKind::Api
                | ErrorKind::Transport
                | ErrorKind::Timeout
                | ErrorKind::Decode
                | ErrorKind::Storage
                | ErrorKind::Webhook => ErrorKind::ALL.contains(&k),
            }
        }
        assert_eq!(ErrorKind::ALL.len(), 17);
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            assert!(listed(*k));
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
            for other in &ErrorKind::ALL[i + 1..] {
                assert_ne!(k.code(), other.code());
                assert_ne!(k.name(), other.name());
            }
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
        }
        assert_eq!(ErrorKind::from_code(9999), None);
    }

    #[test]
    fn error_serialises_with_kind_status_code_and_tracking_id() {
        let e = Error::NotFound(Box::new(api(404, 3001)));
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "not_found");
        assert_eq!(v["status"], 404);
        assert_eq!(v["code"], 3001);
        assert_eq!(v["tracking_id"], "v=2.0;rid=1");
        assert_eq!(e.kind() as u32, 31);
    }

    #[test]
    fn rate_limited_reports_retry_after_and_is_retryable() {
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
            category: Some(crate::http::RateCategory::Light),
            limit_type: RateLimitType::PerSecond,
            api: Box::new(api(429, 429)),
        };
        assert!(e.is_retryable() && e.is_rate_limited());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["retry_after_secs"], 2.0);
        assert!(e.to_string().contains("retry after 2s"));
    }
}
