//! `/users/{userId}/recordings` and `/meetings/{meetingId}/recordings`.

use super::pagination::{paginate, rest, PageQuery};
use crate::error::{Error, Result};
use crate::http::{path_id, segment, ApiRequest, RateCategory};
use crate::models::page::ZoomEnvelope;
use crate::models::{str_enum, MeetingRecording, Page};
use crate::session::ZoomSession;
use chrono::NaiveDate;
use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use reqwest::Method;

/// The longest range Zoom answers in one call ("the maximum range can be a month"); longer
/// ranges are split into windows of this many days.
pub const MAX_WINDOW_DAYS: i64 = 30;

/// A meeting by number or by instance UUID (JSON: a number or a string).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum MeetingRef {
    /// The meeting number: all instances.
    Id(u64),
    /// One instance, by UUID.
    Uuid(String),
}

impl MeetingRef {
    /// The `{meetingId}` path segment. Zoom requires a UUID that starts with `/` or contains
    /// `//` to be URL-encoded twice. An empty UUID, `.`, `..` or one with control characters
    /// is refused.
    pub fn path_segment(&self) -> Result<String> {
        match self {
            Self::Id(id) => Ok(id.to_string()),
            Self::Uuid(u)
                if u.trim().is_empty()
                    || u == "."
                    || u == ".."
                    || u.len() > 256
                    || u.chars().any(char::is_control) =>
            {
                Err(Error::invalid(
                    "meeting_uuid",
                    "must be a meeting UUID as Zoom gives it (not empty, \".\", \"..\" or with control characters)",
                ))
            }
            Self::Uuid(u) if u.starts_with('/') || u.contains("//") => Ok(segment(&segment(u))),
            Self::Uuid(u) => Ok(segment(u)),
        }
    }
}

impl From<u64> for MeetingRef {
    fn from(id: u64) -> Self {
        Self::Id(id)
    }
}

/// Query of `GET /users/{userId}/recordings` for one call (at most a month).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ListRecordings {
    /// First day (UTC).
    pub from: NaiveDate,
    /// Last day (UTC).
    pub to: NaiveDate,
    /// 1 to 300.
    #[serde(default)]
    pub page_size: Option<u32>,
    /// Continue from this token.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

impl ListRecordings {
    /// A range of days.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from,
            to,
            page_size: None,
            next_page_token: None,
        }
    }
}

super::page_query!(ListRecordings);

str_enum! {
    /// What `DELETE /meetings/{meetingId}/recordings` does.
    RecordingDeleteAction {
        /// Move to the trash (recoverable for 30 days; Zoom's default).
        Trash = "trash",
        /// Delete for good.
        Delete = "delete",
    }
}

/// Split `[from, to]` into windows Zoom accepts, newest first (Zoom lists newest first).
pub fn windows(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut end = to;
    while end >= from {
        let start = (end - chrono::Duration::days(MAX_WINDOW_DAYS)).max(from);
        out.push((start, end));
        match start.pred_opt() {
            Some(p) => end = p,
            None => break,
        }
    }
    out
}

/// Cloud recordings endpoints.
///
/// ```no_run
/// # async fn demo(alice: zoom_sdk::ZoomSession) -> zoom_sdk::Result<()> {
/// use futures_util::TryStreamExt;
/// use zoom_sdk::api::{ListRecordings, RecordingDeleteAction};
/// let to = chrono::Utc::now().date_naive();
/// let from = to - chrono::Duration::days(365);
/// // A year, in Zoom's month windows, one page in memory at a time.
/// let year: Vec<_> = alice.recordings().list_all("me", ListRecordings::new(from, to)).try_collect().await?;
/// if let Some(oldest) = year.last() {
///     alice.recordings().delete(oldest.id, RecordingDeleteAction::Trash).await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct RecordingsApi<'a> {
    pub(crate) session: &'a ZoomSession,
}

impl RecordingsApi<'_> {
    /// One page of `GET /users/{userId}/recordings`. The range must be at most a month; use
    /// [`RecordingsApi::list_all`] for any range.
    pub async fn list(
        &self,
        user_id: &str,
        query: &ListRecordings,
    ) -> Result<Page<MeetingRecording>> {
        list_page(self.session, user_id, query).await
    }

    /// Every recording of a user between the query's two days (inclusive), over any range:
    /// split into month windows transparently (newest first, as Zoom lists), each paginated
    /// lazily. A `next_page_token` in the query continues the newest window, where a page
    /// fetched with [`RecordingsApi::list`] over the same range left off.
    pub fn list_all(
        &self,
        user_id: &str,
        query: ListRecordings,
    ) -> impl Stream<Item = Result<MeetingRecording>> + Send + 'static {
        let session = self.session.clone();
        let user = user_id.to_string();
        let invalid =
            (query.to < query.from).then(|| Error::invalid("to", "must not be before from"));
        let windows = if invalid.is_some() {
            Vec::new()
        } else {
            windows(query.from, query.to)
        };
        let token = query.next_page_token.clone();
        stream::iter(invalid.map(Err))
            .chain(
                stream::iter(windows.into_iter().enumerate())
                    .map(move |(i, (a, b))| {
                        let (session, user) = (session.clone(), user.clone());
                        let mut q = ListRecordings::new(a, b);
                        q.page_size = query.page_size;
                        q.next_page_token = if i == 0 { token.clone() } else { None };
                        paginate(q, move |q| {
                            let (session, user) = (session.clone(), user.clone());
                            async move { list_page(&session, &user, &q).await }
                        })
                    })
                    .flatten(),
            )
            .into_stream()
    }

    /// The recordings of `page` (fetched with `query`), then those of the pages after it.
    pub fn list_rest(
        &self,
        user_id: &str,
        query: ListRecordings,
        page: Page<MeetingRecording>,
    ) -> impl Stream<Item = Result<MeetingRecording>> + Send + 'static {
        let more = page
            .next_page_token
            .clone()
            .map(|t| self.list_all(user_id, query.with_page_token(Some(t))));
        rest(page.items, more)
    }

    /// `GET /meetings/{meetingId}/recordings`: one meeting's recordings, by number or UUID.
    pub async fn get(&self, meeting: impl Into<MeetingRef>) -> Result<MeetingRecording> {
        let m = meeting.into();
        let req = ApiRequest::new(
            Method::GET,
            "/meetings/{meetingId}/recordings",
            format!("/meetings/{}/recordings", m.path_segment()?),
        );
        self.session.json(&req).await
    }

    /// `DELETE /meetings/{meetingId}/recordings`: every recording file of a meeting, to the
    /// trash or for good.
    pub async fn delete(
        &self,
        meeting: impl Into<MeetingRef>,
        action: RecordingDeleteAction,
    ) -> Result<()> {
        let m = meeting.into();
        let req = ApiRequest::new(
            Method::DELETE,
            "/meetings/{meetingId}/recordings",
            format!("/meetings/{}/recordings", m.path_segment()?),
        )
        .query("action", action.as_str());
        self.session.empty(&req).await
    }

    /// `DELETE /meetings/{meetingId}/recordings/{recordingId}`: one recording file.
    pub async fn delete_file(
        &self,
        meeting: impl Into<MeetingRef>,
        recording_id: &str,
        action: RecordingDeleteAction,
    ) -> Result<()> {
        let m = meeting.into();
        let req = ApiRequest::new(
            Method::DELETE,
            "/meetings/{meetingId}/recordings/{recordingId}",
            format!(
                "/meetings/{}/recordings/{}",
                m.path_segment()?,
                path_id("recording_id", recording_id)?
            ),
        )
        .query("action", action.as_str());
        self.session.empty(&req).await
    }
}

async fn list_page(
    session: &ZoomSession,
    user_id: &str,
    q: &ListRecordings,
) -> Result<Page<MeetingRecording>> {
    if q.to < q.from {
        return Err(Error::invalid("to", "must not be before from"));
    }
    if (q.to - q.from).num_days() > MAX_WINDOW_DAYS {
        return Err(Error::invalid(
            "from",
            "Zoom answers at most a month per call: use list_all for longer ranges",
        ));
    }
    let req = ApiRequest::new(
        Method::GET,
        "/users/{userId}/recordings",
        format!("/users/{}/recordings", path_id("user_id", user_id)?),
    )
    .category(RateCategory::Medium)
    .query("from", q.from.format("%Y-%m-%d"))
    .query("to", q.to.format("%Y-%m-%d"))
    .query_opt("page_size", q.page_size)
    .query_opt("next_page_token", q.next_page_token.as_deref());
    let page: ZoomEnvelope<MeetingRecording> = session.json(&req).await?;
    Ok(page.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_year_splits_into_contiguous_windows_of_at_most_a_month_newest_first() {
        let w = windows(d("2026-01-01"), d("2026-12-31"));
        assert_eq!(w.first().unwrap().1, d("2026-12-31"));
        assert_eq!(w.last().unwrap().0, d("2026-01-01"));
        for pair in w.windows(2) {
            assert_eq!(
                pair[1].1.succ_opt().unwrap(),
                pair[0].0,
                "no gap, no overlap"
            );
        }
        assert!(w
            .iter()
            .all(|(a, b)| (*b - *a).num_days() <= MAX_WINDOW_DAYS));
        assert_eq!(
            windows(d("2026-05-05"), d("2026-05-05")),
            vec![(d("2026-05-05"), d("2026-05-05"))]
        );
    }

    #[test]
    fn uuids_starting_with_a_slash_or_holding_a_double_slash_are_encoded_twice() {
        assert_eq!(
            MeetingRef::Uuid("/ajXp112QmuoKj4854875==".into())
                .path_segment()
                .unwrap(),
            "%252Fajxp112QmuoKj4854875%253D%253D".replace("ajxp", "ajXp")
        );
        assert_eq!(
            MeetingRef::Uuid("ab//cd==".into()).path_segment().unwrap(),
            "ab%252F%252Fcd%253D%253D"
        );
        assert_eq!(
            MeetingRef::Uuid("ab/cd+e==".into()).path_segment().unwrap(),
            "ab%2Fcd%2Be%3D%3D"
        );
        assert_eq!(
            MeetingRef::Id(85746065432).path_segment().unwrap(),
            "85746065432"
        );
    }
}
