//! The integration the backend's `/api/integrations/zoom/*` endpoints and the desktop skills
//! call: connect a user, report their connection, sync their meetings, webinars and recordings
//! into a local index, keep it fresh from webhooks, and search it.
//!
//! - [`Integration::add`] starts user OAuth for an application user: it returns Zoom's
//!   authorization URL and keeps the `state`, the PKCE verifier and the user id in the token
//!   store's own database (`zoom_sdk_oauth_states`, keyed by a SHA-256 digest of the state, the
//!   verifier sealed like the tokens). [`Integration::complete`] finishes it from the callback's
//!   `state` and `code` alone: the user comes from the stored request, never from the
//!   callback's query; an unknown, reused or expired state is refused with
//!   [`Error::AuthorizationState`].
//! - [`Integration::status`] says whether a user is connected, what their grant allows, when it
//!   expires, and how their last sync went.
//! - [`Integration::sync`] fills the [`LocalIndex`] (see [`sync`] for how it stays incremental,
//!   resumable, polite and one-at-a-time across processes); [`Integration::search`] ranks it
//!   ([`search`]); [`Integration::apply_event`] keeps it fresh from webhooks (wired in by
//!   [`crate::webhooks::WebhookReceiver::with_integration`]).
//!
//! The index lives beside the token store by default (the same SQLite file, the same
//! PostgreSQL database, or memory for a memory store), or where `ZOOM_INDEX` says.

mod events;
pub mod index;
pub mod item;
pub(crate) mod query;
pub mod search;
pub mod sync;
mod sync_state;

pub use events::IndexUpdate;
pub use index::{LocalIndex, INDEX_ENV};
pub use item::{IndexedFile, IndexedItem, ItemDetails, ItemKind};
pub use search::{RecordingLink, SearchFilters, SearchHit, SearchPage, SnippetPart};
pub use sync::{OnBusy, SyncOptions, SyncOutcome, SyncProgress, SyncReport};
pub use sync_state::{KindCounts, LastSync, SkippedKind, SyncFailure, SyncStep};

use crate::error::{Error, Result, StateProblem};
use crate::oauth::PendingAuthorization;
use crate::store::{PendingAuthorizationRecord, TakenAuthorization};
use crate::token::{StoredToken, TokenKey, TokenStatus};
use crate::{ZoomClient, ZoomSession};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// How long a started connection stays acceptable by default.
pub const DEFAULT_STATE_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// The Zoom integration of one application, over a client and its store.
///
/// ```no_run
/// # async fn demo(client: zoom_sdk::ZoomClient) -> zoom_sdk::Result<()> {
/// use zoom_sdk::integration::Integration;
/// let zoom = Integration::new(client);
/// // POST /api/integrations/zoom/add for app user 42: send the browser to `started.url`.
/// let started = zoom.add("42").await?;
/// // GET /oauth/callback?code=..&state=.. (on any instance sharing the store):
/// # let (state, code) = ("", "");
/// let connected = zoom.complete(state, code).await?;
/// assert_eq!(connected.user_id, "42");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Integration {
    client: ZoomClient,
    state_lifetime: Duration,
    index: Arc<tokio::sync::OnceCell<LocalIndex>>,
}

/// A connection started by [`Integration::add`].
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct ConnectStart {
    /// Zoom's authorization page for this request: send the user's browser there.
    pub url: Url,
    /// The request's `state` (also in `url`), for callers that track it.
    pub state: String,
    /// Until when the callback is accepted.
    pub expires_at: DateTime<Utc>,
}

/// A user connected by [`Integration::complete`].
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Connected {
    /// The application's user, from the stored request.
    pub user_id: String,
    /// The Zoom user behind the grant.
    pub zoom_user_id: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// Their Zoom account.
    pub account_id: Option<String>,
    /// The scopes Zoom granted.
    pub scopes: Vec<String>,
}

/// Whether a user can be served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConnectionState {
    /// No grant is stored (never connected, or disconnected).
    NotConnected,
    /// A usable grant is stored.
    Connected,
    /// Zoom refused the grant, or the user deauthorized the app: connect again.
    ReauthorizationRequired,
}

/// What a grant's scopes let the SDK do for the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Capability {
    /// Read the user's profile.
    ReadProfile,
    /// List and read meetings.
    ReadMeetings,
    /// Create, change and delete meetings.
    WriteMeetings,
    /// List and read webinars.
    ReadWebinars,
    /// Create, change and delete webinars.
    WriteWebinars,
    /// List cloud recordings and download their files.
    ReadRecordings,
    /// Delete cloud recordings.
    ManageRecordings,
}

impl Capability {
    /// What a scope allows. Zoom's classic scopes (`meeting:read`) and granular ones
    /// (`meeting:read:list_meetings`, `cloud_recording:read:list_user_recordings`) are read by
    /// their resource and action; admin variants (`meeting:read:admin`) count too.
    pub fn of_scope(scope: &str) -> Option<Self> {
        let mut parts = scope.split(':');
        let (resource, action) = (parts.next()?, parts.next()?);
        Some(match (resource, action) {
            ("user", "read") => Self::ReadProfile,
            ("meeting", "read") => Self::ReadMeetings,
            ("meeting", "write" | "update" | "delete") => Self::WriteMeetings,
            ("webinar", "read") => Self::ReadWebinars,
            ("webinar", "write" | "update" | "delete") => Self::WriteWebinars,
            ("recording" | "cloud_recording", "read") => Self::ReadRecordings,
            ("recording" | "cloud_recording", "write" | "update" | "delete") => {
                Self::ManageRecordings
            }
            _ => return None,
        })
    }

    /// The capabilities `scopes` allow, each once, in a stable order.
    pub fn of_scopes<S: AsRef<str>>(scopes: &[S]) -> Vec<Self> {
        let mut out: Vec<Self> = scopes
            .iter()
            .filter_map(|s| Self::of_scope(s.as_ref()))
            .collect();
        out.sort_by_key(|c| *c as u8);
        out.dedup();
        out
    }
}

/// Where a user's connection stands (`GET /api/integrations/zoom/status`).
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct IntegrationStatus {
    /// The application's user.
    pub user_id: String,
    /// Connected or not.
    pub state: ConnectionState,
    /// Where to send the user to (re)connect, when not connected.
    pub connect_url: Option<String>,
    /// The Zoom user behind the grant.
    pub zoom_user_id: Option<String>,
    /// Their email.
    pub email: Option<String>,
    /// The scopes Zoom granted.
    pub scopes: Vec<String>,
    /// What those scopes allow.
    pub capabilities: Vec<Capability>,
    /// When the current access token expires (it is refreshed on use).
    pub token_expires_at: Option<DateTime<Utc>>,
    /// When the grant was last written (connected or refreshed).
    pub updated_at: Option<DateTime<Utc>>,
    /// The last sync (completed or not).
    pub last_sync: Option<LastSync>,
    /// Whether an interrupted sync waits to be resumed by the next one.
    pub sync_pending: bool,
    /// The last sync error, unless a sync completed since.
    pub last_error: Option<SyncFailure>,
    /// Items in the index, per kind.
    pub indexed: BTreeMap<ItemKind, u64>,
}

fn digest(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

impl Integration {
    /// The integration over `client` (and its token store).
    pub fn new(client: ZoomClient) -> Self {
        Self {
            client,
            state_lifetime: DEFAULT_STATE_LIFETIME,
            index: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// Keep the index in `index` rather than where `ZOOM_INDEX` or the token store say.
    pub fn with_index(mut self, index: LocalIndex) -> Self {
        self.index = Arc::new(tokio::sync::OnceCell::new_with(Some(index)));
        self
    }

    /// The local index, opened (and migrated) on first use: where `ZOOM_INDEX` says, or
    /// beside the token store.
    pub async fn index(&self) -> Result<LocalIndex> {
        self.index
            .get_or_try_init(|| LocalIndex::from_env(self.client.store().as_ref()))
            .await
            .cloned()
    }

    /// Accept callbacks for `lifetime` after [`Integration::add`] (at most 15 minutes, as
    /// [`PendingAuthorization::MAX_AGE`]).
    pub fn with_state_lifetime(mut self, lifetime: Duration) -> Self {
        self.state_lifetime = lifetime.min(PendingAuthorization::MAX_AGE);
        self
    }

    /// The client underneath.
    pub fn client(&self) -> &ZoomClient {
        &self.client
    }

    /// Start connecting `user_id`: the authorization URL, with the request kept server-side.
    pub async fn add(&self, user_id: &str) -> Result<ConnectStart> {
        if user_id.trim().is_empty() || user_id.len() > 256 || user_id.chars().any(char::is_control)
        {
            return Err(Error::invalid(
                "user_id",
                "must be the application's user id: not empty, at most 256 bytes, no control characters",
            ));
        }
        let request = self.client.authorization_url()?;
        let pending = request.pending;
        let lifetime = chrono::Duration::from_std(self.state_lifetime)
            .unwrap_or_else(|_| chrono::Duration::minutes(10));
        let expires_at = pending.created_at + lifetime;
        let record = PendingAuthorizationRecord::new(
            user_id,
            pending.pkce_verifier.clone(),
            pending.created_at,
            expires_at,
        );
        self.client
            .store()
            .put_authorization(&digest(&pending.state), &record)
            .await?;
        Ok(ConnectStart {
            url: request.url,
            state: pending.state,
            expires_at,
        })
    }

    /// Where `user_id`'s connection stands and how their syncs went. Reads the store and the
    /// index only (no call to Zoom); when the user must (re)connect, a fresh connection is
    /// started and its URL returned.
    pub async fn status(&self, user_id: &str) -> Result<IntegrationStatus> {
        let stored = self.client.store().load(&TokenKey::user(user_id)).await?;
        let state = match &stored {
            None => ConnectionState::NotConnected,
            Some(t) if t.status == TokenStatus::Active => ConnectionState::Connected,
            Some(_) => ConnectionState::ReauthorizationRequired,
        };
        let connect_url = if state == ConnectionState::Connected {
            None
        } else {
            // An app without user OAuth configured (Server-to-Server only) has no URL to offer.
            match self.add(user_id).await {
                Ok(started) => Some(started.url.to_string()),
                Err(Error::Config { .. }) => None,
                Err(e) => return Err(e),
            }
        };
        let usable = stored.filter(|_| state == ConnectionState::Connected);
        let scopes = usable
            .as_ref()
            .map(|t| t.scopes.clone())
            .unwrap_or_default();
        let index = self.index().await?;
        let sync = index.state(user_id).await?;
        let indexed = index.counts(user_id).await?.into_iter().collect();
        Ok(IntegrationStatus {
            last_sync: sync.last,
            sync_pending: sync.current.is_some(),
            last_error: sync.last_error,
            indexed,
            user_id: user_id.to_string(),
            state,
            connect_url,
            zoom_user_id: usable.as_ref().and_then(|t| t.zoom_user_id.clone()),
            email: usable.as_ref().and_then(|t| t.email.clone()),
            capabilities: Capability::of_scopes(&scopes),
            scopes,
            token_expires_at: usable.as_ref().map(|t| t.expires_at),
            updated_at: usable.as_ref().map(|t| t.updated_at),
        })
    }

    /// Sync the user's meetings, webinars and cloud recordings into the index (see [`sync`]).
    ///
    /// ```no_run
    /// # async fn demo(zoom: zoom_sdk::integration::Integration) -> zoom_sdk::Result<()> {
    /// use zoom_sdk::integration::SyncOptions;
    /// let report = zoom
    ///     .sync("42", SyncOptions::new().on_progress(|p| {
    ///         println!("{} {}/{:?} (step {} of {})", p.kind, p.done, p.total, p.step, p.steps)
    ///     }))
    ///     .await?;
    /// println!("{} rows written, {} calls", report.written(), report.api_calls);
    /// # Ok(()) }
    /// ```
    pub async fn sync(&self, user_id: &str, options: SyncOptions) -> Result<SyncReport> {
        let (session, token) = self.session_of(user_id).await?;
        let index = self.index().await?;
        let email = token.email.unwrap_or_default();
        let run = sync::Run {
            index: &index,
            session: &session,
            user_id,
            host_email: &email,
            options: &options,
        };
        let r = sync::sync(run).await;
        self.with_connect_url(user_id, r).await
    }

    /// Ranked full-text search over the user's indexed items: words in the topic, agenda,
    /// host email or recording file types (`"quoted phrases"` and `OR` work; any text is a
    /// valid query, and one with no words finds nothing).
    ///
    /// ```no_run
    /// # async fn demo(zoom: zoom_sdk::integration::Integration) -> zoom_sdk::Result<()> {
    /// use zoom_sdk::integration::{ItemKind, SearchFilters};
    /// let page = zoom
    ///     .search("42", "budget review", &SearchFilters::new().kind(ItemKind::Meeting))
    ///     .await?;
    /// for hit in &page.hits {
    ///     println!("{} {} {}", hit.topic, hit.snippet_marked("[", "]"), hit.score);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn search(
        &self,
        user_id: &str,
        query: &str,
        filters: &SearchFilters,
    ) -> Result<SearchPage> {
        filters.check()?;
        let offset = filters.offset()?;
        let index = self.index().await?;
        index
            .search(user_id, &query::Query::parse(query), filters, offset)
            .await
    }

    /// A webhook receiver for the client's secret token that keeps the index fresh and honours
    /// `app_deauthorized` (tokens wiped, index rows removed), then runs `dispatcher`'s handlers.
    pub fn webhook_receiver(
        &self,
        dispatcher: crate::webhooks::WebhookDispatcher,
    ) -> Result<crate::webhooks::WebhookReceiver> {
        Ok(self
            .client
            .webhook_receiver(dispatcher)?
            .with_integration(self.clone()))
    }

    /// Remove the user's index rows and sync state (their tokens are the store's business).
    pub async fn forget(&self, user_id: &str) -> Result<u64> {
        self.index().await?.forget(user_id).await
    }

    /// The user's session and grant, or a typed error with the URL to connect.
    pub(crate) async fn session_of(&self, user_id: &str) -> Result<(ZoomSession, StoredToken)> {
        let key = TokenKey::user(user_id);
        match self.client.store().load(&key).await? {
            None => Err(Error::NotConnected {
                user_id: user_id.to_string(),
                connect_url: self.connect_url(user_id).await,
            }),
            Some(t) if t.status != TokenStatus::Active => Err(Error::ReauthorizationRequired {
                key: key.to_string(),
                reason: "the user's Zoom connection is no longer valid".into(),
                connect_url: self.connect_url(user_id).await,
            }),
            Some(t) => Ok((self.client.user(user_id), t)),
        }
    }

    /// A fresh URL for the user to connect with (none if it cannot be made).
    pub(crate) async fn connect_url(&self, user_id: &str) -> Option<String> {
        self.add(user_id).await.ok().map(|s| s.url.to_string())
    }

    /// A refusal found during a call (a refresh token Zoom refused) gets the URL too.
    pub(crate) async fn with_connect_url<T>(&self, user_id: &str, r: Result<T>) -> Result<T> {
        match r {
            Err(Error::ReauthorizationRequired {
                key,
                reason,
                connect_url: None,
            }) => Err(Error::ReauthorizationRequired {
                key,
                reason,
                connect_url: self.connect_url(user_id).await,
            }),
            Err(Error::NotConnected {
                user_id: who,
                connect_url: None,
            }) => Err(Error::NotConnected {
                connect_url: self.connect_url(&who).await,
                user_id: who,
            }),
            other => other,
        }
    }

    /// Finish a connection from the callback's `state` and `code`: the stored request names
    /// the user; the code is exchanged with its PKCE verifier, the Zoom user looked up, and the
    /// grant stored. A state is good for one callback.
    pub async fn complete(&self, state: &str, code: &str) -> Result<Connected> {
        if state.is_empty() || state.len() > 512 {
            return Err(Error::AuthorizationState {
                problem: StateProblem::Unknown,
            });
        }
        let record = match self
            .client
            .store()
            .take_authorization(&digest(state))
            .await?
        {
            TakenAuthorization::Fresh(r) => r,
            TakenAuthorization::Reused => {
                return Err(Error::AuthorizationState {
                    problem: StateProblem::Reused,
                })
            }
            TakenAuthorization::Unknown => {
                return Err(Error::AuthorizationState {
                    problem: StateProblem::Unknown,
                })
            }
        };
        if record.expires_at <= Utc::now() {
            return Err(Error::AuthorizationState {
                problem: StateProblem::Expired,
            });
        }
        let pending = PendingAuthorization {
            state: state.to_string(),
            pkce_verifier: record.pkce_verifier,
            created_at: record.created_at,
        };
        let token = self
            .client
            .complete_authorization(&record.user_id, code, state, &pending)
            .await?;
        Ok(Connected {
            user_id: record.user_id,
            zoom_user_id: token.zoom_user_id,
            email: token.email,
            account_id: token.account_id,
            scopes: token.scopes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_granular_and_admin_scopes_map_to_capabilities() {
        let caps = Capability::of_scopes(&[
            "meeting:read",
            "meeting:write:meeting",
            "cloud_recording:read:list_user_recordings",
            "user:read:admin",
            "webinar:read",
            "marketplace:read",
            "meeting:read:list_meetings",
        ]);
        assert_eq!(
            caps,
            vec![
                Capability::ReadProfile,
                Capability::ReadMeetings,
                Capability::WriteMeetings,
                Capability::ReadWebinars,
                Capability::ReadRecordings,
            ]
        );
        assert_eq!(Capability::of_scope("nonsense"), None);
    }
}
