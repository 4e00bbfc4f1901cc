//! The in-memory token cache: it spares the store, and its staleness is bounded.

mod common;

use async_trait::async_trait;
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use zoom_sdk::store::TokenLock;
use zoom_sdk::{Error, MemoryTokenStore, StoredToken, TokenKey, TokenStore, ZoomClient};

/// A memory store that counts its reads.
#[derive(Debug, Default)]
struct Counting {
    inner: MemoryTokenStore,
    loads: AtomicUsize,
}

#[async_trait]
impl TokenStore for Counting {
    async fn load(&self, key: &TokenKey) -> zoom_sdk::Result<Option<StoredToken>> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        self.inner.load(key).await
    }
    async fn save(&self, key: &TokenKey, t: &StoredToken) -> zoom_sdk::Result<()> {
        self.inner.save(key, t).await
    }
    async fn delete(&self, key: &TokenKey) -> zoom_sdk::Result<bool> {
        self.inner.delete(key).await
    }
    async fn keys(&self) -> zoom_sdk::Result<Vec<TokenKey>> {
        self.inner.keys().await
    }
    async fn lock(&self, key: &TokenKey) -> zoom_sdk::Result<Box<dyn TokenLock + '_>> {
        self.inner.lock(key).await
    }
}

async fn setup(ttl: Duration) -> (zoom_emulator::Emulator, ZoomClient, Arc<Counting>) {
    let emu = emulator().await;
    let store = Arc::new(Counting::default());
    let client = ZoomClient::builder(config(&emu).token_cache_ttl(ttl).build().unwrap())
        .token_store(store.clone())
        .build()
        .unwrap();
    connect(&client, USER).await;
    (emu, client, store)
}

#[tokio::test]
async fn a_busy_user_does_not_read_the_store_on_every_call() {
    let (_emu, client, store) = setup(Duration::from_secs(30)).await;
    let before = store.loads.load(Ordering::SeqCst);
    for _ in 0..50 {
        client.user(USER).users().me().await.unwrap();
    }
    assert_eq!(
        store.loads.load(Ordering::SeqCst) - before,
        0,
        "50 calls served from the in-memory token"
    );
}

#[tokio::test]
async fn without_a_cache_every_call_reads_the_store() {
    let (_emu, client, store) = setup(Duration::ZERO).await;
    let before = store.loads.load(Ordering::SeqCst);
    for _ in 0..10 {
        client.user(USER).users().me().await.unwrap();
    }
    assert_eq!(store.loads.load(Ordering::SeqCst) - before, 10);
}

#[tokio::test]
async fn a_disconnect_made_by_another_process_is_seen_within_the_cache_time() {
    let (_emu, client, store) = setup(Duration::from_millis(300)).await;
    client.user(USER).users().me().await.unwrap();
    // Another process removes the grant (without revoking at Zoom).
    store.inner.delete(&TokenKey::user(USER)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let err = client.user(USER).users().me().await.unwrap_err();
    assert!(matches!(err, Error::NotConnected { .. }), "{err:?}");
}
