//! Lazy streams over every page of a list: one page in memory at a time, following
//! `next_page_token` until Zoom sends an empty one.

use crate::error::Result;
use crate::models::Page;
use futures_util::stream::{self, Stream, TryStreamExt};
use std::future::Future;

/// Stream every item of a paginated list. `fetch` gets the token of the page to fetch (`None`
/// for the first).
pub(crate) fn paginate<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    enum Next {
        First,
        Token(String),
        Done,
    }
    stream::try_unfold((Next::First, fetch), |(next, mut fetch)| async move {
        let token = match next {
            Next::First => None,
            Next::Token(t) => Some(t),
            Next::Done => return Ok::<_, crate::Error>(None),
        };
        let page = fetch(token).await?;
        let next = match page.next_page_token {
            Some(t) => Next::Token(t),
            None => Next::Done,
        };
        let items = stream::iter(page.items.into_iter().map(Ok));
        Ok(Some((items, (next, fetch))))
    })
    .try_flatten()
}
