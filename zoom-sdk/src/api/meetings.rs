//! `/users/{userId}/meetings` and `/meetings/{meetingId}`.

use super::pagination::{paginate, rest, PageQuery};
use super::MeetingRef;
use crate::error::Result;
use crate::http::{path_id, ApiRequest, RateCategory};
use crate::models::page::ZoomEnvelope;
use crate::models::{
    str_enum, CreateMeeting, ListMeetingsType, Meeting, MeetingSummary, Page, Participant,
    PastInstance, PastInstances, UpdateMeeting,
};
use crate::session::ZoomSession;
use futures_util::stream::Stream;
use reqwest::Method;

/// Meetings endpoints.
///
/// ```no_run
/// # async fn demo(alice: zoom_sdk::ZoomSession) -> zoom_sdk::Result<()> {
/// use futures_util::TryStreamExt;
/// use zoom_sdk::api::ListMeetings;
/// use zoom_sdk::models::{CreateMeeting, ListMeetingsType};
/// let start = chrono::Utc::now() + chrono::Duration::days(1);
/// let m = alice.meetings().create("me", &CreateMeeting::scheduled("Design review", start, 45)).await?;
/// let invitation = alice.meetings().invitation(m.id).await?;
/// let query = ListMeetings::new().meeting_type(ListMeetingsType::Upcoming);
/// let page = alice.meetings().list("me", &query).await?;
/// let rest: Vec<_> = alice.meetings().list_rest("me", query, page).try_collect().await?;
/// alice.meetings().end(m.id).await?;
/// # Ok(()) }
/// ```
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
    /// Only meetings starting on or after this day.
    pub from: Option<chrono::NaiveDate>,
    /// Only meetings starting on or before this day.
    pub to: Option<chrono::NaiveDate>,
    /// The time zone `from` and `to` are read in (an IANA name; Zoom's default: UTC).
    pub timezone: Option<String>,
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
    /// Only meetings starting between `from` and `to` (days, inclusive).
    pub fn between(mut self, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Self {
        self.from = Some(from);
        self.to = Some(to);
        self
    }
}

super::page_query!(ListMeetings, ListParticipants);

/// Query of `GET /past_meetings/{meetingId}/participants`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ListParticipants {
    /// Page size, 1 to 300 (Zoom's default: 30).
    pub page_size: Option<u32>,
    /// Continue from this token.
    pub next_page_token: Option<String>,
}

impl ListParticipants {
    /// Zoom's defaults.
    pub fn new() -> Self {
        Self::default()
    }
}

str_enum! {
    /// The `action` of `PUT /meetings/{meetingId}/status`.
    MeetingAction {
        /// End a meeting in progress.
        End = "end",
        /// Recover a deleted meeting.
        Recover = "recover",
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
        paginate(query, move |q| {
            let (session, user) = (session.clone(), user.clone());
            async move { list_page(&session, &user, &q).await }
        })
    }

    /// The meetings of `page` (fetched with `query`), then those of the pages after it.
    pub fn list_rest(
        &self,
        user_id: &str,
        query: ListMeetings,
        page: Page<MeetingSummary>,
    ) -> impl Stream<Item = Result<MeetingSummary>> + Send + 'static {
        let more = page
            .next_page_token
            .clone()
            .map(|t| self.list_all(user_id, query.with_page_token(Some(t))));
        rest(page.items, more)
    }

    /// `GET /meetings/{meetingId}/invitation`: the invitation text to send to attendees.
    pub async fn invitation(&self, meeting_id: u64) -> Result<String> {
        #[derive(serde::Deserialize)]
        struct Invitation {
            invitation: String,
        }
        let req = ApiRequest::new(
            Method::GET,
            "/meetings/{meetingId}/invitation",
            format!("/meetings/{meeting_id}/invitation"),
        );
        let i: Invitation = self.session.json(&req).await?;
        Ok(i.invitation)
    }

    /// `PUT /meetings/{meetingId}/status`: end a meeting in progress, or recover a deleted one.
    pub async fn update_status(&self, meeting_id: u64, action: MeetingAction) -> Result<()> {
        let req = ApiRequest::new(
            Method::PUT,
            "/meetings/{meetingId}/status",
            format!("/meetings/{meeting_id}/status"),
        )
        .json(&serde_json::json!({ "action": action.as_str() }))?;
        self.session.empty(&req).await
    }

    /// End a meeting in progress (`PUT /meetings/{meetingId}/status` with `end`).
    pub async fn end(&self, meeting_id: u64) -> Result<()> {
        self.update_status(meeting_id, MeetingAction::End).await
    }

    /// `GET /past_meetings/{meetingId}/instances`: the occurrences a meeting had.
    pub async fn past_instances(&self, meeting_id: u64) -> Result<Vec<PastInstance>> {
        let req = ApiRequest::new(
            Method::GET,
            "/past_meetings/{meetingId}/instances",
            format!("/past_meetings/{meeting_id}/instances"),
        );
        let i: PastInstances = self.session.json(&req).await?;
        Ok(i.meetings)
    }

    /// `GET /past_meetings/{meetingId}/participants`: one page of who attended a past meeting
    /// (by number: the last instance; by UUID: that instance).
    pub async fn participants(
        &self,
        meeting: impl Into<MeetingRef>,
        query: &ListParticipants,
    ) -> Result<Page<Participant>> {
        participants_page(self.session, &meeting.into(), query).await
    }

    /// Every participant of a past meeting from `query`'s page on, lazily.
    pub fn participants_all(
        &self,
        meeting: impl Into<MeetingRef>,
        query: ListParticipants,
    ) -> impl Stream<Item = Result<Participant>> + Send + 'static {
        let (session, meeting) = (self.session.clone(), meeting.into());
        paginate(query, move |q| {
            let (session, meeting) = (session.clone(), meeting.clone());
            async move { participants_page(&session, &meeting, &q).await }
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
    .query_opt("next_page_token", query.next_page_token.as_deref())
    .query_opt("from", query.from.map(|d| d.to_string()))
    .query_opt("to", query.to.map(|d| d.to_string()))
    .query_opt("timezone", query.timezone.as_deref());
    let page: ZoomEnvelope<MeetingSummary> = session.json(&req).await?;
    Ok(page.0)
}

async fn participants_page(
    session: &ZoomSession,
    meeting: &MeetingRef,
    q: &ListParticipants,
) -> Result<Page<Participant>> {
    let req = ApiRequest::new(
        Method::GET,
        "/past_meetings/{meetingId}/participants",
        format!("/past_meetings/{}/participants", meeting.path_segment()?),
    )
    .category(RateCategory::Medium)
    .query_opt("page_size", q.page_size)
    .query_opt("next_page_token", q.next_page_token.as_deref());
    let page: ZoomEnvelope<Participant> = session.json(&req).await?;
    Ok(page.0)
}
