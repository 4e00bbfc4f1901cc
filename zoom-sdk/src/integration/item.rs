//! What the local index keeps of a meeting, a webinar or a cloud recording: the fields a search
//! shows and acts on, never media. One normal form serves the sync (from Zoom's list answers)
//! and the webhook updates (from event payloads), so that both compute the same digest for the
//! same content and a sync can skip what has not changed.

use crate::models::{MeetingRecording, MeetingSummary, Webinar};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The kinds of indexed items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ItemKind {
    /// A meeting (scheduled, recurring or past).
    Meeting,
    /// A webinar.
    Webinar,
    /// A cloud recording of one meeting instance, with its files' metadata.
    Recording,
}

impl ItemKind {
    /// Every kind.
    pub const ALL: [ItemKind; 3] = [Self::Meeting, Self::Webinar, Self::Recording];

    /// `meeting`, `webinar` or `recording` (as stored and serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Meeting => "meeting",
            Self::Webinar => "webinar",
            Self::Recording => "recording",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for ItemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One recording file as indexed: where to play and download it, never its bytes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IndexedFile {
    /// File id.
    pub id: Option<String>,
    /// `MP4`, `M4A`, `TRANSCRIPT`, `CHAT`, ...
    pub file_type: Option<String>,
    /// Bytes.
    pub file_size: Option<u64>,
    /// Where to play it in a browser (needs a Zoom sign-in or the share passcode).
    pub play_url: Option<String>,
    /// Where to download it (with an OAuth token or a webhook download token).
    pub download_url: Option<String>,
    /// When this file's recording started.
    pub recording_start: Option<DateTime<Utc>>,
    /// `completed` or `processing`.
    pub status: Option<String>,
}

/// What is kept beside the searchable columns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemDetails {
    /// Zoom's numeric `type` of the meeting or webinar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom_type: Option<i64>,
    /// A recording's share link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_url: Option<String>,
    /// A recording's files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<IndexedFile>,
}

/// One item of the local index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IndexedItem {
    /// Meeting, webinar or recording.
    pub kind: ItemKind,
    /// Its key within the kind: the meeting or webinar number, or the recording's instance
    /// UUID.
    pub item_id: String,
    /// The meeting or webinar number (for a recording, the meeting's).
    pub zoom_id: Option<u64>,
    /// The instance UUID Zoom gave.
    pub uuid: Option<String>,
    /// Topic.
    pub topic: String,
    /// Agenda (empty when Zoom has none).
    pub agenda: String,
    /// The host's email.
    pub host_email: String,
    /// Start time.
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration: Option<i64>,
    /// The IANA time zone the item was scheduled in.
    pub timezone: Option<String>,
    /// Where attendees join.
    pub join_url: Option<String>,
    /// Type, share link, files.
    pub details: ItemDetails,
}

/// The characters a search snippet marks hits with; removed from indexed text so that a
/// snippet's marks are always the index's own.
pub(crate) const MARK_START: char = '\u{E000}';
pub(crate) const MARK_END: char = '\u{E001}';

/// `s` without the snippet marks and NUL: every text field goes through it, from a list answer
/// or a webhook alike, so both give the same digest.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| *c != MARK_START && *c != MARK_END && *c != '\0')
        .collect()
}

fn type_number<T: Serialize>(t: &T) -> Option<i64> {
    serde_json::to_value(t)
        .ok()
        .as_ref()
        .and_then(Value::as_i64)
}

impl IndexedItem {
    /// A meeting from `GET /users/{userId}/meetings`.
    pub fn from_meeting(m: &MeetingSummary, host_email: &str) -> Self {
        Self {
            kind: ItemKind::Meeting,
            item_id: m.id.to_string(),
            zoom_id: Some(m.id),
            uuid: Some(m.uuid.clone()).filter(|u| !u.is_empty()),
            topic: clean(&m.topic),
            agenda: clean(m.agenda.as_deref().unwrap_or_default()),
            host_email: clean(host_email),
            start_time: m.start_time,
            duration: m.duration,
            timezone: m.timezone.clone(),
            join_url: m.join_url.clone(),
            details: ItemDetails {
                zoom_type: type_number(&m.meeting_type),
                ..ItemDetails::default()
            },
        }
    }

    /// A webinar from `GET /users/{userId}/webinars`.
    pub fn from_webinar(w: &Webinar, host_email: &str) -> Self {
        Self {
            kind: ItemKind::Webinar,
            item_id: w.id.to_string(),
            zoom_id: Some(w.id),
            uuid: Some(w.uuid.clone()).filter(|u| !u.is_empty()),
            topic: clean(&w.topic),
            agenda: clean(w.agenda.as_deref().unwrap_or_default()),
            host_email: clean(w.host_email.as_deref().unwrap_or(host_email)),
            start_time: w.start_time,
            duration: w.duration,
            timezone: w.timezone.clone(),
            join_url: w.join_url.clone(),
            details: ItemDetails {
                zoom_type: type_number(&w.webinar_type),
                ..ItemDetails::default()
            },
        }
    }

    /// A cloud recording from `GET /users/{userId}/recordings`: its files' metadata only.
    pub fn from_recording(r: &MeetingRecording, host_email: &str) -> Self {
        let files = r
            .recording_files
            .iter()
            .map(|f| IndexedFile {
                id: f.id.clone(),
                file_type: f.file_type.as_ref().map(|t| t.as_str().to_string()),
                file_size: f.file_size,
                play_url: f.play_url.clone(),
                download_url: f.download_url.clone(),
                recording_start: f.recording_start,
                status: f.status.as_ref().map(|s| s.as_str().to_string()),
            })
            .collect();
        Self {
            kind: ItemKind::Recording,
            item_id: r.uuid.clone(),
            zoom_id: Some(r.id),
            uuid: Some(r.uuid.clone()),
            topic: clean(&r.topic),
            agenda: String::new(),
            host_email: clean(host_email),
            start_time: r.start_time,
            duration: r.duration,
            timezone: r.timezone.clone(),
            join_url: None,
            details: ItemDetails {
                zoom_type: r.meeting_type.as_ref().and_then(type_number),
                share_url: r.share_url.clone(),
                files,
            },
        }
    }

    /// The distinct file types of a recording, space-separated (searchable: `transcript`).
    pub fn file_types(&self) -> String {
        let mut types: Vec<&str> = self
            .details
            .files
            .iter()
            .filter_map(|f| f.file_type.as_deref())
            .collect();
        types.sort_unstable();
        types.dedup();
        types.join(" ")
    }

    /// A digest of everything indexed: equal digests, nothing to write.
    pub fn digest(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(&Sha256::digest(&bytes)[..12])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_nul_are_removed_from_indexed_text() {
        assert_eq!(clean("a\u{E000}b\u{E001}c\0d"), "abcd");
    }

    #[test]
    fn kinds_round_trip() {
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ItemKind::parse("user"), None);
    }
}
