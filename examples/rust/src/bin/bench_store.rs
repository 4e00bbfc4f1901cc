//! Token store throughput: token reads per second (load + decrypt) for the memory, SQLite and
//! PostgreSQL stores, sequential and with 16 readers, in one run. PostgreSQL is the server at
//! `ZOOM_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`); its rows are
//! removed afterwards. Run with `bash scripts/bench.sh`.

use futures_util::{stream, StreamExt, TryStreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zoom_sdk::store::{PostgresTokenStore, SqliteTokenStore, TokenEncryption};
use zoom_sdk::{MemoryTokenStore, StoredToken, TokenKey, TokenSet, TokenStore};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const USERS: usize = 1000;
const KEY: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";

async fn fill(store: &dyn TokenStore) -> Res<()> {
    for i in 0..USERS {
        let set = TokenSet::new(
            format!("access-token-{i:06}-{}", "x".repeat(400)).into(),
            Some(format!("refresh-token-{i:06}-{}", "y".repeat(400)).into()),
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .with_scopes(["meeting:read", "meeting:write"]);
        store
            .save(
                &TokenKey::user(format!("bench-{i}")),
                &StoredToken::from_token_set(set),
            )
            .await?;
    }
    Ok(())
}

async fn reads(store: Arc<dyn TokenStore>, readers: usize, budget: Duration) -> Res<f64> {
    let start = Instant::now();
    let mut done = 0usize;
    while start.elapsed() < budget {
        let n = 2000;
        stream::iter(0..n)
            .map(|i| {
                let s = store.clone();
                async move {
                    s.load(&TokenKey::user(format!("bench-{}", i % USERS)))
                        .await
                        .map(|t| assert!(t.is_some()))
                }
            })
            .buffer_unordered(readers)
            .try_collect::<Vec<()>>()
            .await?;
        done += n;
    }
    Ok(done as f64 / start.elapsed().as_secs_f64())
}

async fn measure(name: &str, store: Arc<dyn TokenStore>) -> Res<()> {
    fill(store.as_ref()).await?;
    let seq = reads(store.clone(), 1, Duration::from_secs(2)).await?;
    let par = reads(store.clone(), 16, Duration::from_secs(2)).await?;
    println!("{name:<34} {seq:>12.0} {par:>14.0}");
    for i in 0..USERS {
        store.delete(&TokenKey::user(format!("bench-{i}"))).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Res<()> {
    let dir = std::env::temp_dir().join(format!("zoom-bench-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!("token reads per second ({USERS} users, tokens of ~420 bytes)");
    println!("{:<34} {:>12} {:>14}", "store", "sequential", "16 readers");
    measure("memory", Arc::new(MemoryTokenStore::new())).await?;
    measure(
        "sqlite, plaintext",
        Arc::new(
            SqliteTokenStore::open(dir.join("plain.db"), TokenEncryption::insecure_plaintext())
                .await?,
        ),
    )
    .await?;
    measure(
        "sqlite, XChaCha20-Poly1305",
        Arc::new(
            SqliteTokenStore::open(dir.join("enc.db"), TokenEncryption::with_keys(KEY, &[])?)
                .await?,
        ),
    )
    .await?;
    let url = std::env::var("ZOOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    match PostgresTokenStore::connect(&url, TokenEncryption::with_keys(KEY, &[])?).await {
        Ok(pg) => measure("postgres, XChaCha20-Poly1305", Arc::new(pg)).await?,
        Err(e) => println!("postgres: skipped ({e})"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
