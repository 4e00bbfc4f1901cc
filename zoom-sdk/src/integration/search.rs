//! Search over the local index: filters, paging, and what a hit carries.

use super::item::{IndexedItem, ItemKind};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The default and largest page of hits.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest page of hits.
pub const MAX_PAGE_SIZE: usize = 100;

/// What to search among, and which page.
///
/// ```
/// use zoom_sdk::integration::{ItemKind, SearchFilters};
/// let f = SearchFilters::new().kind(ItemKind::Meeting).has_recording(true).page_size(10);
/// assert_eq!(f.kinds, vec![ItemKind::Meeting]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SearchFilters {
    /// Only these kinds (empty: all).
    pub kinds: Vec<ItemKind>,
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
    /// Only items with (`true`) or without (`false`) a cloud recording; a recording has one.
    pub has_recording: Option<bool>,
    /// Hits per page, 1 to 100 (default 20).
    pub page_size: Option<usize>,
    /// The token of the page to fetch (from [`SearchPage::next_page_token`]).
    pub next_page_token: Option<String>,
}

impl SearchFilters {
    /// Everything, first page.
    pub fn new() -> Self {
        Self::default()
    }
    /// Add a kind to search among.
    pub fn kind(mut self, kind: ItemKind) -> Self {
        if !self.kinds.contains(&kind) {
            self.kinds.push(kind);
        }
        self
    }
    /// Starting at or after `t`.
    pub fn from(mut self, t: DateTime<Utc>) -> Self {
        self.from = Some(t);
        self
    }
    /// Starting before `t`.
    pub fn to(mut self, t: DateTime<Utc>) -> Self {
        self.to = Some(t);
        self
    }
    /// With or without a recording.
    pub fn has_recording(mut self, has: bool) -> Self {
        self.has_recording = Some(has);
        self
    }
    /// Hits per page (clamped to 1..=100).
    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = Some(n);
        self
    }
    /// Fetch the page `token` names.
    pub fn next_page_token(mut self, token: impl Into<String>) -> Self {
        self.next_page_token = Some(token.into());
        self
    }

    pub(crate) fn page_size_or_default(&self) -> usize {
        self.page_size
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE)
    }

    /// The offset the page token names (0 without one).
    pub(crate) fn offset(&self) -> Result<usize> {
        let Some(t) = self.next_page_token.as_deref().filter(|t| !t.is_empty()) else {
            return Ok(0);
        };
        t.strip_prefix("s1.")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= 100_000)
            .ok_or_else(|| {
                Error::invalid(
                    "next_page_token",
                    "is not a token from a search's next_page_token",
                )
            })
    }

    pub(crate) fn check(&self) -> Result<()> {
        if let (Some(a), Some(b)) = (self.from, self.to) {
            if b < a {
                return Err(Error::invalid("to", "must not be before from"));
            }
        }
        self.offset().map(|_| ())
    }
}

/// A run of a snippet: matched words are `hit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SnippetPart {
    /// The text (plain: escape it before putting it in HTML).
    pub text: String,
    /// Whether it matched the query.
    pub hit: bool,
}

impl SnippetPart {
    pub(crate) fn plain(text: &str) -> Self {
        Self {
            text: text.to_string(),
            hit: false,
        }
    }
}

/// A recording file to offer beside a hit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingLink {
    /// The recording's instance UUID.
    pub recording_uuid: String,
    /// File id.
    pub file_id: Option<String>,
    /// `MP4`, `TRANSCRIPT`, ...
    pub file_type: Option<String>,
    /// Bytes.
    pub file_size: Option<u64>,
    /// Play in a browser.
    pub play_url: Option<String>,
    /// Download (with an OAuth token: see [`crate::api::download`]).
    pub download_url: Option<String>,
    /// The recording's share link.
    pub share_url: Option<String>,
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SearchHit {
    /// Meeting, webinar or recording.
    pub kind: ItemKind,
    /// The item's id: the meeting or webinar number, or the recording's instance UUID.
    pub id: String,
    /// The meeting or webinar number, as a string (JSON numbers lose precision past 2^53).
    pub meeting_id: Option<String>,
    /// Instance UUID.
    pub uuid: Option<String>,
    /// Topic.
    pub topic: String,
    /// Start time.
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration: Option<i64>,
    /// Time zone.
    pub timezone: Option<String>,
    /// Where to join (meetings and webinars).
    pub join_url: Option<String>,
    /// The host's email.
    pub host_email: String,
    /// Whether a cloud recording exists for it.
    pub has_recording: bool,
    /// The recording files to play or download.
    pub recordings: Vec<RecordingLink>,
    /// Relevance: higher is better (comparable within one result list).
    pub score: f64,
    /// The matching passage, hits marked.
    pub snippet: Vec<SnippetPart>,
}

impl SearchHit {
    pub(crate) fn new(
        item: IndexedItem,
        score: f64,
        snippet: Vec<SnippetPart>,
        recordings: Vec<RecordingLink>,
    ) -> Self {
        Self {
            kind: item.kind,
            meeting_id: item.zoom_id.map(|i| i.to_string()),
            id: item.item_id,
            uuid: item.uuid,
            topic: item.topic,
            start_time: item.start_time,
            duration: item.duration,
            timezone: item.timezone,
            join_url: item.join_url,
            host_email: item.host_email,
            has_recording: !recordings.is_empty(),
            recordings,
            score,
            snippet,
        }
    }

    /// The snippet as text with hits between `open` and `close` (escape the parts first when
    /// the result is HTML).
    pub fn snippet_marked(&self, open: &str, close: &str) -> String {
        self.snippet
            .iter()
            .map(|p| {
                if p.hit {
                    format!("{open}{}{close}", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }
}

/// A page of hits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SearchPage {
    /// Best first.
    pub hits: Vec<SearchHit>,
    /// The token of the next page (`None`: this is the last).
    pub next_page_token: Option<String>,
}

impl SearchPage {
    pub(crate) fn empty() -> Self {
        Self {
            hits: Vec::new(),
            next_page_token: None,
        }
    }

    pub(crate) fn new(hits: Vec<SearchHit>, next_offset: Option<usize>) -> Self {
        Self {
            hits,
            next_page_token: next_offset.map(|o| format!("s1.{o}")),
        }
    }
}
