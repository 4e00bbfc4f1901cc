//! List envelopes: Zoom paginates with `page_size` and an opaque `next_page_token` that expires
//! after 15 minutes; an empty token means the last page.

use super::meeting::MeetingSummary;
use serde::{Deserialize, Serialize};

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The token for the next page; `None` on the last page.
    pub next_page_token: Option<String>,
    /// Records across all pages, when Zoom says.
    pub total_records: Option<u64>,
    /// The page size Zoom applied.
    pub page_size: Option<u32>,
}

impl<T> Page<T> {
    /// Whether another page follows.
    pub fn has_next(&self) -> bool {
        self.next_page_token.is_some()
    }
}

/// `GET /users/{userId}/meetings`'s envelope, as Zoom sends it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingPage {
    /// The meetings.
    #[serde(default)]
    pub meetings: Vec<MeetingSummary>,
    /// Next page token; empty on the last page.
    #[serde(default)]
    pub next_page_token: Option<String>,
    /// Total records.
    #[serde(default)]
    pub total_records: Option<u64>,
    /// Page size.
    #[serde(default)]
    pub page_size: Option<u32>,
}

/// Envelope → [`Page`], for each of Zoom's list envelopes.
macro_rules! envelope {
    ($env:ty, $item:ty, $field:ident) => {
        impl From<$env> for Page<$item> {
            fn from(p: $env) -> Self {
                Page {
                    items: p.$field,
                    next_page_token: p.next_page_token.filter(|t| !t.is_empty()),
                    total_records: p.total_records,
                    page_size: p.page_size,
                }
            }
        }
    };
}

envelope!(MeetingPage, MeetingSummary, meetings);
envelope!(
    super::recording::RecordingPage,
    super::recording::MeetingRecording,
    meetings
);
envelope!(
    super::webinar::WebinarPage,
    super::webinar::Webinar,
    webinars
);
