//! The in-memory store: for tests, and for a single process that can afford to lose its
//! tokens on restart.

use super::{Lease, PendingAuthorizationRecord, TakenAuthorization, TokenLock, TokenStore};
use crate::error::Result;
use crate::token::{StoredToken, TokenKey};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Tokens in a map, refresh locks as per-key async mutexes.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    rows: Mutex<HashMap<TokenKey, StoredToken>>,
    leases: Mutex<HashMap<TokenKey, Lease>>,
    authorizations: Mutex<HashMap<String, (PendingAuthorizationRecord, bool)>>,
    locks: Mutex<HashMap<TokenKey, Arc<AsyncMutex<()>>>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn rows(&self) -> std::sync::MutexGuard<'_, HashMap<TokenKey, StoredToken>> {
        self.rows.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl TokenStore for MemoryTokenStore {
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
        Ok(self.rows().get(key).cloned())
    }

    async fn save(&self, key: &TokenKey, token: &StoredToken) -> Result<()> {
        self.rows().insert(key.clone(), token.clone());
        Ok(())
    }

    async fn delete(&self, key: &TokenKey) -> Result<bool> {
        Ok(self.rows().remove(key).is_some())
    }

    async fn keys(&self) -> Result<Vec<TokenKey>> {
        let mut keys: Vec<TokenKey> = self.rows().keys().cloned().collect();
        keys.sort();
        Ok(keys)
    }

    async fn put_authorization(
        &self,
        state_digest: &str,
        record: &PendingAuthorizationRecord,
    ) -> Result<()> {
        let mut a = self
            .authorizations
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let cutoff = chrono::Utc::now() - chrono::Duration::hours(super::state_sql::KEEP_HOURS);
        a.retain(|_, (r, _)| r.expires_at > cutoff);
        a.insert(state_digest.to_string(), (record.clone(), false));
        Ok(())
    }

    async fn take_authorization(&self, state_digest: &str) -> Result<TakenAuthorization> {
        let mut a = self
            .authorizations
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        Ok(match a.get_mut(state_digest) {
            None => TakenAuthorization::Unknown,
            Some((_, true)) => TakenAuthorization::Reused,
            Some((r, used)) => {
                *used = true;
                TakenAuthorization::Fresh(r.clone())
            }
        })
    }

    async fn lock(&self, key: &TokenKey) -> Result<Box<dyn TokenLock + '_>> {
        let mutex = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            locks.entry(key.clone()).or_default().clone()
        };
        let guard = mutex.lock_owned().await;
        Ok(Box::new(MemoryLock {
            store: self,
            key: key.clone(),
            _guard: guard,
        }))
    }
}

struct MemoryLock<'a> {
    store: &'a MemoryTokenStore,
    key: TokenKey,
    _guard: OwnedMutexGuard<()>,
}

#[async_trait]
impl TokenLock for MemoryLock<'_> {
    async fn load(&mut self) -> Result<Option<StoredToken>> {
        self.store.load(&self.key).await
    }
    async fn save(&mut self, token: &StoredToken) -> Result<()> {
        self.store.save(&self.key, token).await
    }
    async fn lease(&mut self) -> Result<Option<Lease>> {
        let leases = self.store.leases.lock().unwrap_or_else(|p| p.into_inner());
        Ok(leases.get(&self.key).cloned())
    }
    async fn set_lease(&mut self, lease: Option<&Lease>) -> Result<()> {
        let mut leases = self.store.leases.lock().unwrap_or_else(|p| p.into_inner());
        match lease {
            Some(l) => leases.insert(self.key.clone(), l.clone()),
            None => leases.remove(&self.key),
        };
        Ok(())
    }
    async fn release(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}
