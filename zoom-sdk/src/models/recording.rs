//! Cloud recordings.

use super::meeting::{zoom_time, MeetingType};
use super::str_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

str_enum! {
    /// A recording file's `file_type`.
    RecordingFileType {
        /// Video.
        Mp4 = "MP4",
        /// Audio only.
        M4a = "M4A",
        /// Timestamps of the active speakers.
        Timeline = "TIMELINE",
        /// Audio transcript.
        Transcript = "TRANSCRIPT",
        /// In-meeting chat.
        Chat = "CHAT",
        /// Closed captions.
        Cc = "CC",
        /// Polls.
        Csv = "CSV",
        /// Meeting summary.
        Summary = "SUMMARY",
    }
}

str_enum! {
    /// A recording file's `status`.
    RecordingStatus {
        /// Ready.
        Completed = "completed",
        /// Still being processed.
        Processing = "processing",
    }
}

/// One file of a recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingFile {
    /// File id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The meeting instance UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<String>,
    /// Start of this file.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub recording_start: Option<DateTime<Utc>>,
    /// End of this file.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub recording_end: Option<DateTime<Utc>>,
    /// File type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_type: Option<RecordingFileType>,
    /// File extension (`MP4`, `M4A`, `VTT`, `TXT`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_extension: Option<String>,
    /// Bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size: Option<u64>,
    /// Browser playback URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_url: Option<String>,
    /// Download URL (send the access token as a bearer token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    /// Processing status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RecordingStatus>,
    /// `shared_screen_with_speaker_view`, `audio_only`, `audio_transcript`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_type: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn type_as_string<S: serde::Serializer>(t: &Option<MeetingType>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.code().to_string()),
        None => s.serialize_none(),
    }
}

/// A recorded meeting with its files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingRecording {
    /// Meeting instance UUID.
    #[serde(default)]
    pub uuid: String,
    /// The meeting number (all instances share it; [`MeetingRecording::uuid`] names this one).
    pub id: u64,
    /// Account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Host id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// The meeting's (or webinar's) type. Zoom's spec types it as a string here (`"2"`);
    /// numbers are accepted too, and it is written back as a string.
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "type_as_string"
    )]
    pub meeting_type: Option<MeetingType>,
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Total bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_size: Option<u64>,
    /// Number of files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_count: Option<u64>,
    /// Share URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_url: Option<String>,
    /// Files.
    #[serde(default)]
    pub recording_files: Vec<RecordingFile>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_round_trips_with_its_string_type_and_unknown_fields() {
        let raw = serde_json::json!({
            "uuid": "/abc//def==", "id": 6840331990u64, "topic": "T", "type": "2",
            "start_time": "2026-11-01T10:00:00Z", "recording_count": 1,
            "recording_files": [{"id": "f", "file_type": "SUMMARY_NEXT", "status": "completed", "new": 1}],
            "future": true
        });
        let r: MeetingRecording = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(r.meeting_type, Some(MeetingType::Scheduled));
        assert_eq!(
            r.recording_files[0].file_type,
            Some(RecordingFileType::Unknown("SUMMARY_NEXT".into()))
        );
        assert_eq!(serde_json::to_value(&r).unwrap(), raw);
    }
}
