//! `/users/{userId}/webinars`.

use super::pagination::paginate;
use crate::error::Result;
use crate::http::{path_id, ApiRequest, RateCategory};
use crate::models::{CreateWebinar, Page, Webinar, WebinarPage};
use crate::session::ZoomSession;
use futures_util::stream::Stream;
use reqwest::Method;

/// Webinars endpoints.
#[derive(Debug)]
pub struct WebinarsApi<'a> {
    pub(crate) session: &'a ZoomSession,
}

impl WebinarsApi<'_> {
    /// One page of `GET /users/{userId}/webinars`.
    pub async fn list(
        &self,
        user_id: &str,
        page_size: Option<u32>,
        next_page_token: Option<&str>,
    ) -> Result<Page<Webinar>> {
        list_page(
            self.session,
            user_id,
            page_size,
            next_page_token.map(str::to_string),
        )
        .await
    }

    /// Every webinar of a user, lazily.
    pub fn list_all(
        &self,
        user_id: &str,
        page_size: Option<u32>,
    ) -> impl Stream<Item = Result<Webinar>> + Send + 'static {
        let (session, user) = (self.session.clone(), user_id.to_string());
        paginate(move |token| {
            let (session, user) = (session.clone(), user.clone());
            async move { list_page(&session, &user, page_size, token).await }
        })
    }

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
}

async fn list_page(
    session: &ZoomSession,
    user_id: &str,
    page_size: Option<u32>,
    token: Option<String>,
) -> Result<Page<Webinar>> {
    let req = ApiRequest::new(
        Method::GET,
        "/users/{userId}/webinars",
        format!("/users/{}/webinars", path_id("user_id", user_id)?),
    )
    .category(RateCategory::Medium)
    .query_opt("page_size", page_size.map(|n| n.clamp(1, 300)))
    .query_opt("next_page_token", token);
    let page: WebinarPage = session.json(&req).await?;
    Ok(page.into())
}
