//! The integration the backend's `/api/integrations/zoom/*` endpoints and the desktop skills
//! call. This module holds its first part: connecting a user with the authorization request
//! kept server-side, so that any instance of a backend can serve the callback.
//!
//! [`Integration::add`] starts user OAuth for an application user: it returns Zoom's
//! authorization URL and keeps the `state`, the PKCE verifier and the user id in the token
//! store's own database (`zoom_sdk_oauth_states`, keyed by a SHA-256 digest of the state, the
//! verifier sealed like the tokens). [`Integration::complete`] finishes it from the callback's
//! `state` and `code` alone: the user comes from the stored request, never from the callback's
//! query; an unknown, reused or expired state is refused with
//! [`Error::AuthorizationState`].
//!
//! Still to come (issue 11): status, the incremental sync into a searchable index, search, and
//! the skills facade.

use crate::error::{Error, Result, StateProblem};
use crate::oauth::PendingAuthorization;
use crate::store::{PendingAuthorizationRecord, TakenAuthorization};
use crate::ZoomClient;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
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

fn digest(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

impl Integration {
    /// The integration over `client` (and its token store).
    pub fn new(client: ZoomClient) -> Self {
        Self {
            client,
            state_lifetime: DEFAULT_STATE_LIFETIME,
        }
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
