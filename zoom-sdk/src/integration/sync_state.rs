//! What is remembered of a user's syncs between runs and processes (one JSON document per user
//! in `zoom_sdk_sync_state`): the last run, the run to resume, the recordings already covered,
//! and the last error.

use super::item::ItemKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a sync did to one kind of item.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct KindCounts {
    /// Items Zoom listed.
    pub fetched: u64,
    /// New in the index.
    pub inserted: u64,
    /// Changed since the index had them.
    pub updated: u64,
    /// Already in the index as they are (nothing written).
    pub unchanged: u64,
    /// Gone from Zoom, removed from the index.
    pub deleted: u64,
}

impl KindCounts {
    /// Rows written (inserted, updated or deleted).
    pub fn written(&self) -> u64 {
        self.inserted + self.updated + self.deleted
    }

    pub(crate) fn add(&mut self, o: &KindCounts) {
        self.fetched += o.fetched;
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.deleted += o.deleted;
    }
}

/// One step of a sync. A sync is a list of steps, each completed (and recorded) before the
/// next: an interrupted sync resumes at the first step not recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SyncStep {
    /// The user's scheduled meetings, and their past meetings.
    Meetings,
    /// The user's webinars.
    Webinars,
    /// The user's cloud recordings started between two days (UTC, inclusive; at most a
    /// month, as Zoom lists them).
    Recordings {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
}

impl SyncStep {
    /// The kind it fills.
    pub fn kind(&self) -> ItemKind {
        match self {
            Self::Meetings => ItemKind::Meeting,
            Self::Webinars => ItemKind::Webinar,
            Self::Recordings { .. } => ItemKind::Recording,
        }
    }
}

/// A run that has not finished: its steps, how many are done, what they did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    pub run_id: String,
    pub started_at: DateTime<Utc>,
    pub steps: Vec<SyncStep>,
    pub done: usize,
    pub full_recordings: bool,
    pub counts: BTreeMap<ItemKind, KindCounts>,
    pub api_calls: u64,
    /// How many times this run was resumed.
    pub resumed: u32,
    /// Steps skipped, and why (no webinar plan, a scope not granted).
    #[serde(default)]
    pub skipped: Vec<SkippedKind>,
}

/// A kind a sync could not read, and why (the rest of the sync went on).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SkippedKind {
    /// The kind.
    pub kind: ItemKind,
    /// Zoom's answer, in words.
    pub reason: String,
}

/// The last sync of a user, as [`super::Integration::status`] reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LastSync {
    /// The run's id (one run may span several resumed attempts).
    pub run_id: String,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// When its last attempt ended.
    pub finished_at: DateTime<Utc>,
    /// Milliseconds spent syncing, over all its attempts.
    pub duration_ms: u64,
    /// Whether every step completed (`false`: stopped by an error or a cancelled caller; the
    /// next sync resumes it).
    pub completed: bool,
    /// Steps done, of all.
    pub steps_done: usize,
    /// Steps in the run.
    pub steps: usize,
    /// What it did, per kind.
    pub counts: BTreeMap<ItemKind, KindCounts>,
    /// List calls made to Zoom.
    pub api_calls: u64,
    /// Kinds skipped, and why.
    pub skipped: Vec<SkippedKind>,
}

/// The last error of a user's syncs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SyncFailure {
    /// When.
    pub at: DateTime<Utc>,
    /// The error's kind ([`crate::ErrorKind::name`]).
    pub kind: String,
    /// What went wrong (never a token).
    pub message: String,
}

/// The document kept per user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct SyncState {
    pub last: Option<LastSync>,
    pub current: Option<Checkpoint>,
    /// The last day whose recordings a completed run covered.
    pub recordings_through: Option<NaiveDate>,
    /// When a run last covered the whole recordings range.
    pub recordings_full_at: Option<DateTime<Utc>>,
    pub last_error: Option<SyncFailure>,
    /// Milliseconds spent by earlier attempts of the current run.
    pub current_elapsed_ms: u64,
}
