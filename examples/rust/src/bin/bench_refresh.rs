//! Refreshes of N different users against a slow token endpoint, on SQLite and PostgreSQL: how
//! long the N refreshes take together (ideally one token-endpoint latency, not N), and how many
//! token reads per second other callers get while they are in flight, against the read rate
//! of the same store with nothing in flight (the baseline, measured in the same run).
//!
//! The emulator answers `/oauth/token` after `ZOOM_BENCH_TOKEN_LATENCY_MS` (1500 by default).
//! PostgreSQL is the server at `ZOOM_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); it is skipped, with a notice, when unreachable.
//! Run with `bash scripts/bench.sh`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zoom_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimitConfig};
use zoom_sdk::store::{PostgresTokenStore, SqliteTokenStore, TokenEncryption};
use zoom_sdk::{TokenKey, TokenStore, ZoomClient, ZoomConfig};

#[path = "../bench_util.rs"]
mod bench_util;
use bench_util::connect;

type Res<T> = Result<T, bench_util::BenchError>;

const KEY: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";
const READER_KEY: &str = "bench-reader";

fn client(emu: &Emulator, store: Arc<dyn TokenStore>) -> Res<ZoomClient> {
    let c = emu.config();
    let config = ZoomConfig::builder()
        .client_id(c.client_id)
        .client_secret(c.client_secret)
        .redirect_uri(c.redirect_uris[0].clone())
        .api_base_url(emu.api_base_url())
        .oauth_base_url(emu.oauth_base_url())
        .request_timeout(Duration::from_secs(20))
        .token_cache_ttl(Duration::ZERO)
        .rate_limits(zoom_sdk::http::RateLimits::disabled())
        .build()?;
    Ok(ZoomClient::builder(config).token_store(store).build()?)
}

async fn expire(store: &dyn TokenStore, key: &TokenKey) -> Res<()> {
    let mut t = store.load(key).await?.ok_or("no grant")?;
    t.expires_at = chrono::Utc::now() - chrono::Duration::seconds(10);
    store.save(key, &t).await?;
    Ok(())
}

/// Reads of the reader's grant per second until `stop`, from 4 concurrent readers.
async fn read_rate(store: Arc<dyn TokenStore>, stop: Arc<AtomicBool>) -> f64 {
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (store, stop, count) = (store.clone(), stop.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            let key = TokenKey::user(READER_KEY);
            while !stop.load(Ordering::Relaxed) {
                if store.load(&key).await.is_ok() {
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

async fn measure(name: &str, emu: &Emulator, store: Arc<dyn TokenStore>, users: usize) -> Res<()> {
    let client = client(emu, store.clone())?;
    let keys: Vec<String> = (0..users).map(|i| format!("bench-refresh-{i}")).collect();
    for k in keys.iter().chain(std::iter::once(&READER_KEY.to_string())) {
        connect(&client, k).await?;
    }
    // Baseline: reads with nothing in flight.
    let stop = Arc::new(AtomicBool::new(false));
    let idle = tokio::spawn(read_rate(store.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let idle_rate = idle.await?;

    for k in &keys {
        expire(store.as_ref(), &TokenKey::user(k)).await?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let busy = tokio::spawn(read_rate(store.clone(), stop.clone()));
    let started = Instant::now();
    let mut refreshes = Vec::new();
    for k in &keys {
        let c = client.clone();
        let key = TokenKey::user(k);
        refreshes.push(tokio::spawn(
            async move { c.tokens().access_token(&key).await },
        ));
    }
    for r in refreshes {
        r.await??;
    }
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let busy_rate = busy.await?;
    println!(
        "{name:<12} {users:>5} {:>12.2} {:>14.0} {:>16.0} {:>8.2}",
        took.as_secs_f64(),
        idle_rate,
        busy_rate,
        busy_rate / idle_rate.max(1.0)
    );
    for k in keys.iter().chain(std::iter::once(&READER_KEY.to_string())) {
        store.delete(&TokenKey::user(k)).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Res<()> {
    let latency: u64 = std::env::var("ZOOM_BENCH_TOKEN_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let emu = Emulator::start(EmulatorConfig {
        rate_limits: RateLimitConfig::unlimited(),
        ..Default::default()
    })
    .await?;
    emu.set_faults(FaultConfig {
        token_latency_ms: latency,
        ..Default::default()
    });
    let dir = std::env::temp_dir().join(format!("zoom-bench-refresh-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!(
        "parallel refreshes of N users, token endpoint answering after {:.1} s; token reads/s of another user (4 readers) idle and during the refreshes",
        latency as f64 / 1000.0
    );
    println!(
        "{:<12} {:>5} {:>12} {:>14} {:>16} {:>8}",
        "store", "N", "refresh s", "reads/s idle", "reads/s during", "ratio"
    );
    let enc = || TokenEncryption::with_keys(KEY, &[]);
    for users in [3, 8] {
        let sqlite: Arc<dyn TokenStore> =
            Arc::new(SqliteTokenStore::open(dir.join(format!("r{users}.db")), enc()?).await?);
        measure("sqlite", &emu, sqlite, users).await?;
    }
    let url = std::env::var("ZOOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    match PostgresTokenStore::connect(&url, enc()?).await {
        Ok(pg) => {
            let pg: Arc<dyn TokenStore> = Arc::new(pg);
            for users in [3, 8] {
                measure("postgres", &emu, pg.clone(), users).await?;
            }
        }
        Err(e) => println!("postgres     skipped: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
