//! `/users/{userId}/webinars` and `/webinars/{webinarId}`.

use super::pagination::{paginate, rest, PageQuery};
use crate::error::Result;
use crate::http::{path_id, ApiRequest, RateCategory};
use crate::models::page::ZoomEnvelope;
use crate::models::{CreateWebinar, Page, UpdateWebinar, Webinar};
use crate::session::ZoomSession;
use futures_util::stream::Stream;
use reqwest::Method;

/// Webinars endpoints (the host needs Zoom's webinar plan).
///
/// ```no_run
/// # async fn demo(alice: zoom_sdk::ZoomSession) -> zoom_sdk::Result<()> {
/// use zoom_sdk::api::{DeleteWebinarOptions, ListWebinars};
/// use zoom_sdk::models::{CreateWebinar, UpdateWebinar};
/// let start = chrono::Utc::now() + chrono::Duration::days(7);
/// let w = alice.webinars().create("me", &CreateWebinar::scheduled("Launch", start, 60)).await?;
/// alice.webinars().update(w.id, &UpdateWebinar::new().duration(90)).await?;
/// let page = alice.webinars().list("me", &ListWebinars::new().page_size(50)).await?;
/// alice.webinars().delete(w.id, &DeleteWebinarOptions::new()).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct WebinarsApi<'a> {
    pub(crate) session: &'a ZoomSession,
}

/// Query of `GET /users/{userId}/webinars`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ListWebinars {
    /// Page size, 1 to 300 (Zoom's default: 30).
    pub page_size: Option<u32>,
    /// Continue from this token.
    pub next_page_token: Option<String>,
}

impl ListWebinars {
    /// Zoom's defaults.
    pub fn new() -> Self {
        Self::default()
    }
}

super::page_query!(ListWebinars);

/// Options of `DELETE /webinars/{webinarId}`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct DeleteWebinarOptions {
    /// Delete one occurrence of a recurring webinar.
    pub occurrence_id: Option<String>,
    /// Email the panelists and registrants about the cancellation.
    pub cancel_webinar_reminder: Option<bool>,
}

impl DeleteWebinarOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Delete one occurrence.
    pub fn occurrence_id(mut self, v: impl Into<String>) -> Self {
        self.occurrence_id = Some(v.into());
        self
    }
    /// Email the panelists and registrants.
    pub fn cancel_webinar_reminder(mut self, v: bool) -> Self {
        self.cancel_webinar_reminder = Some(v);
        self
    }
}

impl WebinarsApi<'_> {
    /// `POST /users/{userId}/webinars`. Not idempotent (see [`super::MeetingsApi::create`]).
    pub async fn create(&self, user_id: &str, webinar: &CreateWebinar) -> Result<Webinar> {
        webinar.validate()?;
        let req = ApiRequest::new(
            Method::POST,
            "/users/{userId}/webinars",
            format!("/users/{}/webinars", path_id("user_id", user_id)?),
        )
        .json(webinar)?;
        self.session.json(&req).await
    }

    /// `GET /webinars/{webinarId}`.
    pub async fn get(&self, webinar_id: u64) -> Result<Webinar> {
        let req = ApiRequest::new(
            Method::GET,
            "/webinars/{webinarId}",
            format!("/webinars/{webinar_id}"),
        );
        self.session.json(&req).await
    }

    /// `PATCH /webinars/{webinarId}`: only the fields set in `patch` change.
    pub async fn update(&self, webinar_id: u64, patch: &UpdateWebinar) -> Result<()> {
        patch.validate()?;
        let req = ApiRequest::new(
            Method::PATCH,
            "/webinars/{webinarId}",
            format!("/webinars/{webinar_id}"),
        )
        .json(patch)?;
        self.session.empty(&req).await
    }

    /// `DELETE /webinars/{webinarId}`.
    pub async fn delete(&self, webinar_id: u64, options: &DeleteWebinarOptions) -> Result<()> {
        let req = ApiRequest::new(
            Method::DELETE,
            "/webinars/{webinarId}",
            format!("/webinars/{webinar_id}"),
        )
        .query_opt("occurrence_id", options.occurrence_id.as_deref())
        .query_opt("cancel_webinar_reminder", options.cancel_webinar_reminder);
        self.session.empty(&req).await
    }

    /// One page of `GET /users/{userId}/webinars`.
    pub async fn list(&self, user_id: &str, query: &ListWebinars) -> Result<Page<Webinar>> {
        list_page(self.session, user_id, query).await
    }

    /// Every webinar of a user from `query`'s page on, lazily.
    pub fn list_all(
        &self,
        user_id: &str,
        query: ListWebinars,
    ) -> impl Stream<Item = Result<Webinar>> + Send + 'static {
        let (session, user) = (self.session.clone(), user_id.to_string());
        paginate(query, move |q| {
            let (session, user) = (session.clone(), user.clone());
            async move { list_page(&session, &user, &q).await }
        })
    }

    /// The webinars of `page` (fetched with `query`), then those of the pages after it.
    pub fn list_rest(
        &self,
        user_id: &str,
        query: ListWebinars,
        page: Page<Webinar>,
    ) -> impl Stream<Item = Result<Webinar>> + Send + 'static {
        let more = page
            .next_page_token
            .clone()
            .map(|t| self.list_all(user_id, query.with_page_token(Some(t))));
        rest(page.items, more)
    }
}

async fn list_page(
    session: &ZoomSession,
    user_id: &str,
    q: &ListWebinars,
) -> Result<Page<Webinar>> {
    let req = ApiRequest::new(
        Method::GET,
        "/users/{userId}/webinars",
        format!("/users/{}/webinars", path_id("user_id", user_id)?),
    )
    .category(RateCategory::Medium)
    .query_opt("page_size", q.page_size)
    .query_opt("next_page_token", q.next_page_token.as_deref());
    let page: ZoomEnvelope<Webinar> = session.json(&req).await?;
    Ok(page.0)
}
