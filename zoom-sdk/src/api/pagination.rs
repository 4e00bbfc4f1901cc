//! One shape for every list: a query that carries its own `next_page_token` ([`PageQuery`]),
//! `list(.., &query)` for one page, `list_all(.., query)` for a lazy stream of every item from
//! the query's token on, and `list_rest(.., query, page)` for the items of a page already
//! fetched followed by the pages after it. One page is in memory at a time.

use crate::error::Result;
use crate::models::Page;
use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use std::future::Future;

/// A list query that pages with Zoom's `next_page_token`.
pub trait PageQuery: Clone + Send + Sync + 'static {
    /// The token of the page to fetch (`None`: the first).
    fn page_token(&self) -> Option<&str>;
    /// The same query for the page `token` names.
    fn with_page_token(self, token: Option<String>) -> Self;
}

/// Implement [`PageQuery`] and the paging builder methods (`page_size`, `next_page_token`)
/// for query structs with `page_size: Option<u32>` and `next_page_token: Option<String>`.
macro_rules! page_query {
    ($($q:ty),+ $(,)?) => {$(
        impl $q {
            /// Page size (clamped to 1..=300, Zoom's range; Zoom's default is 30).
            pub fn page_size(mut self, n: u32) -> Self {
                self.page_size = Some(n.clamp(1, 300));
                self
            }
            /// Continue from a token of a page fetched with the same query.
            pub fn next_page_token(mut self, t: impl Into<String>) -> Self {
                self.next_page_token = Some(t.into());
                self
            }
        }

        impl $crate::api::PageQuery for $q {
            fn page_token(&self) -> Option<&str> {
                self.next_page_token.as_deref()
            }
            fn with_page_token(mut self, token: Option<String>) -> Self {
                self.next_page_token = token;
                self
            }
        }
    )+};
}
pub(crate) use page_query;

/// Stream every item from the page `query` names on. `fetch` gets the query of each page.
pub(crate) fn paginate<T, Q, F, Fut>(
    query: Q,
    fetch: F,
) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: Send + 'static,
    Q: PageQuery,
    F: FnMut(Q) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    stream::try_unfold((Some(query), fetch), |(next, mut fetch)| async move {
        let Some(q) = next else {
            return Ok::<_, crate::Error>(None);
        };
        let page = fetch(q.clone()).await?;
        let next = page
            .next_page_token
            .clone()
            .map(|t| q.with_page_token(Some(t)));
        let items = stream::iter(page.items.into_iter().map(Ok));
        Ok(Some((items, (next, fetch))))
    })
    .try_flatten()
}

/// The items of a page already fetched, then the stream of the pages after it (`None` on the
/// last page).
pub(crate) fn rest<T, S>(
    items: Vec<T>,
    more: Option<S>,
) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: Send + 'static,
    S: Stream<Item = Result<T>> + Send + 'static,
{
    stream::iter(items.into_iter().map(Ok)).chain(stream::iter(more).flatten())
}
