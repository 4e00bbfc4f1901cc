//! `/users/{userId}/meetings` and `/meetings/{meetingId}`.

use super::pagination::paginate;
use crate::error::Result;
use crate::http::{path_id, ApiRequest, RateCategory};
use crate::models::{
    CreateMeeting, ListMeetingsType, Meeting, MeetingPage, MeetingSummary, Page, UpdateMeeting,
};
use crate::session::ZoomSession;
use futures_util::stream::Stream;
use reqwest::Method;

/// Meetings endpoints.
#[derive(Debug)]
pub struct MeetingsApi<'a> {
    pub(crate) session: &'a ZoomSession,
}

/// Query of `GET /users/{userId}/meetings`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ListMeetings {
    /// Which meetings (Zoom's default: scheduled).
    #[serde(rename = "type")]
    pub meeting_type: Option<ListMeetingsType>,
    /// Page size, 1 to 300 (Zoom's default: 30).
    pub page_size: Option<u32>,
    /// Continue from this token.
    pub next_page_token: Option<String>,
}

impl ListMeetings {
    /// Zoom's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Filter by type.
    pub fn meeting_type(mut self, t: ListMeetingsType) -> Self {
        self.meeting_type = Some(t);
        self
    }
    /// Page size (clamped to 1..=300, Zoom's range).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n.clamp(1, 300));
        self
    }
    /// Continue from a token.
    pub fn next_page_token(mut self, t: impl Into<String>) -> Self {
        self.next_page_token = Some(t.into());
        self
    }
}

/// Options of `DELETE /meetings/{meetingId}`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct DeleteMeetingOptions {
    /// Delete one occurrence of a recurring meeting.
    pub occurrence_id: Option<String>,
    /// Email the scheduler (for meetings scheduled for others).
    pub schedule_for_reminder: Option<bool>,
    /// Email the registrants about the cancellation.
    pub cancel_meeting_reminder: Option<bool>,
}

impl DeleteMeetingOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Delete one occurrence.
    pub fn occurrence_id(mut self, v: impl Into<String>) -> Self {
        self.occurrence_id = Some(v.into());
        self
    }
    /// Email the scheduler.
    pub fn schedule_for_reminder(mut self, v: bool) -> Self {
        self.schedule_for_reminder = Some(v);
        self
    }
    /// Email the registrants.
    pub fn cancel_meeting_reminder(mut self, v: bool) -> Self {
        self.cancel_meeting_reminder = Some(v);
        self
    }
}

impl MeetingsApi<'_> {
    /// `POST /users/{userId}/meetings`. Not idempotent: if the connection breaks after the
    /// request was sent, the SDK does not resend it and returns an error with
    /// `maybe_sent = true`; list the meetings before trying again.
    pub async fn create(&self, user_id: &str, meeting: &CreateMeeting) -> Result<Meeting> {
        meeting.validate()?;
        let req = ApiRequest::new(
            Method::POST,
            "/users/{userId}/meetings",
            format!("/users/{}/meetings", path_id("user_id", user_id)?),
        )
        .json(meeting)?;
        self.session.json(&req).await
    }

    /// `GET /users/{userId}/meetings`: one page.
    pub async fn list(&self, user_id: &str, query: &ListMeetings) -> Result<Page<MeetingSummary>> {
        list_page(self.session, user_id, query).await
    }

    /// Every meeting of a user, lazily: one page in memory at a time.
    ///
    /// ```no_run
    /// # async fn demo(s: zoom_sdk::ZoomSession) -> zoom_sdk::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let mut all = std::pin::pin!(s.meetings().list_all("me", Default::default()));
    /// while let Some(m) = all.try_next().await? {
    ///     println!("{} {}", m.id, m.topic);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_all(
        &self,
        user_id: &str,
        query: ListMeetings,
    ) -> impl Stream<Item = Result<MeetingSummary>> + Send + 'static {
        let (session, user) = (self.session.clone(), user_id.to_string());
        paginate(move |token| {
            let (session, user) = (session.clone(), user.clone());
            let mut q = query.clone();
            q.next_page_token = token;
            async move { list_page(&session, &user, &q).await }
        })
    }

    /// `GET /meetings/{meetingId}`.
    pub async fn get(&self, meeting_id: u64) -> Result<Meeting> {
        let req = ApiRequest::new(
            Method::GET,
            "/meetings/{meetingId}",
            format!("/meetings/{meeting_id}"),
        );
        self.session.json(&req).await
    }

    /// `PATCH /meetings/{meetingId}`: only the fields set in `patch` change.
    pub async fn update(&self, meeting_id: u64, patch: &UpdateMeeting) -> Result<()> {
        patch.validate()?;
        let req = ApiRequest::new(
            Method::PATCH,
            "/meetings/{meetingId}",
            format!("/meetings/{meeting_id}"),
        )
        .json(patch)?;
        self.session.empty(&req).await
    }

    /// `DELETE /meetings/{meetingId}`.
    pub async fn delete(&self, meeting_id: u64, options: &DeleteMeetingOptions) -> Result<()> {
        let req = ApiRequest::new(
            Method::DELETE,
            "/meetings/{meetingId}",
            format!("/meetings/{meeting_id}"),
        )
        .query_opt("occurrence_id", options.occurrence_id.as_deref())
        .query_opt("schedule_for_reminder", options.schedule_for_reminder)
        .query_opt("cancel_meeting_reminder", options.cancel_meeting_reminder);
        self.session.empty(&req).await
    }
}

async fn list_page(
    session: &ZoomSession,
    user_id: &str,
    query: &ListMeetings,
) -> Result<Page<MeetingSummary>> {
    let req = ApiRequest::new(
        Method::GET,
        "/users/{userId}/meetings",
        format!("/users/{}/meetings", path_id("user_id", user_id)?),
    )
    .category(RateCategory::Medium)
    .query_opt(
        "type",
        query.meeting_type.as_ref().map(|t| t.as_str().to_string()),
    )
    .query_opt("page_size", query.page_size)
    .query_opt("next_page_token", query.next_page_token.as_deref());
    let page: MeetingPage = session.json(&req).await?;
    Ok(page.into())
}
