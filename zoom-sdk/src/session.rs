//! [`ZoomSession`]: the client acting for one token owner (a user or the account).

use crate::api::{MeetingsApi, RecordingsApi, UsersApi, WebinarsApi};
use crate::client::ZoomClient;
use crate::error::Result;
use crate::http::{ApiRequest, Auth};
use crate::token::TokenKey;
use serde::de::DeserializeOwned;

/// API calls made with one owner's tokens. Cheap to create and clone.
///
/// ```no_run
/// # async fn demo(client: zoom_sdk::ZoomClient) -> zoom_sdk::Result<()> {
/// let alice = client.user("app-user-42");
/// let me = alice.users().me().await?;
/// println!("{} has {} meetings", me.email,
///     alice.meetings().list("me", &Default::default()).await?.items.len());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ZoomSession {
    client: ZoomClient,
    key: TokenKey,
}

impl ZoomSession {
    pub(crate) fn new(client: ZoomClient, key: TokenKey) -> Self {
        Self { client, key }
    }

    /// Whose tokens this session uses.
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    /// The client behind it.
    pub fn client(&self) -> &ZoomClient {
        &self.client
    }

    /// Users endpoints.
    pub fn users(&self) -> UsersApi<'_> {
        UsersApi { session: self }
    }

    /// Meetings endpoints.
    pub fn meetings(&self) -> MeetingsApi<'_> {
        MeetingsApi { session: self }
    }

    /// Cloud recordings endpoints.
    pub fn recordings(&self) -> RecordingsApi<'_> {
        RecordingsApi { session: self }
    }

    /// Webinars endpoints.
    pub fn webinars(&self) -> WebinarsApi<'_> {
        WebinarsApi { session: self }
    }

    pub(crate) fn auth(&self) -> Auth<'_> {
        Auth::Managed(self.client.tokens(), &self.key)
    }

    pub(crate) async fn json<T: DeserializeOwned>(&self, req: &ApiRequest) -> Result<T> {
        self.client
            .http()
            .json(Auth::Managed(self.client.tokens(), &self.key), req)
            .await
    }

    pub(crate) async fn empty(&self, req: &ApiRequest) -> Result<()> {
        self.client
            .http()
            .empty(Auth::Managed(self.client.tokens(), &self.key), req)
            .await
    }
}
