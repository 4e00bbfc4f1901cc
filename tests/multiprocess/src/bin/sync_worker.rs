//! One process syncing a user into the shared index: `sync-worker STORE USER skip|wait
//! LEASE_TTL_SECS`, with STORE a `ZOOM_TOKEN_STORE` spec and the index beside it (or where
//! `ZOOM_INDEX` says). Prints `progress N` after each page and, at the end, the report as one
//! JSON line (`report {...}`) or `error KIND MESSAGE`.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use zoom_sdk::integration::{Integration, OnBusy, SyncOptions};
use zoom_sdk::store::{LegacyOptions, StoreSpec, TokenEncryption};
use zoom_sdk::{TokenStore, ZoomClient, ZoomConfig};

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, user, busy, ttl] = args.as_slice() else {
        return Err("usage: sync-worker STORE USER skip|wait LEASE_TTL_SECS".into());
    };
    let store: Arc<dyn TokenStore> = spec
        .parse::<StoreSpec>()?
        .open(TokenEncryption::from_env, LegacyOptions::plaintext())
        .await?;
    let client = ZoomClient::builder(ZoomConfig::from_env()?)
        .token_store(store)
        .build()?;
    let zoom = Integration::new(client);
    let on_busy = match busy.as_str() {
        "skip" => OnBusy::Skip,
        _ => OnBusy::Wait(Duration::from_secs(60)),
    };
    let options = SyncOptions::new()
        .recordings_days(365)
        .past_meetings(false)
        .page_size(100)
        .on_busy(on_busy)
        .lease_ttl(Duration::from_secs(ttl.parse()?))
        .on_progress(|p| {
            println!("progress {}", p.done);
            let _ = std::io::stdout().flush();
        });
    match zoom.sync(user, options).await {
        Ok(report) => println!("report {}", serde_json::to_string(&report)?),
        Err(e) => println!("error {} {e}", e.kind().name()),
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        println!("error usage {e}");
        std::process::exit(2);
    }
}
