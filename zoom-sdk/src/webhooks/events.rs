//! Typed webhook events. The whole body is always kept in [`WebhookEvent::raw`], so an event
//! the SDK does not model, or a field it does not know, is passed on whole, never dropped.

use crate::models::MeetingType;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Zoom sends meeting ids as numbers in some events and as strings in others
/// (`meeting.ended`); both decode to the same `u64`.
fn lenient_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        N(u64),
        S(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::N(n)) => Ok(Some(n)),
        Some(Raw::S(s)) if s.is_empty() => Ok(None),
        Some(Raw::S(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("not a meeting id: {s:?}"))),
    }
}

/// The meeting (or webinar) a meeting/webinar event is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingEventObject {
    /// Meeting number.
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<u64>,
    /// Instance UUID.
    #[serde(default)]
    pub uuid: Option<String>,
    /// Host's Zoom user id.
    #[serde(default)]
    pub host_id: Option<String>,
    /// Topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Type.
    #[serde(rename = "type", default)]
    pub meeting_type: Option<MeetingType>,
    /// Start time as Zoom sent it.
    #[serde(default)]
    pub start_time: Option<String>,
    /// End time (ended events).
    #[serde(default)]
    pub end_time: Option<String>,
    /// Duration in minutes.
    #[serde(default)]
    pub duration: Option<i64>,
    /// Time zone.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Payload of `meeting.*` and `webinar.*` events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingEventPayload {
    /// Account id.
    #[serde(default)]
    pub account_id: String,
    /// Email of who did it.
    #[serde(default)]
    pub operator: Option<String>,
    /// User id of who did it.
    #[serde(default)]
    pub operator_id: Option<String>,
    /// The meeting (for `*.updated`, the changed fields).
    pub object: MeetingEventObject,
    /// For `*.updated`: the previous values.
    #[serde(default)]
    pub old_object: Option<MeetingEventObject>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One file of a `recording.completed` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingEventFile {
    /// File id.
    #[serde(default)]
    pub id: Option<String>,
    /// `MP4`, `M4A`, `TRANSCRIPT`, `CHAT`, ...
    #[serde(default)]
    pub file_type: Option<String>,
    /// Bytes.
    #[serde(default)]
    pub file_size: Option<u64>,
    /// Download URL (use the event's download token).
    #[serde(default)]
    pub download_url: Option<String>,
    /// `completed`, `processing`.
    #[serde(default)]
    pub status: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The recording a `recording.*` event is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingEventObject {
    /// Meeting number.
    #[serde(default, deserialize_with = "lenient_id")]
    pub id: Option<u64>,
    /// Meeting instance UUID.
    #[serde(default)]
    pub uuid: Option<String>,
    /// Host id.
    #[serde(default)]
    pub host_id: Option<String>,
    /// Host email.
    #[serde(default)]
    pub host_email: Option<String>,
    /// Topic.
    #[serde(default)]
    pub topic: Option<String>,
    /// Start time.
    #[serde(default)]
    pub start_time: Option<String>,
    /// Total bytes.
    #[serde(default)]
    pub total_size: Option<u64>,
    /// Files.
    #[serde(default)]
    pub recording_files: Vec<RecordingEventFile>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Payload of `recording.*` events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingEventPayload {
    /// Account id.
    #[serde(default)]
    pub account_id: String,
    /// The recording.
    pub object: RecordingEventObject,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Payload of `app_deauthorized`: the user removed the app; Zoom requires the app to delete
/// the user's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeauthorizationEvent {
    /// Account id.
    #[serde(default)]
    pub account_id: String,
    /// Zoom user id of the user who removed the app.
    pub user_id: String,
    /// The app's client id.
    #[serde(default)]
    pub client_id: Option<String>,
    /// When.
    #[serde(default)]
    pub deauthorization_time: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The typed part of an event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventPayload {
    /// `meeting.created|updated|deleted|started|ended` and `webinar.*` of the same names.
    Meeting(Box<MeetingEventPayload>),
    /// `recording.completed|deleted|trashed|recovered|started|stopped`.
    Recording(Box<RecordingEventPayload>),
    /// `app_deauthorized`.
    Deauthorization(DeauthorizationEvent),
    /// `endpoint.url_validation`.
    UrlValidation {
        /// The token to answer.
        plain_token: String,
    },
    /// Any other event: see [`WebhookEvent::raw`].
    Other,
}

crate::models::str_enum! {
    /// A webhook event's name. Events this version does not model are `Unknown(name)` and
    /// still reach handlers, with their whole body in [`WebhookEvent::raw`].
    EventName {
        /// `meeting.created`.
        MeetingCreated = "meeting.created",
        /// `meeting.updated`.
        MeetingUpdated = "meeting.updated",
        /// `meeting.deleted`.
        MeetingDeleted = "meeting.deleted",
        /// `meeting.started`.
        MeetingStarted = "meeting.started",
        /// `meeting.ended`.
        MeetingEnded = "meeting.ended",
        /// `webinar.created`.
        WebinarCreated = "webinar.created",
        /// `webinar.updated`.
        WebinarUpdated = "webinar.updated",
        /// `webinar.deleted`.
        WebinarDeleted = "webinar.deleted",
        /// `webinar.started`.
        WebinarStarted = "webinar.started",
        /// `webinar.ended`.
        WebinarEnded = "webinar.ended",
        /// `recording.completed` (carries a `download_token`).
        RecordingCompleted = "recording.completed",
        /// `recording.deleted`.
        RecordingDeleted = "recording.deleted",
        /// `recording.trashed`.
        RecordingTrashed = "recording.trashed",
        /// `recording.recovered`.
        RecordingRecovered = "recording.recovered",
        /// `recording.started`.
        RecordingStarted = "recording.started",
        /// `recording.stopped`.
        RecordingStopped = "recording.stopped",
        /// `app_deauthorized`: the user removed the app.
        AppDeauthorized = "app_deauthorized",
        /// `endpoint.url_validation`: Zoom checks the endpoint.
        UrlValidation = "endpoint.url_validation",
    }
}

impl EventName {
    /// Whether the payload is a meeting or webinar object.
    fn is_meeting_like(&self) -> bool {
        self.is_known()
            && (self.as_str().starts_with("meeting.") || self.as_str().starts_with("webinar."))
    }
    fn is_recording(&self) -> bool {
        self.is_known() && self.as_str().starts_with("recording.")
    }
}

/// One webhook notification.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event name (`meeting.created`).
    pub event: EventName,
    /// When it happened (milliseconds since the epoch).
    pub event_ts: i64,
    /// The typed payload.
    pub payload: EventPayload,
    /// `recording.completed`'s `download_token` (valid 24 hours): a credential, kept secret.
    #[serde(skip)]
    pub download_token: Option<SecretString>,
    /// The whole body as received, except that `download_token` (a credential) reads
    /// `"[REDACTED]"`; the token itself is in [`WebhookEvent::download_token`].
    pub raw: Value,
}

impl WebhookEvent {
    /// Parse a body. Unknown events parse as [`EventPayload::Other`]; a known event whose
    /// payload does not have the expected shape is an error, not silently `Other`.
    pub fn parse(body: &[u8]) -> Result<Self, super::WebhookError> {
        let bad = |m: String| super::WebhookError::BadBody(m);
        let mut raw: Value = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
        let download_token = match raw.get_mut("download_token") {
            Some(v) if v.is_string() => {
                let token = std::mem::replace(v, Value::String("[REDACTED]".into()));
                token.as_str().map(|s| SecretString::from(s.to_string()))
            }
            _ => None,
        };
        let obj = raw
            .as_object()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let event = EventName::parse(
            obj.get("event")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("no \"event\" name".into()))?,
        );
        let event_ts = obj.get("event_ts").and_then(Value::as_i64).unwrap_or(0);
        let payload_v = obj.get("payload").cloned().unwrap_or(Value::Null);
        let typed = |what: &str| -> Result<Value, super::WebhookError> {
            if payload_v.is_object() {
                Ok(payload_v.clone())
            } else {
                Err(bad(format!("{what} event without a payload object")))
            }
        };
        let payload = match &event {
            e if e.is_meeting_like() => EventPayload::Meeting(
                serde_json::from_value(typed("meeting")?).map_err(|e| bad(e.to_string()))?,
            ),
            e if e.is_recording() => EventPayload::Recording(
                serde_json::from_value(typed("recording")?).map_err(|e| bad(e.to_string()))?,
            ),
            EventName::AppDeauthorized => EventPayload::Deauthorization(
                serde_json::from_value(typed("app_deauthorized")?)
                    .map_err(|e| bad(e.to_string()))?,
            ),
            EventName::UrlValidation => {
                let plain_token = payload_v
                    .get("plainToken")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("url_validation without plainToken".into()))?
                    .to_string();
                EventPayload::UrlValidation { plain_token }
            }
            _ => EventPayload::Other,
        };
        Ok(Self {
            event,
            event_ts,
            payload,
            download_token,
            raw,
        })
    }
}
