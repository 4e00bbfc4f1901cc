//! The token manager: a valid access token for a key, refreshed only when it is near expiry or
//! Zoom rejected it, never on every call.
//!
//! Refreshing is single-flight: in one process, callers for the same key queue on one async
//! mutex; across processes, the store's own lock ([`crate::store::TokenStore::lock`]) does the
//! same. Under both locks the grant is re-read, so a caller that waited finds the token the
//! first one fetched and does not refresh again. The rotated refresh token is written to the
//! store before the new access token is handed out.
//!
//! A fresh access token is also kept in memory for a short while (`token_cache_ttl`, 30 s by
//! default), so a busy process does not read its store on every call. A change made by another
//! process (a disconnect, a refresh) is seen within that time; changes made through this
//! manager are seen at once.
//!
//! The one window that can lose a grant is between Zoom's answer to a refresh and the store
//! write: if the process dies there, Zoom has spent the old refresh token and the new one was
//! never written. The window is one local write long; nothing else (no API call, no logging
//! I/O) happens inside it.

use crate::error::{Error, Result};
use crate::http::metrics::Metrics;
use crate::oauth::OAuthClient;
use crate::store::TokenStore;
use crate::token::{same_secret, StoredToken, TokenKey, TokenStatus};
use chrono::Utc;
use secrecy::SecretString;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Mutex as AsyncMutex;

/// A fresh access token held in memory.
#[derive(Debug)]
struct Cached {
    token: SecretString,
    expires_at: chrono::DateTime<Utc>,
    read_at: Instant,
}

/// Hands out access tokens and refreshes them.
#[derive(Debug)]
pub struct TokenManager {
    oauth: OAuthClient,
    store: Arc<dyn TokenStore>,
    margin: Duration,
    cache_ttl: Duration,
    cache: Mutex<HashMap<TokenKey, Cached>>,
    inflight: Mutex<HashMap<TokenKey, Arc<AsyncMutex<()>>>>,
    metrics: Arc<Metrics>,
}

impl TokenManager {
    pub(crate) fn new(
        oauth: OAuthClient,
        store: Arc<dyn TokenStore>,
        margin: Duration,
        cache_ttl: Duration,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            oauth,
            store,
            margin,
            cache_ttl,
            cache: Mutex::new(HashMap::new()),
            inflight: Mutex::new(HashMap::new()),
            metrics,
        }
    }

    fn cached(&self, key: &TokenKey) -> Option<SecretString> {
        if self.cache_ttl.is_zero() {
            return None;
        }
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let margin = chrono::Duration::from_std(self.margin).unwrap_or(chrono::Duration::zero());
        cache
            .get(key)
            .filter(|c| c.read_at.elapsed() < self.cache_ttl && c.expires_at - margin > Utc::now())
            .map(|c| c.token.clone())
    }

    fn remember(&self, key: &TokenKey, t: &StoredToken) {
        if self.cache_ttl.is_zero() {
            return;
        }
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if t.status == TokenStatus::Active {
            cache.insert(
                key.clone(),
                Cached {
                    token: t.access_token.clone(),
                    expires_at: t.expires_at,
                    read_at: Instant::now(),
                },
            );
        } else {
            cache.remove(key);
        }
    }

    /// Drop what this manager holds in memory for `key`, so the next call reads the store (the
    /// client does this itself on disconnect and `app_deauthorized`).
    pub fn forget(&self, key: &TokenKey) {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }

    /// The store behind this manager.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.store
    }

    /// A valid access token for `key`: the stored one while it has more than the refresh margin
    /// left, otherwise a refreshed one.
    pub async fn access_token(&self, key: &TokenKey) -> Result<SecretString> {
        if let Some(token) = self.cached(key) {
            return Ok(token);
        }
        if let Some(t) = self.store.load(key).await? {
            if let Err(e) = check_usable(key, &t) {
                self.forget(key);
                return Err(e);
            }
            if t.is_fresh(self.margin, Utc::now()) {
                self.remember(key, &t);
                return Ok(t.access_token);
            }
        }
        self.refresh(key, None).await
    }

    /// Zoom rejected `rejected` (401, code 124): refresh, unless another caller already
    /// replaced that token, in which case the newer one is returned.
    pub async fn refresh_rejected(
        &self,
        key: &TokenKey,
        rejected: &SecretString,
    ) -> Result<SecretString> {
        self.forget(key);
        self.refresh(key, Some(rejected)).await
    }

    /// Refresh now, whatever the stored expiry says (for example after the backend learned that
    /// Zoom revoked the token another way).
    pub async fn force_refresh(&self, key: &TokenKey) -> Result<SecretString> {
        let current = self.store.load(key).await?;
        match current {
            Some(t) => self.refresh(key, Some(&t.access_token)).await,
            None => self.refresh(key, None).await,
        }
    }

    /// Save a new grant for `key` (after the OAuth code exchange).
    pub async fn store_grant(&self, key: &TokenKey, token: &StoredToken) -> Result<()> {
        let mut lock = self.store.lock(key).await?;
        lock.save(token).await?;
        lock.release().await?;
        self.remember(key, token);
        Ok(())
    }

    fn local_lock(&self, key: &TokenKey) -> Arc<AsyncMutex<()>> {
        let mut map = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 1024 {
            map.retain(|_, m| Arc::strong_count(m) > 1);
        }
        map.entry(key.clone()).or_default().clone()
    }

    async fn refresh(
        &self,
        key: &TokenKey,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString> {
        let local = self.local_lock(key);
        let _local = local.lock().await;
        let mut lock = self.store.lock(key).await?;
        let current = lock.load().await?;
        if let Some(t) = &current {
            if let Err(e) = check_usable(key, t) {
                self.forget(key);
                return Err(e);
            }
            let replaced = rejected.is_none_or(|r| !same_secret(r, &t.access_token));
            if replaced && t.is_fresh(self.margin, Utc::now()) {
                // Another caller (task or process) refreshed while this one waited.
                self.remember(key, t);
                return Ok(t.access_token.clone());
            }
        }
        let early = current
            .as_ref()
            .is_some_and(|t| t.is_fresh(self.margin, Utc::now()));
        let result = match key {
            TokenKey::Account(_) => self.oauth.account_credentials().await,
            TokenKey::User(_) => {
                let refresh_token = current
                    .as_ref()
                    .and_then(|t| t.refresh_token.clone())
                    .ok_or_else(|| Error::ReauthorizationRequired {
                        key: key.to_string(),
                        reason: if current.is_some() {
                            "the stored grant has no refresh token".into()
                        } else {
                            "no Zoom connection is stored for this user".into()
                        },
                    })?;
                self.oauth.refresh(&refresh_token).await
            }
        };
        match result {
            Ok(set) => {
                let mut token = match current {
                    Some(mut t) => {
                        t.replace_tokens(set);
                        t
                    }
                    None => {
                        let mut t = StoredToken::from_token_set(set);
                        if let TokenKey::Account(id) = key {
                            t.account_id = Some(id.clone());
                        }
                        t
                    }
                };
                token.updated_at = Utc::now();
                // Write first: the old refresh token is already spent at Zoom.
                if let Err(e) = lock.save(&token).await {
                    tracing::error!(key = %key, error = %e, "zoom.token: refreshed grant could not be stored; the user may have to connect again");
                    return Err(e);
                }
                lock.release().await?;
                self.remember(key, &token);
                self.metrics.record_refresh(early);
                tracing::info!(key = %key, "zoom.token: refreshed");
                Ok(token.access_token)
            }
            Err(Error::OAuth {
                error, description, ..
            }) if error == "invalid_grant" && matches!(key, TokenKey::User(_)) => {
                if let Some(mut t) = current {
                    t.status = TokenStatus::ReauthorizationRequired;
                    t.updated_at = Utc::now();
                    lock.save(&t).await?;
                }
                lock.release().await?;
                self.forget(key);
                tracing::warn!(key = %key, "zoom.token: refresh token refused; re-authorization required");
                Err(Error::ReauthorizationRequired {
                    key: key.to_string(),
                    reason: format!(
                        "Zoom refused the refresh token (invalid_grant{})",
                        description.map(|d| format!(": {d}")).unwrap_or_default()
                    ),
                })
            }
            Err(e) => Err(e),
        }
    }
}

fn check_usable(key: &TokenKey, t: &StoredToken) -> Result<()> {
    match t.status {
        TokenStatus::Active => Ok(()),
        TokenStatus::ReauthorizationRequired => Err(Error::ReauthorizationRequired {
            key: key.to_string(),
            reason: "Zoom refused the stored refresh token earlier".into(),
        }),
        TokenStatus::Revoked => Err(Error::ReauthorizationRequired {
            key: key.to_string(),
            reason: "the user disconnected or deauthorized the app".into(),
        }),
    }
}
