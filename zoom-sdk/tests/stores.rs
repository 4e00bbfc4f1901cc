//! One conformance suite for every token store: memory, a SQLite file, PostgreSQL.

mod common;
#[path = "common/pg.rs"]
mod pg;

use chrono::{Duration as ChronoDuration, SubsecRound, Utc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use zoom_sdk::store::{PostgresTokenStore, SqliteTokenStore, TokenEncryption};
use zoom_sdk::{
    ExposeSecret, MemoryTokenStore, StoredToken, TokenKey, TokenSet, TokenStatus, TokenStore,
};

const KEY: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";
const KEY2: &str = "atEiflVK4yQnrn6zRB6ai1yJbvTaXFQNTwYCv2Oee6k=";

fn token(access: &str, refresh: Option<&str>) -> StoredToken {
    let mut t = StoredToken::from_token_set(
        TokenSet::new(
            access.to_string().into(),
            refresh.map(|r| r.to_string().into()),
            (Utc::now() + ChronoDuration::seconds(3600)).trunc_subsecs(3),
        )
        .with_scopes(["meeting:read", "meeting:write"])
        .with_issued_at(Utc::now().trunc_subsecs(3)),
    );
    t.updated_at = t.updated_at.trunc_subsecs(3);
    t.zoom_user_id = Some("zu-1".into());
    t.email = Some("a@example.com".into());
    t.account_id = Some("acc".into());
    t.metadata = serde_json::json!({"plan": "pro", "n": 1});
    t
}

async fn conformance(store: Arc<dyn TokenStore>) {
    let user = TokenKey::user(format!("u-{}", rand::random::<u32>()));
    let account = TokenKey::account(format!("a-{}", rand::random::<u32>()));
    assert!(store.load(&user).await.unwrap().is_none());

    let t = token("access-1", Some("refresh-1"));
    store.save(&user, &t).await.unwrap();
    let got = store.load(&user).await.unwrap().unwrap();
    assert_eq!(got.access_token.expose_secret(), "access-1");
    assert_eq!(
        got.refresh_token.as_ref().unwrap().expose_secret(),
        "refresh-1"
    );
    assert_eq!((got.expires_at, got.issued_at), (t.expires_at, t.issued_at));
    assert_eq!(got.scopes, t.scopes);
    assert_eq!(
        (
            got.zoom_user_id.as_deref(),
            got.email.as_deref(),
            got.account_id.as_deref()
        ),
        (Some("zu-1"), Some("a@example.com"), Some("acc"))
    );
    assert_eq!(got.metadata, t.metadata);
    assert_eq!(got.status, TokenStatus::Active);

    // Server-to-Server: keyed by account, no refresh token.
    store.save(&account, &token("s2s-1", None)).await.unwrap();
    assert!(store
        .load(&account)
        .await
        .unwrap()
        .unwrap()
        .refresh_token
        .is_none());

    // Replace, statuses, lookups.
    let mut t2 = token("access-2", Some("refresh-2"));
    t2.status = TokenStatus::ReauthorizationRequired;
    store.save(&user, &t2).await.unwrap();
    let got = store.load(&user).await.unwrap().unwrap();
    assert_eq!(got.access_token.expose_secret(), "access-2");
    assert_eq!(got.status, TokenStatus::ReauthorizationRequired);
    let keys = store.keys().await.unwrap();
    assert!(keys.contains(&user) && keys.contains(&account));
    assert!(store
        .find_by_zoom_user_id("zu-1")
        .await
        .unwrap()
        .contains(&user));

    // Writes through the lock are visible after release.
    let mut lock = store.lock(&user).await.unwrap();
    let mut current = lock.load().await.unwrap().unwrap();
    current.replace_tokens(TokenSet::new(
        "access-3".to_string().into(),
        Some("refresh-3".to_string().into()),
        Utc::now() + ChronoDuration::seconds(60),
    ));
    lock.save(&current).await.unwrap();
    lock.release().await.unwrap();
    let got = store.load(&user).await.unwrap().unwrap();
    assert_eq!(got.refresh_token.unwrap().expose_secret(), "refresh-3");
    assert_eq!(
        got.status,
        TokenStatus::Active,
        "replace_tokens reactivates"
    );

    // The lock is exclusive: a second holder waits until the first releases.
    let held = Arc::new(AtomicBool::new(true));
    let first = store.lock(&user).await.unwrap();
    let (s2, h2, u2) = (store.clone(), held.clone(), user.clone());
    let waiter = tokio::spawn(async move {
        let l = s2.lock(&u2).await.unwrap();
        let still_held = h2.load(Ordering::SeqCst);
        l.release().await.unwrap();
        still_held
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    held.store(false, Ordering::SeqCst);
    first.release().await.unwrap();
    assert!(
        !waiter.await.unwrap(),
        "the second lock was granted while the first was held"
    );

    assert!(store.delete(&user).await.unwrap());
    assert!(!store.delete(&user).await.unwrap());
    assert!(store.load(&user).await.unwrap().is_none());
    store.delete(&account).await.unwrap();
}

#[tokio::test]
async fn memory_store_conforms() {
    conformance(Arc::new(MemoryTokenStore::new())).await;
}

#[tokio::test]
async fn sqlite_store_conforms_and_keeps_tokens_encrypted_at_rest() {
    let dir = tempdir();
    let path = dir.join("tokens.db");
    let store = Arc::new(
        SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY, &[]).unwrap())
            .await
            .unwrap(),
    );
    conformance(store.clone()).await;
    store
        .save(
            &TokenKey::user("visible"),
            &token("plain-access-token-xyz", Some("plain-refresh-token-xyz")),
        )
        .await
        .unwrap();
    drop(store);
    let raw = std::fs::read(&path).unwrap();
    let wal = std::fs::read(path.with_extension("db-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("plain-access-token-xyz") && !text.contains("plain-refresh-token-xyz")
        );
    }
    // The same file with the wrong key: a clear error, never garbage.
    let wrong = SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY2, &[]).unwrap())
        .await
        .unwrap();
    let err = wrong.load(&TokenKey::user("visible")).await.unwrap_err();
    assert!(
        err.to_string().contains("ZOOM_TOKEN_ENCRYPTION_OLD_KEYS"),
        "{err}"
    );
}

#[tokio::test]
async fn keys_rotate_by_resealing_in_place() {
    let dir = tempdir();
    let path = dir.join("rotate.db");
    let plain = SqliteTokenStore::open(&path, TokenEncryption::insecure_plaintext())
        .await
        .unwrap();
    plain
        .save(&TokenKey::user("p"), &token("pa", Some("pr")))
        .await
        .unwrap();
    drop(plain);
    let old = SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY, &[]).unwrap())
        .await
        .unwrap();
    old.save(&TokenKey::user("o"), &token("oa", Some("or")))
        .await
        .unwrap();
    drop(old);
    let new = SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY2, &[KEY]).unwrap())
        .await
        .unwrap();
    let report = new.reseal(1).await.unwrap();
    assert_eq!(
        (report.resealed, report.batches),
        (2, 2),
        "the plaintext row and the old-key row"
    );
    assert_eq!(new.reseal(10).await.unwrap().resealed, 0, "idempotent");
    drop(new);
    let only_new = SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY2, &[]).unwrap())
        .await
        .unwrap();
    assert_eq!(
        only_new
            .load(&TokenKey::user("p"))
            .await
            .unwrap()
            .unwrap()
            .access_token
            .expose_secret(),
        "pa"
    );
    assert_eq!(
        only_new
            .load(&TokenKey::user("o"))
            .await
            .unwrap()
            .unwrap()
            .refresh_token
            .unwrap()
            .expose_secret(),
        "or"
    );
}

#[tokio::test]
async fn postgres_store_conforms_and_keeps_tokens_encrypted_at_rest() {
    let Some(db) = pg::fresh_db("conformance").await else {
        return;
    };
    let store = Arc::new(
        PostgresTokenStore::connect(&db.url, TokenEncryption::with_keys(KEY, &[]).unwrap())
            .await
            .unwrap(),
    );
    conformance(store.clone()).await;
    store
        .save(
            &TokenKey::user("visible"),
            &token("pg-plain-access", Some("pg-plain-refresh")),
        )
        .await
        .unwrap();
    let (a, r, kid): (String, Option<String>, Option<String>) = sqlx::query_as("SELECT access_token, refresh_token, encryption_key_id FROM zoom_sdk_tokens WHERE owner_id = 'visible'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(!a.contains("pg-plain-access") && !r.unwrap().contains("pg-plain-refresh"));
    assert!(kid.is_some());
}

/// A directory under the target dir, unique per call.
pub fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zoom-sdk-test-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_client_on_sqlite_survives_a_restart_without_reconnecting() {
    let emu = common::emulator().await;
    let dir = tempdir();
    let path = dir.join("restart.db");
    let open = || async {
        Arc::new(
            SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY, &[]).unwrap())
                .await
                .unwrap(),
        )
    };
    {
        let client = zoom_sdk::ZoomClient::builder(common::config(&emu).build().unwrap())
            .token_store(open().await)
            .build()
            .unwrap();
        let (code, state, pending) = common::authorize(&client).await;
        client
            .complete_authorization(common::USER, &code, &state, &pending)
            .await
            .unwrap();
    }
    let client = zoom_sdk::ZoomClient::builder(common::config(&emu).build().unwrap())
        .token_store(open().await)
        .build()
        .unwrap();
    emu.expire_access_tokens(None);
    client.user(common::USER).users().me().await.unwrap();
    assert_eq!(emu.stats().refresh_grants, 1);
}

#[tokio::test]
async fn a_store_spec_opens_the_named_store_and_bad_specs_say_what_to_write() {
    assert!(zoom_sdk::store::open("memory").await.is_ok());
    let err = zoom_sdk::store::open("redis://x").await.unwrap_err();
    assert!(err.to_string().contains("sqlite:PATH"), "{err}");
}

#[tokio::test]
async fn rotation_reseals_and_counts_every_row_holding_a_token_whatever_its_status() {
    let dir = tempdir();
    let path = dir.join("rotate-all.db");
    let old = SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY, &[]).unwrap())
        .await
        .unwrap();
    let mut reauth = token("ra", Some("rr"));
    reauth.status = zoom_sdk::TokenStatus::ReauthorizationRequired;
    let mut revoked = token("va", Some("vr"));
    revoked.revoke();
    for (id, t) in [
        ("active", token("aa", Some("ar"))),
        ("reauth", reauth),
        ("revoked", revoked),
    ] {
        old.save(&TokenKey::user(id), &t).await.unwrap();
    }
    drop(old);
    let rotated = SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY2, &[KEY]).unwrap())
        .await
        .unwrap();
    let status = rotated.encryption_status().await.unwrap().unwrap();
    assert_eq!(
        (status.current_key, status.former_keys, status.plaintext),
        (0, 2, 0),
        "the re-authorization row still needs the former key; the wiped row holds nothing"
    );
    assert_eq!(rotated.reseal(10).await.unwrap().resealed, 2);
    let status = rotated.encryption_status().await.unwrap().unwrap();
    assert_eq!((status.current_key, status.former_keys), (2, 0));
    drop(rotated);
    // The former key can go: every row still reads.
    let only_new = SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY2, &[]).unwrap())
        .await
        .unwrap();
    for id in ["active", "reauth", "revoked"] {
        assert!(
            only_new.load(&TokenKey::user(id)).await.unwrap().is_some(),
            "{id}"
        );
    }
    let reauth = only_new
        .load(&TokenKey::user("reauth"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reauth.refresh_token.unwrap().expose_secret(), "rr");
}

#[tokio::test]
async fn a_store_that_does_not_encrypt_says_so_when_asked_to_reseal() {
    let err = MemoryTokenStore::new().reseal(10).await.unwrap_err();
    assert!(matches!(err, zoom_sdk::Error::Config { .. }), "{err}");
}
