//! Past meetings: their instances and participants.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One occurrence of a past meeting (`GET /past_meetings/{meetingId}/instances`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PastInstance {
    /// The instance's UUID (use it with `MeetingRef::Uuid`).
    pub uuid: String,
    /// When it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /past_meetings/{meetingId}/instances`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PastInstances {
    /// The instances.
    #[serde(default)]
    pub meetings: Vec<PastInstance>,
}

/// Someone who attended a past meeting (`GET /past_meetings/{meetingId}/participants`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Participant {
    /// Participant id (unique per meeting instance).
    #[serde(default)]
    pub id: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Zoom user id, for signed-in participants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Email, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    /// When they joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_time: Option<String>,
    /// When they left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave_time: Option<String>,
    /// Seconds attended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
