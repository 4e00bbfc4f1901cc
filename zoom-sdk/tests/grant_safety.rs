//! Never lose a grant: each test is named for a behaviour that a review found broken, and runs
//! against the emulator on loopback and a real SQLite file or PostgreSQL database.

mod common;
#[path = "common/pg.rs"]
mod pg;
#[path = "common/proxy.rs"]
mod proxy;

use common::*;
use sqlx::Connection;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use zoom_emulator::FaultConfig;
use zoom_sdk::store::{PostgresTokenStore, SqliteTokenStore, TokenEncryption};
use zoom_sdk::webhooks::{WebhookDispatcher, WebhookRequest, WebhookVerifier};
use zoom_sdk::{Error, ExposeSecret, TokenKey, TokenStore, ZoomClient};

const KEY: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zoom-sdk-grant-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn sqlite(path: &std::path::Path) -> Arc<SqliteTokenStore> {
    Arc::new(
        SqliteTokenStore::open(path, TokenEncryption::with_keys(KEY, &[]).unwrap())
            .await
            .unwrap(),
    )
}

async fn connected_on(emu: &zoom_emulator::Emulator, store: Arc<dyn TokenStore>) -> ZoomClient {
    let client = ZoomClient::builder(config(emu).build().unwrap())
        .token_store(store)
        .build()
        .unwrap();
    connect(&client, USER).await;
    client
}

fn refresh_token(t: &zoom_sdk::StoredToken) -> String {
    t.refresh_token
        .as_ref()
        .unwrap()
        .expose_secret()
        .to_string()
}

/// Poll `done` every 50 ms for up to `secs` seconds.
async fn eventually(secs: u64, mut done: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..secs * 20 {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

async fn lease_count(conn: &mut sqlx::SqliteConnection) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM zoom_sdk_leases")
        .fetch_one(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_caller_that_gives_up_mid_refresh_does_not_lose_the_rotated_grant() {
    let emu = emulator().await;
    let dir = tempdir();
    let store = sqlite(&dir.join("gives-up.db")).await;
    let client = connected_on(&emu, store.clone()).await;
    let key = TokenKey::user(USER);
    let old = refresh_token(&store.load(&key).await.unwrap().unwrap());
    expire_stored(&client).await;
    emu.set_faults(FaultConfig {
        token_latency_ms: 4000,
        ..Default::default()
    });
    let gave_up =
        tokio::time::timeout(Duration::from_secs(1), client.tokens().access_token(&key)).await;
    assert!(gave_up.is_err(), "the caller gave up before Zoom answered");

    // Zoom answers at 4 s; the refresh, not its caller, writes what it issued.
    assert!(
        eventually(10, async || refresh_token(
            &store.load(&key).await.unwrap().unwrap()
        ) != old)
        .await,
        "the rotated grant reached the store"
    );
    let stored = store.load(&key).await.unwrap().unwrap();
    assert!(emu.refresh_token_is_valid(&refresh_token(&stored)));
    assert!(!emu.refresh_token_is_valid(&old));
    emu.clear_faults();
    client.tokens().forget(&key);
    client.user(USER).users().me().await.unwrap();
    let stats = emu.stats();
    assert_eq!(
        (stats.refresh_grants, stats.refresh_failures),
        (1, 0),
        "one refresh, and the spent token was never sent again"
    );
}

#[tokio::test]
async fn a_refreshed_grant_outlives_a_locked_sqlite_file() {
    let emu = emulator().await;
    let dir = tempdir();
    let path = dir.join("locked.db");
    let store = sqlite(&path).await;
    let client = connected_on(&emu, store.clone()).await;
    let key = TokenKey::user(USER);
    expire_stored(&client).await;
    emu.set_faults(FaultConfig {
        token_latency_ms: 1000,
        ..Default::default()
    });
    let c = client.clone();
    let k = key.clone();
    let refresh = tokio::spawn(async move { c.tokens().access_token(&k).await });

    // Once the lease is committed (the token request is under way), another program takes the
    // file's write lock for 9 s: the refresh result cannot be written when Zoom answers.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(eventually(3, async || lease_count(&mut other).await == 1).await);
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let released = Arc::new(AtomicBool::new(false));
    let r = released.clone();
    let holder = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(9)).await;
        r.store(true, Ordering::SeqCst);
        sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    });

    let token = refresh
        .await
        .unwrap()
        .expect("the new grant is served from memory");
    assert!(
        !released.load(Ordering::SeqCst),
        "the caller was served while the file was still locked"
    );
    assert_eq!(client.tokens().grants_at_risk(), 1);
    client.user(USER).users().me().await.unwrap();
    holder.await.unwrap();

    assert!(
        eventually(20, async || client.tokens().grants_at_risk() == 0).await,
        "the grant was persisted once the lock was gone"
    );
    let mut check = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(
        lease_count(&mut check).await,
        0,
        "the refresh lease was released with the write"
    );
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.access_token.expose_secret(), token.expose_secret());
    assert!(emu.refresh_token_is_valid(&refresh_token(&stored)));
    let stats = emu.stats();
    assert_eq!((stats.refresh_grants, stats.refresh_failures), (1, 0));
}

#[tokio::test]
async fn a_refreshed_grant_outlives_refused_postgres_connections() {
    let Some(db) = pg::fresh_db("grant_refused").await else {
        return;
    };
    let direct = url::Url::parse(&db.url).unwrap();
    let target = format!(
        "{}:{}",
        direct.host_str().unwrap(),
        direct.port().unwrap_or(5432)
    )
    .parse()
    .unwrap();
    let proxy = proxy::FlakyProxy::start(target).await;
    let mut via = direct.clone();
    via.set_host(Some("127.0.0.1")).unwrap();
    via.set_port(Some(proxy.addr.port())).unwrap();

    let emu = emulator().await;
    let enc = || TokenEncryption::with_keys(KEY, &[]).unwrap();
    let store = Arc::new(
        PostgresTokenStore::connect(via.as_str(), enc())
            .await
            .unwrap(),
    );
    let client = connected_on(&emu, store).await;
    let key = TokenKey::user(USER);
    expire_stored(&client).await;
    emu.set_faults(FaultConfig {
        token_latency_ms: 1000,
        ..Default::default()
    });
    let c = client.clone();
    let k = key.clone();
    let refresh = tokio::spawn(async move { c.tokens().access_token(&k).await });

    // The lease is committed before the token request: visible from an independent connection.
    let observer = PostgresTokenStore::connect(&db.url, enc()).await.unwrap();
    let pool = observer.pool().clone();
    assert!(
        eventually(3, async || sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM zoom_sdk_leases"
        )
        .fetch_one(&pool)
        .await
        .unwrap()
            == 1)
        .await
    );
    // PostgreSQL "restarts": open connections cut, new ones refused, for 4 s.
    proxy.set_up(false);
    tokio::time::sleep(Duration::from_secs(4)).await;
    proxy.set_up(true);

    let token = refresh
        .await
        .unwrap()
        .expect("the refreshed grant is served");
    assert!(eventually(30, async || client.tokens().grants_at_risk() == 0).await);
    let stored = observer.load(&key).await.unwrap().unwrap();
    assert_eq!(stored.access_token.expose_secret(), token.expose_secret());
    assert!(emu.refresh_token_is_valid(&refresh_token(&stored)));
    let stats = emu.stats();
    assert_eq!((stats.refresh_grants, stats.refresh_failures), (1, 0));
    let leases: i64 = sqlx::query_scalar("SELECT count(*) FROM zoom_sdk_leases")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(leases, 0, "the lease was released with the write");
}

#[tokio::test]
async fn the_store_is_not_locked_while_zoom_answers_a_refresh() {
    let emu = emulator().await;
    let dir = tempdir();
    let path = dir.join("unlocked.db");
    let store = sqlite(&path).await;
    let client = connected_on(&emu, store.clone()).await;
    let key = TokenKey::user(USER);
    let other_key = TokenKey::user("someone-else");
    store
        .save(&other_key, &store.load(&key).await.unwrap().unwrap())
        .await
        .unwrap();
    expire_stored(&client).await;
    emu.set_faults(FaultConfig {
        token_latency_ms: 3000,
        ..Default::default()
    });
    let c = client.clone();
    let k = key.clone();
    let refresh = tokio::spawn(async move { c.tokens().access_token(&k).await });
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(eventually(3, async || lease_count(&mut conn).await == 1).await);

    // While the token request is in flight: another user's grant is written (SQLite's write
    // lock is free), the refreshing user's grant is read, and another user's lock is taken.
    let mut t = store.load(&other_key).await.unwrap().unwrap();
    t.metadata = serde_json::json!({"touched": true});
    store.save(&other_key, &t).await.unwrap();
    assert!(store.load(&key).await.unwrap().is_some());
    let lock = store.lock(&other_key).await.unwrap();
    lock.release().await.unwrap();
    assert!(
        !refresh.is_finished(),
        "all of that happened before Zoom answered the refresh"
    );
    refresh.await.unwrap().unwrap();
    assert_eq!(lease_count(&mut conn).await, 0);
}

#[tokio::test]
async fn no_grant_is_stored_when_the_zoom_user_cannot_be_looked_up() {
    let emu = emulator().await;
    let client = client(&emu);
    let (code, state, pending) = authorize(&client).await;
    emu.set_faults(FaultConfig {
        fail_next: 10,
        only_route: Some("GET /users/{userId}".into()),
        ..Default::default()
    });
    let err = client
        .complete_authorization(USER, &code, &state, &pending)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api(ref a) if a.status == 503),
        "{err:?}"
    );
    assert!(
        client
            .store()
            .load(&TokenKey::user(USER))
            .await
            .unwrap()
            .is_none(),
        "no orphan grant without its Zoom user"
    );
    let stats = emu.stats();
    assert_eq!(stats.authorization_code_grants, 1);
    assert_eq!(stats.revocations, 1, "the unusable grant went back to Zoom");

    // The user tries again and it works.
    emu.clear_faults();
    let (code, state, pending) = authorize(&client).await;
    let t = client
        .complete_authorization(USER, &code, &state, &pending)
        .await
        .unwrap();
    assert!(t.zoom_user_id.is_some());
}

/// A store whose lock fails on demand (a database gone while a webhook arrives).
#[derive(Debug, Default)]
struct BrokenLocks {
    inner: zoom_sdk::MemoryTokenStore,
    broken: AtomicBool,
}

#[async_trait::async_trait]
impl TokenStore for BrokenLocks {
    async fn load(&self, key: &TokenKey) -> zoom_sdk::Result<Option<zoom_sdk::StoredToken>> {
        self.inner.load(key).await
    }
    async fn save(&self, key: &TokenKey, t: &zoom_sdk::StoredToken) -> zoom_sdk::Result<()> {
        self.inner.save(key, t).await
    }
    async fn delete(&self, key: &TokenKey) -> zoom_sdk::Result<bool> {
        self.inner.delete(key).await
    }
    async fn keys(&self) -> zoom_sdk::Result<Vec<TokenKey>> {
        self.inner.keys().await
    }
    async fn lock(
        &self,
        key: &TokenKey,
    ) -> zoom_sdk::Result<Box<dyn zoom_sdk::store::TokenLock + '_>> {
        if self.broken.load(Ordering::SeqCst) {
            return Err(Error::Storage {
                message: "database unavailable".into(),
            });
        }
        self.inner.lock(key).await
    }
}

#[tokio::test]
async fn a_deauthorization_whose_wipe_fails_is_answered_503_so_zoom_resends_it() {
    let emu = emulator().await;
    let store = Arc::new(BrokenLocks::default());
    let secret = "whsec-deauth-0123456789";
    let client = ZoomClient::builder(config(&emu).webhook_secret_token(secret).build().unwrap())
        .token_store(store.clone())
        .build()
        .unwrap();
    let (code, state, pending) = authorize(&client).await;
    let t = client
        .complete_authorization(USER, &code, &state, &pending)
        .await
        .unwrap();
    let receiver = client.webhook_receiver(WebhookDispatcher::new()).unwrap();
    let body = serde_json::to_vec(&serde_json::json!({
        "event": "app_deauthorized",
        "event_ts": 1764086400000u64,
        "payload": {"account_id": "acct", "user_id": t.zoom_user_id.unwrap(), "signature": "x",
                    "deauthorization_time": "2026-11-25T00:00:00Z", "client_id": "c"}
    }))
    .unwrap();
    let v = WebhookVerifier::new(secret);
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = v.sign(&ts, &body);
    let req = WebhookRequest {
        timestamp: Some(&ts),
        signature: Some(&sig),
        body: &body,
    };
    store.broken.store(true, Ordering::SeqCst);
    let err = receiver.handle(&req).await.unwrap_err();
    assert_eq!(err.http_status(), 503, "{err}");
    assert_eq!(
        store
            .load(&TokenKey::user(USER))
            .await
            .unwrap()
            .unwrap()
            .status,
        zoom_sdk::TokenStatus::Active,
        "the grant is still there, so Zoom must resend"
    );
    // Zoom resends once the store is back: honoured and acknowledged.
    store.broken.store(false, Ordering::SeqCst);
    assert_eq!(receiver.handle(&req).await.unwrap().status, 200);
    assert_eq!(
        store
            .load(&TokenKey::user(USER))
            .await
            .unwrap()
            .unwrap()
            .status,
        zoom_sdk::TokenStatus::Revoked
    );
}

#[tokio::test]
async fn a_retry_after_of_ten_quintillion_seconds_is_an_error_not_a_panic() {
    let emu = emulator().await;
    let client = ZoomClient::new(
        config(&emu)
            .rate_limits(zoom_sdk::http::RateLimits::pro())
            .build()
            .unwrap(),
    )
    .unwrap();
    connect(&client, USER).await;
    emu.set_faults(FaultConfig {
        rate_limit_next: 1,
        retry_after_secs: 10_000_000_000_000_000_000,
        ..Default::default()
    });
    let err = client.user(USER).users().me().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d <= Duration::from_secs(48 * 3600)),
        "{err:?}"
    );
    // The next call is not parked for the (clamped) pause: it fails at once, unsent.
    emu.reset_stats();
    let next = client.user(USER).users().me().await.unwrap_err();
    assert!(matches!(next, Error::RateLimited { .. }), "{next:?}");
    assert_eq!(emu.stats().api_requests, 0);
}

#[tokio::test]
async fn ids_that_would_change_the_request_path_are_refused_before_sending() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    let alice = client.user(USER);
    for id in ["..", ".", "", "a/b", "me?page_size=1", "me#x", "a\u{7}b"] {
        let err = alice
            .meetings()
            .list(id, &Default::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { ref field, .. } if field == "user_id"),
            "{id:?}: {err:?}"
        );
        assert!(matches!(
            alice.users().get(id).await,
            Err(Error::InvalidInput { .. })
        ));
    }
    let uuid = zoom_sdk::api::MeetingRef::Uuid("..".into());
    assert!(matches!(
        alice.recordings().get(uuid).await,
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(emu.stats().api_requests, 0, "nothing reached Zoom");
}

#[tokio::test]
async fn the_redirect_uri_reaches_zoom_exactly_as_configured() {
    let raw = "https://App.Example.com";
    let emu = zoom_emulator::Emulator::start(zoom_emulator::EmulatorConfig {
        redirect_uris: vec![raw.into()],
        rate_limits: zoom_emulator::RateLimitConfig::unlimited(),
        ..Default::default()
    })
    .await
    .unwrap();
    let client = ZoomClient::new(config(&emu).redirect_uri(raw).build().unwrap()).unwrap();
    let (code, state, pending) = authorize(&client).await;
    client
        .complete_authorization(USER, &code, &state, &pending)
        .await
        .expect(
            "Zoom's exact match accepts the redirect URI of the authorization and the exchange",
        );
}

#[tokio::test]
async fn a_grant_with_a_status_this_sdk_does_not_know_is_unusable() {
    let emu = emulator().await;
    let dir = tempdir();
    let path = dir.join("unknown-status.db");
    let store = sqlite(&path).await;
    let client = connected_on(&emu, store.clone()).await;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE zoom_sdk_tokens SET status = 'paused_by_v2'")
        .execute(&mut conn)
        .await
        .unwrap();
    client.tokens().forget(&TokenKey::user(USER));
    let err = client.user(USER).users().me().await.unwrap_err();
    assert!(
        matches!(err, Error::Storage { ref message } if message.contains("does not recognise")),
        "{err:?}"
    );
    assert_eq!(
        emu.stats().refresh_grants,
        0,
        "nothing was refreshed either"
    );
}
