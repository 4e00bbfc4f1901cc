//! The token manager: a valid access token for a key, refreshed only when it is near expiry or
//! Zoom rejected it, never on every call, and never lost once Zoom has rotated it.
//!
//! # How a refresh runs
//!
//! A refresh runs in a task of its own, which the callers join: a caller that gives up (a
//! timeout, a `select!`, a web client that hung up) drops only its wait, never the refresh, so a
//! grant Zoom has rotated is always written. In one process, refreshes of one key queue on one
//! gate, and a task that waited finds the token the first one fetched. Across processes:
//!
//! 1. **Lease.** Under the store's short lock ([`TokenStore::lock`]), the grant is re-read; if
//!    it still needs refreshing and no other holder has a live [`Lease`] on the key, this
//!    process records its own lease and commits. A process that finds a live lease waits
//!    (polling, without holding any lock) until the grant changes or the lease lapses.
//! 2. **Token request**, with no lock held and no connection pinned: refreshes of different
//!    users run in parallel, and reads of the same user are not blocked.
//! 3. **Compare and swap.** Under the short lock again, the new grant is written only if the
//!    stored grant still holds the refresh token this refresh started from; if the user
//!    disconnected, was deauthorized or connected anew meanwhile, the newer state wins. The
//!    lease is released in the same transaction.
//!
//! If the write fails (the store is locked or unreachable), it is retried with backoff for a
//! few seconds; after that the new grant is kept in memory, served to callers, and persisted by
//! a background task that keeps trying, logging at error level that a grant is at risk (never
//! the token). [`TokenManager::grants_at_risk`] counts them.
//!
//! A fresh access token is also kept in memory for a short while (`token_cache_ttl`, 30 s by
//! default), so a busy process does not read its store on every call. A change made by another
//! process (a disconnect, a refresh) is seen within that time; changes made through this
//! manager are seen at once.
//!
//! The one window that can still lose a grant is a process dying between Zoom's answer and the
//! write: nothing but the write happens inside it.

use crate::error::{Error, Result};
use crate::http::metrics::Metrics;
use crate::oauth::OAuthClient;
use crate::store::{Lease, TokenStore};
use crate::token::{same_secret, StoredToken, TokenKey, TokenStatus};
use chrono::Utc;
use secrecy::SecretString;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Mutex as AsyncMutex;

/// How long a refresh keeps retrying its write before it hands the grant to the persister.
const WRITE_BUDGET: Duration = Duration::from_secs(3);
/// The longest pause between two attempts of the persister.
const PERSIST_MAX_DELAY: Duration = Duration::from_secs(30);
/// The longest pause between two looks at another holder's lease.
const LEASE_POLL_MAX: Duration = Duration::from_millis(500);

/// An access token and the Zoom account it acts in (when known), for the rate limiter.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Credential {
    /// The bearer token.
    pub token: SecretString,
    /// The Zoom account of the grant, when the store knows it.
    pub account_id: Option<String>,
}

/// A fresh access token held in memory.
#[derive(Debug)]
struct Cached {
    token: SecretString,
    account_id: Option<String>,
    expires_at: chrono::DateTime<Utc>,
    read_at: Instant,
}

/// A grant Zoom issued that the store has not taken yet. It is the newest grant of its key:
/// it is served, refreshed from, and written as soon as the store answers.
#[derive(Clone, Debug)]
struct Pending {
    token: StoredToken,
    /// The refresh token the stored row holds, which this grant's lineage replaced: the write
    /// is a compare-and-swap against it.
    base: Option<SecretString>,
    /// The lease of the refresh that produced it, released with the write.
    lease: Option<Lease>,
    persister: bool,
}

/// Hands out access tokens and refreshes them.
#[derive(Debug, Clone)]
pub struct TokenManager {
    inner: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    oauth: OAuthClient,
    store: Arc<dyn TokenStore>,
    margin: Duration,
    cache_ttl: Duration,
    lease_ttl: Duration,
    cache: Mutex<HashMap<TokenKey, Cached>>,
    gates: Mutex<HashMap<TokenKey, Arc<AsyncMutex<()>>>>,
    pending: Mutex<HashMap<TokenKey, Pending>>,
    metrics: Arc<Metrics>,
    holder: String,
    refreshes: AtomicU64,
}

/// What the compare-and-swap found.
enum Commit {
    /// The new grant is stored.
    Written,
    /// The stored grant changed meanwhile (a disconnect, a deauthorization, a new connection,
    /// another holder's refresh); it wins over the new one.
    Superseded(Box<Option<StoredToken>>),
}

fn lock_map<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl TokenManager {
    pub(crate) fn new(
        oauth: OAuthClient,
        store: Arc<dyn TokenStore>,
        margin: Duration,
        cache_ttl: Duration,
        lease_ttl: Duration,
        metrics: Arc<Metrics>,
    ) -> Self {
        let holder = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Self {
            inner: Arc::new(Shared {
                oauth,
                store,
                margin,
                cache_ttl,
                lease_ttl,
                cache: Mutex::new(HashMap::new()),
                gates: Mutex::new(HashMap::new()),
                pending: Mutex::new(HashMap::new()),
                metrics,
                holder,
                refreshes: AtomicU64::new(0),
            }),
        }
    }

    /// Drop what this manager holds in memory for `key`, so the next call reads the store (the
    /// client does this itself on disconnect and `app_deauthorized`). A grant not yet
    /// persisted is kept: it is the only copy of a rotated refresh token.
    pub fn forget(&self, key: &TokenKey) {
        self.inner.forget(key);
    }

    /// Drop everything held for `key`, a grant not yet persisted included (the user
    /// disconnected or deauthorized the app: that grant must not come back).
    pub(crate) fn discard(&self, key: &TokenKey) {
        self.forget(key);
        lock_map(&self.inner.pending).remove(key);
    }

    /// The store behind this manager.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    /// How many refreshed grants this process holds that the store has not taken yet (the
    /// store failed after Zoom rotated them). They are served and written as soon as the
    /// store answers; a process exit before then loses them.
    pub fn grants_at_risk(&self) -> usize {
        lock_map(&self.inner.pending).len()
    }

    /// A valid access token for `key`: the stored one while it has more than the refresh margin
    /// left, otherwise a refreshed one.
    pub async fn access_token(&self, key: &TokenKey) -> Result<SecretString> {
        self.credential(key).await.map(|c| c.token)
    }

    /// Like [`TokenManager::access_token`], with the Zoom account of the grant.
    pub async fn credential(&self, key: &TokenKey) -> Result<Credential> {
        if let Some(c) = self.inner.in_memory(key, None) {
            return Ok(c);
        }
        if let Some(t) = self.inner.store.load(key).await? {
            if let Err(e) = check_usable(key, &t) {
                self.forget(key);
                return Err(e);
            }
            if t.is_fresh(self.inner.margin, Utc::now()) {
                self.inner.remember(key, &t);
                return Ok(credential_of(&t));
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
        self.refresh(key, Some(rejected.clone()))
            .await
            .map(|c| c.token)
    }

    /// Refresh now, whatever the stored expiry says (for example after the backend learned that
    /// Zoom revoked the token another way).
    pub async fn force_refresh(&self, key: &TokenKey) -> Result<SecretString> {
        let current = match self.inner.pending_for(key) {
            Some(p) => Some(p.token),
            None => self.inner.store.load(key).await?,
        };
        self.refresh(key, current.map(|t| t.access_token))
            .await
            .map(|c| c.token)
    }

    /// Save a new grant for `key` (after the OAuth code exchange). It replaces whatever was
    /// stored or pending.
    pub async fn store_grant(&self, key: &TokenKey, token: &StoredToken) -> Result<()> {
        let mut lock = self.inner.store.lock(key).await?;
        lock.save(token).await?;
        lock.release().await?;
        lock_map(&self.inner.pending).remove(key);
        self.inner.remember(key, token);
        Ok(())
    }

    /// Run the refresh in a task of its own and wait for it. Dropping this future drops the
    /// wait only: the refresh goes on and writes what Zoom issued.
    async fn refresh(&self, key: &TokenKey, rejected: Option<SecretString>) -> Result<Credential> {
        let shared = self.inner.clone();
        let key = key.clone();
        let task = async move { shared.refresh(&key, rejected.as_ref()).await };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => rt.spawn(task).await.map_err(|e| {
                Error::storage(format!("the token refresh task ended abnormally: {e}"))
            })?,
            // No tokio runtime (an executor of the caller's own): the refresh cannot outlive
            // its caller there, so it runs inline.
            Err(_) => task.await,
        }
    }
}

impl Shared {
    fn forget(&self, key: &TokenKey) {
        lock_map(&self.cache).remove(key);
    }

    fn remember(&self, key: &TokenKey, t: &StoredToken) {
        if self.cache_ttl.is_zero() {
            return;
        }
        let mut cache = lock_map(&self.cache);
        if t.status == TokenStatus::Active {
            cache.insert(
                key.clone(),
                Cached {
                    token: t.access_token.clone(),
                    account_id: t.account_id.clone(),
                    expires_at: t.expires_at,
                    read_at: Instant::now(),
                },
            );
        } else {
            cache.remove(key);
        }
    }

    fn pending_for(&self, key: &TokenKey) -> Option<Pending> {
        lock_map(&self.pending).get(key).cloned()
    }

    /// A fresh token from memory (the cache, then a grant not yet persisted) that is not
    /// `rejected`.
    fn in_memory(&self, key: &TokenKey, rejected: Option<&SecretString>) -> Option<Credential> {
        let not_rejected = |t: &SecretString| rejected.is_none_or(|r| !same_secret(r, t));
        let margin = chrono::Duration::from_std(self.margin).unwrap_or(chrono::Duration::zero());
        if !self.cache_ttl.is_zero() {
            let cache = lock_map(&self.cache);
            if let Some(c) = cache.get(key).filter(|c| {
                c.read_at.elapsed() < self.cache_ttl
                    && c.expires_at - margin > Utc::now()
                    && not_rejected(&c.token)
            }) {
                return Some(Credential {
                    token: c.token.clone(),
                    account_id: c.account_id.clone(),
                });
            }
        }
        self.pending_for(key)
            .map(|p| p.token)
            .filter(|t| t.is_fresh(self.margin, Utc::now()) && not_rejected(&t.access_token))
            .map(|t| credential_of(&t))
    }

    fn gate(&self, key: &TokenKey) -> Arc<AsyncMutex<()>> {
        let mut map = lock_map(&self.gates);
        if map.len() > 1024 {
            map.retain(|_, m| Arc::strong_count(m) > 1);
        }
        map.entry(key.clone()).or_default().clone()
    }

    fn new_lease(&self) -> Lease {
        let n = self.refreshes.fetch_add(1, Ordering::Relaxed);
        Lease::new(format!("{}-{n}", self.holder), self.lease_ttl)
    }

    async fn refresh(
        self: &Arc<Self>,
        key: &TokenKey,
        rejected: Option<&SecretString>,
    ) -> Result<Credential> {
        let gate = self.gate(key);
        let _gate = gate.lock().await;
        // Another task of this process may have refreshed while this one waited.
        if let Some(c) = self.in_memory(key, rejected) {
            return Ok(c);
        }
        let mut poll = Duration::from_millis(25);
        let (current, base, lease) = loop {
            let mut lock = self.store.lock(key).await?;
            let stored = lock.load().await?;
            let pending = self.pending_for(key);
            let base = match &pending {
                Some(p) => p.base.clone(),
                None => stored.as_ref().and_then(|t| t.refresh_token.clone()),
            };
            let current = pending.map(|p| p.token).or(stored);
            if let Some(t) = &current {
                if let Err(e) = check_usable(key, t) {
                    lock.release().await?;
                    self.forget(key);
                    return Err(e);
                }
                let replaced = rejected.is_none_or(|r| !same_secret(r, &t.access_token));
                if replaced && t.is_fresh(self.margin, Utc::now()) {
                    // Another caller (task or process) refreshed while this one waited.
                    lock.release().await?;
                    self.remember(key, t);
                    return Ok(credential_of(t));
                }
            }
            if let TokenKey::User(_) = key {
                if current
                    .as_ref()
                    .and_then(|t| t.refresh_token.as_ref())
                    .is_none()
                {
                    lock.release().await?;
                    // Never connected (or disconnected): not the same as a grant Zoom refused.
                    return Err(match current {
                        None => Error::NotConnected {
                            user_id: key.id().to_string(),
                            connect_url: None,
                        },
                        Some(_) => Error::ReauthorizationRequired {
                            connect_url: None,
                            key: key.to_string(),
                            reason: "the stored grant has no refresh token".into(),
                        },
                    });
                }
            }
            let now = Utc::now();
            match lock.lease().await? {
                Some(l) if l.is_live(now) && !l.holder.starts_with(&self.holder) => {
                    // Another process is refreshing: wait for its grant, holding nothing.
                    lock.release().await?;
                    let left = (l.expires_at - now).to_std().unwrap_or(Duration::ZERO);
                    tokio::time::sleep(poll.min(left).max(Duration::from_millis(5))).await;
                    poll = (poll * 2).min(LEASE_POLL_MAX);
                }
                _ => {
                    let lease = self.new_lease();
                    lock.set_lease(Some(&lease)).await?;
                    lock.release().await?;
                    break (current, base, lease);
                }
            }
        };
        let early = current
            .as_ref()
            .is_some_and(|t| t.is_fresh(self.margin, Utc::now()));
        let result = match key {
            TokenKey::Account(_) => self.oauth.account_credentials().await,
            TokenKey::User(_) => match current.as_ref().and_then(|t| t.refresh_token.as_ref()) {
                Some(rt) => self.oauth.refresh(rt).await,
                None => Err(Error::storage("the grant lost its refresh token")),
            },
        };
        match result {
            Ok(set) => {
                let token = match current {
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
                self.metrics.record_refresh(early);
                tracing::info!(key = %key, "zoom.token: refreshed");
                self.persist(key, token, base, lease).await
            }
            Err(Error::OAuth {
                error, description, ..
            }) if error == "invalid_grant" && matches!(key, TokenKey::User(_)) => {
                self.refused(key, current, base, &lease).await;
                tracing::warn!(key = %key, "zoom.token: refresh token refused; re-authorization required");
                Err(Error::ReauthorizationRequired {
                    connect_url: None,
                    key: key.to_string(),
                    reason: format!(
                        "Zoom refused the refresh token (invalid_grant{})",
                        description.map(|d| format!(": {d}")).unwrap_or_default()
                    ),
                })
            }
            Err(e) => {
                // Nothing was issued: give the lease back so others need not wait for it.
                if let Err(release) = self.release_lease(key, &lease).await {
                    tracing::warn!(key = %key, error = %release, "zoom.token: could not release the refresh lease; it lapses by itself");
                }
                Err(e)
            }
        }
    }

    /// Zoom refused the refresh token: mark the grant, unless it changed meanwhile.
    async fn refused(
        &self,
        key: &TokenKey,
        current: Option<StoredToken>,
        base: Option<SecretString>,
        lease: &Lease,
    ) {
        lock_map(&self.pending).remove(key);
        self.forget(key);
        let mark = async {
            let mut lock = self.store.lock(key).await?;
            if let Some(mut row) = lock.load().await? {
                if same_opt_secret(row.refresh_token.as_ref(), base.as_ref()) {
                    if let Some(c) = current {
                        row = c;
                    }
                    row.status = TokenStatus::ReauthorizationRequired;
                    row.updated_at = Utc::now();
                    lock.save(&row).await?;
                }
            }
            clear_own_lease(lock.as_mut(), lease).await?;
            lock.release().await
        };
        if let Err(e) = mark.await {
            tracing::error!(key = %key, error = %e, "zoom.token: could not record that re-authorization is required");
        }
    }

    async fn release_lease(&self, key: &TokenKey, lease: &Lease) -> Result<()> {
        let mut lock = self.store.lock(key).await?;
        clear_own_lease(lock.as_mut(), lease).await?;
        lock.release().await
    }

    /// Write `token`, compare-and-swap against `base`, retrying for [`WRITE_BUDGET`]; then hand
    /// it to the persister and serve it from memory.
    async fn persist(
        self: &Arc<Self>,
        key: &TokenKey,
        token: StoredToken,
        base: Option<SecretString>,
        lease: Lease,
    ) -> Result<Credential> {
        let started = Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            match self.commit(key, &token, base.as_ref(), Some(&lease)).await {
                Ok(Commit::Written) => {
                    lock_map(&self.pending).remove(key);
                    self.remember(key, &token);
                    return Ok(credential_of(&token));
                }
                Ok(Commit::Superseded(now)) => {
                    lock_map(&self.pending).remove(key);
                    return self.superseded(key, *now);
                }
                Err(e) if started.elapsed() + delay < WRITE_BUDGET => {
                    tracing::warn!(key = %key, error = %e, "zoom.token: storing the refreshed grant failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                Err(e) => {
                    tracing::error!(key = %key, error = %e, "zoom.token: GRANT AT RISK: the store did not take the refreshed grant; it is served from memory and written as soon as the store answers");
                    self.keep_pending(key, token.clone(), base, lease);
                    return Ok(credential_of(&token));
                }
            }
        }
    }

    fn superseded(&self, key: &TokenKey, now: Option<StoredToken>) -> Result<Credential> {
        tracing::warn!(key = %key, "zoom.token: the grant changed during the refresh; the newer state wins");
        self.forget(key);
        match now {
            Some(t) => {
                check_usable(key, &t)?;
                self.remember(key, &t);
                Ok(credential_of(&t))
            }
            // The user disconnected while the token was being refreshed.
            None => Err(Error::NotConnected {
                user_id: key.id().to_string(),
                connect_url: None,
            }),
        }
    }

    /// The compare-and-swap: write `token` if the stored row still holds `base`.
    async fn commit(
        &self,
        key: &TokenKey,
        token: &StoredToken,
        base: Option<&SecretString>,
        lease: Option<&Lease>,
    ) -> Result<Commit> {
        let mut lock = self.store.lock(key).await?;
        let row = lock.load().await?;
        let outcome = match (key, row) {
            (_, Some(r)) if r.status == TokenStatus::Revoked => {
                Commit::Superseded(Box::new(Some(r)))
            }
            (TokenKey::User(_), None) => Commit::Superseded(Box::new(None)),
            (TokenKey::User(_), Some(r)) if !same_opt_secret(r.refresh_token.as_ref(), base) => {
                Commit::Superseded(Box::new(Some(r)))
            }
            _ => {
                lock.save(token).await?;
                Commit::Written
            }
        };
        if let Some(lease) = lease {
            clear_own_lease(lock.as_mut(), lease).await?;
        }
        lock.release().await?;
        Ok(outcome)
    }

    fn keep_pending(
        self: &Arc<Self>,
        key: &TokenKey,
        token: StoredToken,
        base: Option<SecretString>,
        lease: Lease,
    ) {
        let start = {
            let mut pending = lock_map(&self.pending);
            let running = pending.get(key).is_some_and(|p| p.persister);
            pending.insert(
                key.clone(),
                Pending {
                    token,
                    base,
                    lease: Some(lease),
                    persister: true,
                },
            );
            !running
        };
        if start {
            let shared = self.clone();
            let key = key.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move { shared.persister(key).await });
            }
        }
    }

    /// Keep writing the pending grant of `key` until the store takes it or it is replaced.
    async fn persister(self: Arc<Self>, key: TokenKey) {
        let mut delay = Duration::from_millis(250);
        for attempt in 1u64.. {
            tokio::time::sleep(delay).await;
            let gate = self.gate(&key);
            let _gate = gate.lock().await;
            let Some(p) = self.pending_for(&key) else {
                return;
            };
            match self
                .commit(&key, &p.token, p.base.as_ref(), p.lease.as_ref())
                .await
            {
                Ok(outcome) => {
                    {
                        let mut pending = lock_map(&self.pending);
                        if pending.get(&key).is_some_and(|q| {
                            same_secret(&q.token.access_token, &p.token.access_token)
                        }) {
                            pending.remove(&key);
                        }
                    }
                    match outcome {
                        Commit::Written => {
                            self.remember(&key, &p.token);
                            tracing::warn!(key = %key, attempt, "zoom.token: the grant at risk is stored now");
                        }
                        Commit::Superseded(_) => {
                            self.forget(&key);
                            tracing::warn!(key = %key, "zoom.token: the grant at risk was superseded by a newer state of the store");
                        }
                    }
                    return;
                }
                Err(e) => {
                    tracing::error!(key = %key, attempt, error = %e, "zoom.token: GRANT AT RISK: the store still refuses the refreshed grant");
                    delay = (delay * 2).min(PERSIST_MAX_DELAY);
                }
            }
        }
    }
}

/// Clear the key's lease if `lease` still holds it (another holder may have taken it over after
/// it lapsed; theirs is left alone).
async fn clear_own_lease(
    lock: &mut (dyn crate::store::TokenLock + '_),
    lease: &Lease,
) -> Result<()> {
    if lock
        .lease()
        .await?
        .is_some_and(|l| l.holder == lease.holder)
    {
        lock.set_lease(None).await?;
    }
    Ok(())
}

fn credential_of(t: &StoredToken) -> Credential {
    Credential {
        token: t.access_token.clone(),
        account_id: t.account_id.clone(),
    }
}

fn same_opt_secret(a: Option<&SecretString>, b: Option<&SecretString>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_secret(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn check_usable(key: &TokenKey, t: &StoredToken) -> Result<()> {
    match t.status {
        TokenStatus::Active => Ok(()),
        TokenStatus::ReauthorizationRequired => Err(Error::ReauthorizationRequired {
            connect_url: None,
            key: key.to_string(),
            reason: "Zoom refused the stored refresh token earlier".into(),
        }),
        TokenStatus::Revoked => Err(Error::ReauthorizationRequired {
            connect_url: None,
            key: key.to_string(),
            reason: "the user disconnected or deauthorized the app".into(),
        }),
        TokenStatus::Unrecognized => Err(Error::storage(format!(
            "the stored grant of {key} has a status this SDK does not recognise (written by a newer version?); it is not used"
        ))),
    }
}
