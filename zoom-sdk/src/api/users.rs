//! `/users`.

use super::pagination::{paginate, rest, PageQuery};
use crate::error::Result;
use crate::http::{path_id, ApiRequest, RateCategory};
use crate::models::page::ZoomEnvelope;
use crate::models::{str_enum, Page, User};
use crate::session::ZoomSession;
use futures_util::stream::Stream;
use reqwest::Method;

/// Users endpoints.
///
/// ```no_run
/// # async fn demo(client: zoom_sdk::ZoomClient) -> zoom_sdk::Result<()> {
/// use futures_util::TryStreamExt;
/// use zoom_sdk::api::{ListUsers, UserStatus};
/// let account = client.account()?;
/// let me = account.users().me().await?;
/// let first = account.users().list(&ListUsers::new().status(UserStatus::Active)).await?;
/// let everyone: Vec<_> = account.users().list_all(ListUsers::new()).try_collect().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct UsersApi<'a> {
    pub(crate) session: &'a ZoomSession,
}

str_enum! {
    /// The `status` filter of `GET /users`.
    UserStatus {
        /// Active users (Zoom's default).
        Active = "active",
        /// Deactivated users.
        Inactive = "inactive",
        /// Invited users who have not accepted.
        Pending = "pending",
    }
}

/// Query of `GET /users` (the account's users).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ListUsers {
    /// Which users (Zoom's default: active).
    pub status: Option<UserStatus>,
    /// Only users with this role.
    pub role_id: Option<String>,
    /// Page size, 1 to 300 (Zoom's default: 30).
    pub page_size: Option<u32>,
    /// Continue from this token.
    pub next_page_token: Option<String>,
}

impl ListUsers {
    /// Zoom's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Filter by status.
    pub fn status(mut self, s: UserStatus) -> Self {
        self.status = Some(s);
        self
    }
    /// Filter by role.
    pub fn role_id(mut self, r: impl Into<String>) -> Self {
        self.role_id = Some(r.into());
        self
    }
}

super::page_query!(ListUsers);

impl UsersApi<'_> {
    /// `GET /users/me`: the user the token belongs to (the account owner for Server-to-Server).
    pub async fn me(&self) -> Result<User> {
        self.get("me").await
    }

    /// `GET /users/{userId}`: by Zoom user id or email.
    pub async fn get(&self, user_id: &str) -> Result<User> {
        let req = ApiRequest::new(
            Method::GET,
            "/users/{userId}",
            format!("/users/{}", path_id("user_id", user_id)?),
        );
        self.session.json(&req).await
    }

    /// `GET /users`: one page of the account's users (needs an account-level grant).
    pub async fn list(&self, query: &ListUsers) -> Result<Page<User>> {
        list_page(self.session, query).await
    }

    /// Every user of the account from `query`'s page on, lazily.
    pub fn list_all(&self, query: ListUsers) -> impl Stream<Item = Result<User>> + Send + 'static {
        let session = self.session.clone();
        paginate(query, move |q| {
            let session = session.clone();
            async move { list_page(&session, &q).await }
        })
    }

    /// The users of `page` (fetched with `query`), then those of the pages after it.
    pub fn list_rest(
        &self,
        query: ListUsers,
        page: Page<User>,
    ) -> impl Stream<Item = Result<User>> + Send + 'static {
        let more = page
            .next_page_token
            .clone()
            .map(|t| self.list_all(query.with_page_token(Some(t))));
        rest(page.items, more)
    }
}

async fn list_page(session: &ZoomSession, q: &ListUsers) -> Result<Page<User>> {
    let req = ApiRequest::new(Method::GET, "/users", "/users".into())
        .category(RateCategory::Medium)
        .query_opt("status", q.status.as_ref().map(|s| s.as_str().to_string()))
        .query_opt("role_id", q.role_id.as_deref())
        .query_opt("page_size", q.page_size)
        .query_opt("next_page_token", q.next_page_token.as_deref());
    let page: ZoomEnvelope<User> = session.json(&req).await?;
    Ok(page.0)
}
