//! One instance of a backend spending the account's rate budget: `budget-worker CALLS
//! START_MS`. Server-to-Server OAuth from the usual variables (`ZOOM_ACCOUNT_ID`, ...), the
//! shared budget from `ZOOM_RATE_BUDGET` when set, a memory token store. At the start instant
//! it makes CALLS `GET /users/me` calls, 8 at a time, and prints one line:
//! `done ok=N rate_limited=N other=N fallbacks=N first_error=...`.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zoom_sdk::store::MemoryTokenStore;
use zoom_sdk::{ErrorKind, ZoomClient, ZoomConfig};

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [calls, start] = args.as_slice() else {
        return Err("usage: budget-worker CALLS START_MS".into());
    };
    let (calls, start): (usize, u64) = (calls.parse()?, start.parse()?);
    let client = ZoomClient::builder(ZoomConfig::from_env()?)
        .token_store(Arc::new(MemoryTokenStore::new()))
        .build()?;
    let account = client.account()?;
    // The token first, so that every process starts spending at the same instant (a failure
    // here is one more call's outcome, not the worker's).
    let warm = account.users().me().await.err();
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as u64;
    tokio::time::sleep(Duration::from_millis(start.saturating_sub(now))).await;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (account, next) = (account.clone(), next.clone());
            tokio::spawn(async move {
                let mut out = Vec::new();
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < calls {
                    out.push(account.users().me().await.map(|_| ()));
                }
                out
            })
        })
        .collect();
    let (mut ok, mut limited, mut other, mut first) = (0, 0, 0, String::new());
    if let Some(e) = warm {
        first = format!("(warm-up) {e}");
    }
    for t in tasks {
        for r in t.await? {
            match r {
                Ok(()) => ok += 1,
                Err(e) => {
                    if e.kind() == ErrorKind::RateLimited {
                        limited += 1;
                    } else {
                        other += 1;
                    }
                    if first.is_empty() {
                        first = e.to_string();
                    }
                }
            }
        }
    }
    println!(
        "done ok={ok} rate_limited={limited} other={other} fallbacks={} first_error={first}",
        client.metrics().shared_budget_fallbacks
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        println!("error {e}");
        std::process::exit(1);
    }
}
