//! [`ZoomClient`]: the entry point. One per application; clone it freely (it is an `Arc`).

use crate::config::ZoomConfig;
use crate::error::{Error, Result};
use crate::http::metrics::{Metrics, MetricsSnapshot};
use crate::http::{build_client, ApiRequest, Auth, HttpCore};
use crate::models::User;
use crate::oauth::{AuthorizationRequest, OAuthClient, PendingAuthorization};
use crate::session::ZoomSession;
use crate::store::{MemoryTokenStore, TokenStore};
use crate::token::{StoredToken, TokenKey, TokenStatus};
use crate::token_manager::TokenManager;
use std::sync::Arc;

/// The Zoom client: configuration, one pooled HTTP client, the OAuth endpoints, the token
/// manager and its store.
///
/// The client is runtime-agnostic in the sense that matters to bindings: it spawns no
/// background task, so any tokio runtime that drives its futures will do.
///
/// ```no_run
/// use zoom_sdk::{ZoomClient, ZoomConfig};
/// # async fn demo() -> zoom_sdk::Result<()> {
/// let client = ZoomClient::new(ZoomConfig::from_env()?)?;
/// let auth = client.authorization_url()?;
/// println!("send the user to {}", auth.url);
/// // ... the callback brings `code` and `state` back:
/// # let (code, state) = ("", "");
/// client.complete_authorization("app-user-42", code, state, &auth.pending).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ZoomClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Arc<ZoomConfig>,
    oauth: OAuthClient,
    http: HttpCore,
    tokens: TokenManager,
    metrics: Arc<Metrics>,
}

/// Builder for [`ZoomClient`], to choose the token store.
#[derive(Debug)]
pub struct ZoomClientBuilder {
    config: ZoomConfig,
    store: Option<Arc<dyn TokenStore>>,
}

impl ZoomClientBuilder {
    /// Keep tokens in `store` (default: in memory).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Build the client: one pooled HTTP client (rustls) for OAuth and the API, the token
    /// manager over the chosen store (in memory when none was given), the rate limiter and the
    /// metrics. Nothing is sent and no task is spawned until the first call.
    pub fn build(self) -> Result<ZoomClient> {
        let config = Arc::new(self.config);
        let http_client = build_client(&config)?;
        let metrics = Arc::new(Metrics::default());
        let oauth = OAuthClient::new(config.clone(), http_client.clone())?;
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryTokenStore::new()));
        let tokens = TokenManager::new(
            oauth.clone(),
            store,
            config.refresh_margin(),
            config.token_cache_ttl(),
            // A lease outlives the longest token request it covers, with room to write.
            config.request_timeout()
                + config.connect_timeout()
                + std::time::Duration::from_secs(30),
            metrics.clone(),
        );
        let http = HttpCore::new(http_client, config.clone(), metrics.clone());
        Ok(ZoomClient {
            inner: Arc::new(Inner {
                config,
                oauth,
                http,
                tokens,
                metrics,
            }),
        })
    }
}

impl ZoomClient {
    /// A client with an in-memory token store (tests; tokens are lost on exit). Use
    /// [`ZoomClient::connect`] or [`ZoomClient::builder`] for a persistent one.
    pub fn new(config: ZoomConfig) -> Result<Self> {
        Self::builder(config).build()
    }

    /// A client with the token store named by the environment
    /// ([`crate::store::open_from_env`]: an encrypted SQLite file unless `ZOOM_TOKEN_STORE`
    /// says otherwise).
    pub async fn connect(config: ZoomConfig) -> Result<Self> {
        let store = crate::store::open_from_env().await?;
        Self::builder(config).token_store(store).build()
    }

    /// A client with the token store `spec` names (encryption from the environment, as
    /// [`ZoomClient::connect`]).
    pub async fn connect_to(config: ZoomConfig, spec: &crate::store::StoreSpec) -> Result<Self> {
        let store = spec
            .open(
                crate::store::TokenEncryption::from_env,
                crate::store::LegacyOptions::from_env(),
            )
            .await?;
        Self::builder(config).token_store(store).build()
    }

    /// A builder, to choose the token store.
    pub fn builder(config: ZoomConfig) -> ZoomClientBuilder {
        ZoomClientBuilder {
            config,
            store: None,
        }
    }

    /// The configuration, as validated when the client was built (secrets stay redacted in its
    /// `Debug` and JSON forms).
    pub fn config(&self) -> &ZoomConfig {
        &self.inner.config
    }

    /// The OAuth endpoints.
    pub fn oauth(&self) -> &OAuthClient {
        &self.inner.oauth
    }

    /// The token manager: access tokens per key, refreshed once per expiry across processes;
    /// also how to see grants the store has not taken yet ([`TokenManager::grants_at_risk`]).
    pub fn tokens(&self) -> &TokenManager {
        &self.inner.tokens
    }

    /// The token store. Writing to it directly bypasses the refresh lease and the in-memory
    /// token cache; prefer the client's own calls (connect, disconnect, deauthorization).
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        self.inner.tokens.store()
    }

    pub(crate) fn http(&self) -> &HttpCore {
        &self.inner.http
    }

    /// Counters of requests, retries, refreshes, rate limits and latencies.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.inner.metrics.snapshot()
    }

    /// Act for an application user (user-level OAuth), by the application's own user id.
    pub fn user(&self, user_id: impl Into<String>) -> ZoomSession {
        ZoomSession::new(self.clone(), TokenKey::User(user_id.into()))
    }

    /// Act for the configured account (Server-to-Server OAuth).
    pub fn account(&self) -> Result<ZoomSession> {
        let id = self.config().account_id().ok_or_else(|| {
            Error::config(
                "account_id",
                "Server-to-Server OAuth needs the account id (ZOOM_ACCOUNT_ID)",
            )
        })?;
        Ok(ZoomSession::new(
            self.clone(),
            TokenKey::Account(id.to_string()),
        ))
    }

    /// Start user OAuth: the URL to send the user to, and what to keep until the callback.
    pub fn authorization_url(&self) -> Result<AuthorizationRequest> {
        self.inner.oauth.authorization_url()
    }

    /// Finish user OAuth for `user_id`: check `state`, exchange `code` with the PKCE verifier,
    /// look up the Zoom user with the new token, and store the grant with its Zoom user id (so
    /// that `app_deauthorized` can find it). No grant is ever stored without its Zoom user: if
    /// the look-up fails, the new grant is revoked at Zoom and the error returned, and the user
    /// can simply try again. Returns what was stored.
    pub async fn complete_authorization(
        &self,
        user_id: &str,
        code: &str,
        returned_state: &str,
        pending: &PendingAuthorization,
    ) -> Result<StoredToken> {
        if user_id.trim().is_empty() {
            return Err(Error::invalid("user_id", "must not be empty"));
        }
        pending.verify_state(returned_state)?;
        let set = self.inner.oauth.exchange_code(code, pending).await?;
        let key = TokenKey::user(user_id);
        let me = ApiRequest::new(reqwest::Method::GET, "/users/{userId}", "/users/me".into());
        let me: User = match self.http().json(Auth::Fixed(&set.access_token), &me).await {
            Ok(me) => me,
            Err(e) => {
                // An authorization code grants once: this grant can never be completed, so it
                // goes back to Zoom rather than lingering there or in the store.
                if let Err(revoke) = self.inner.oauth.revoke(&set.access_token).await {
                    tracing::warn!(error = %revoke, "zoom.oauth: could not revoke a grant whose user could not be looked up");
                }
                return Err(e);
            }
        };
        let mut token = StoredToken::from_token_set(set);
        token.zoom_user_id = Some(me.id.clone());
        token.email = Some(me.email.clone());
        token.account_id = me.account_id.clone();
        self.inner.tokens.store_grant(&key, &token).await?;
        Ok(token)
    }

    /// Honour `app_deauthorized`: for every stored grant of that Zoom user, wipe the tokens
    /// and mark it revoked. Returns the keys affected. An error means some grant may still be
    /// stored: the webhook receiver then answers 5xx so that Zoom sends the event again.
    pub async fn handle_deauthorization(
        &self,
        event: &crate::webhooks::DeauthorizationEvent,
    ) -> Result<Vec<TokenKey>> {
        let keys = self.store().find_by_zoom_user_id(&event.user_id).await?;
        for key in &keys {
            self.inner.tokens.discard(key);
            let mut lock = self.store().lock(key).await?;
            if let Some(mut t) = lock.load().await? {
                t.revoke();
                lock.save(&t).await?;
            }
            lock.release().await?;
        }
        Ok(keys)
    }

    /// A webhook receiver using the configured secret token, wired to this client so that
    /// `app_deauthorized` is honoured.
    pub fn webhook_receiver(
        &self,
        dispatcher: crate::webhooks::WebhookDispatcher,
    ) -> Result<crate::webhooks::WebhookReceiver> {
        let secret = self.config().webhook_secret_token().ok_or_else(|| {
            Error::config(
                "webhook_secret_token",
                "webhooks need the app's Secret Token (ZOOM_WEBHOOK_SECRET_TOKEN), from the app's Feature page on the Zoom App Marketplace",
            )
        })?;
        let verifier = crate::webhooks::WebhookVerifier::from_secret(secret.clone());
        Ok(crate::webhooks::WebhookReceiver::new(verifier, dispatcher).with_client(self.clone()))
    }

    /// Disconnect a user: revoke the grant at Zoom and remove it from the store. The stored
    /// grant is removed even if Zoom cannot be reached (the error is returned after).
    pub async fn disconnect(&self, user_id: &str) -> Result<()> {
        let key = TokenKey::user(user_id);
        self.inner.tokens.discard(&key);
        let Some(token) = self.store().load(&key).await? else {
            return Ok(());
        };
        let revoked = match (&token.status, &token.refresh_token) {
            (TokenStatus::Active, _) => self.inner.oauth.revoke(&token.access_token).await,
            (_, Some(rt)) => self.inner.oauth.revoke(rt).await,
            _ => Ok(()),
        };
        self.store().delete(&key).await?;
        revoked
    }
}
