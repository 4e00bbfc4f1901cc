//! List envelopes: Zoom paginates with `page_size` and an opaque `next_page_token` that expires
//! after 15 minutes; an empty token means the last page.
//!
//! Every list answer has the same paging fields and one array whose name depends on the item
//! (`meetings`, `webinars`, `users`, `participants`); [`Listed`] names it per item type, and
//! one envelope reader ([`from_zoom_answer`]) reads any of them straight into a [`Page`], without a per-list struct.

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::marker::PhantomData;

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

/// An item of a Zoom list, and the name of the array that holds it in the list's answer.
pub trait Listed: DeserializeOwned {
    /// The array's field name (`"meetings"`, `"webinars"`, ...).
    const FIELD: &'static str;
}

/// Zoom's answer to a list request, read into a [`Page`] (fields other than the paging ones and
/// the item array are skipped).
#[derive(Debug)]
pub(crate) struct ZoomEnvelope<T>(pub Page<T>);

impl<'de, T: Listed> Deserialize<'de> for ZoomEnvelope<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Listed> Visitor<'de> for V<T> {
            type Value = ZoomEnvelope<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "a Zoom list answer with \"{}\"", T::FIELD)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut page = Page {
                    items: Vec::new(),
                    next_page_token: None,
                    total_records: None,
                    page_size: None,
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        k if k == T::FIELD => {
                            page.items = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default()
                        }
                        "next_page_token" => {
                            page.next_page_token = map
                                .next_value::<Option<String>>()?
                                .filter(|t| !t.is_empty())
                        }
                        "total_records" => page.total_records = map.next_value()?,
                        "page_size" => page.page_size = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ZoomEnvelope(page))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// Read a Zoom list answer (tests and tools that hold a raw answer).
pub fn from_zoom_answer<T: Listed>(answer: &[u8]) -> serde_json::Result<Page<T>> {
    serde_json::from_slice::<ZoomEnvelope<T>>(answer).map(|e| e.0)
}

impl Listed for super::meeting::MeetingSummary {
    const FIELD: &'static str = "meetings";
}
impl Listed for super::recording::MeetingRecording {
    const FIELD: &'static str = "meetings";
}
impl Listed for super::webinar::Webinar {
    const FIELD: &'static str = "webinars";
}
impl Listed for super::user::User {
    const FIELD: &'static str = "users";
}
impl Listed for super::past::Participant {
    const FIELD: &'static str = "participants";
}
