//! Several OS processes share one store and refresh the same expired users at the same
//! instant: exactly one refresh per user reaches the emulator, nobody spends a rotated refresh
//! token, and every process ends with the newest token.

#[path = "../../../zoom-sdk/tests/common/mod.rs"]
mod common;
#[path = "../../../zoom-sdk/tests/common/pg.rs"]
mod pg;

use sha2::Digest;
use std::collections::HashSet;
use std::process::Command;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use zoom_sdk::store::{
    LegacyOptions, LegacyPostgresTokenStore, PostgresTokenStore, SqliteTokenStore, TokenEncryption,
};
use zoom_sdk::{ExposeSecret, TokenKey, TokenStore, ZoomClient};

const PROCESSES: usize = 8;
const USERS: [&str; 3] = ["race-user-a", "race-user-b", "race-user-c"];
const KEY: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";

async fn race(spec: String, store: Arc<dyn TokenStore>) {
    let emu = common::emulator().await;
    let client = ZoomClient::builder(common::config(&emu).build().unwrap())
        .token_store(store.clone())
        .build()
        .unwrap();
    let zoom_users = emu.users();
    for (i, u) in USERS.iter().copied().enumerate() {
        let login = &zoom_users[i % zoom_users.len()].email;
        let (code, state, pending) = common::authorize_as(&client, Some(login)).await;
        client
            .complete_authorization(u, &code, &state, &pending)
            .await
            .unwrap();
        let mut t = store.load(&TokenKey::user(u)).await.unwrap().unwrap();
        t.expires_at = chrono::Utc::now() - chrono::Duration::seconds(5);
        store.save(&TokenKey::user(u), &t).await.unwrap();
    }
    emu.expire_access_tokens(None);
    emu.reset_stats();
    let c = emu.config();
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        + 1500;
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_refresh-worker"))
                .arg(&spec)
                .arg(start.to_string())
                .args(USERS)
                .env("ZOOM_CLIENT_ID", &c.client_id)
                .env("ZOOM_CLIENT_SECRET", &c.client_secret)
                .env("ZOOM_REDIRECT_URI", &c.redirect_uris[0])
                .env("ZOOM_API_BASE_URL", emu.api_base_url())
                .env("ZOOM_OAUTH_BASE_URL", emu.oauth_base_url())
                .env("ZOOM_TOKEN_ENCRYPTION_KEY", KEY)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("worker starts")
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let s = emu.stats();
    println!(
        "{spec}: {PROCESSES} processes x {} users -> {} refreshes reached the emulator, {} refused",
        USERS.len(),
        s.refresh_grants,
        s.refresh_failures
    );
    for o in &outputs {
        assert!(
            o.status.success(),
            "worker failed: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
    assert_eq!(
        s.refresh_grants,
        USERS.len() as u64,
        "one refresh per user across all processes: {s:?}"
    );
    assert_eq!(
        s.refresh_failures, 0,
        "no process spent a rotated refresh token"
    );
    for u in USERS {
        let newest = store.load(&TokenKey::user(u)).await.unwrap().unwrap();
        let newest =
            hex::encode(&sha2::Sha256::digest(newest.access_token.expose_secret().as_bytes())[..8]);
        let used: HashSet<String> = outputs
            .iter()
            .flat_map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|l| l.starts_with(&format!("{u} ")))
            .collect();
        assert_eq!(
            used.len(),
            1,
            "every process saw the same token for {u}: {used:?}"
        );
        assert_eq!(
            used.into_iter().next().unwrap(),
            format!("{u} used={newest} stored={newest}")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_a_sqlite_file_refresh_each_user_once() {
    let dir = std::env::temp_dir().join(format!("zoom-race-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.db");
    let store = Arc::new(
        SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY, &[]).unwrap())
            .await
            .unwrap(),
    );
    race(format!("sqlite:{}", path.display()), store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_postgres_refresh_each_user_once() {
    let Some(db) = pg::fresh_db("race").await else {
        return;
    };
    let store = Arc::new(
        PostgresTokenStore::connect(&db.url, TokenEncryption::with_keys(KEY, &[]).unwrap())
            .await
            .unwrap(),
    );
    race(format!("postgres:{}", db.url), store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_the_legacy_table_refresh_each_user_once() {
    let Some(db) = pg::fresh_db("race_legacy").await else {
        return;
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::query(include_str!("../../fixtures/backend_zoom_oauth_tokens.sql"))
        .execute(&pool)
        .await
        .unwrap();
    let store = Arc::new(
        LegacyPostgresTokenStore::connect(&db.url, LegacyOptions::plaintext())
            .await
            .unwrap(),
    );
    race(format!("legacy-postgres:{}", db.url), store).await;
}
