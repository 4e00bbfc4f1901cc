//! One process of the cross-process refresh race: opens the shared store, waits for the
//! common start instant, asks for a valid access token for every user at once (refreshing
//! where needed), and prints a hash of what it got and of what the store holds afterwards.
//!
//! `refresh-worker STORE START_MS USER...` with STORE a `ZOOM_TOKEN_STORE` spec
//! ([`zoom_sdk::store::StoreSpec`]: `sqlite:PATH`, `postgres:URL`, `legacy-postgres:URL`); the
//! app credentials, endpoints and encryption key come from the usual variables.

use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use zoom_sdk::store::{LegacyOptions, StoreSpec, TokenEncryption};
use zoom_sdk::{ExposeSecret, TokenKey, TokenStore, ZoomClient, ZoomConfig};

fn digest(s: &str) -> String {
    hex::encode(&Sha256::digest(s.as_bytes())[..8])
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, start_ms, users) = match args.as_slice() {
        [spec, start, users @ ..] if !users.is_empty() => {
            (spec.clone(), start.parse::<u64>()?, users.to_vec())
        }
        _ => return Err("usage: refresh-worker STORE START_MS USER...".into()),
    };
    let store: Arc<dyn TokenStore> = spec
        .parse::<StoreSpec>()?
        .open(TokenEncryption::from_env, LegacyOptions::plaintext())
        .await?;
    let client = ZoomClient::builder(ZoomConfig::from_env()?)
        .token_store(store.clone())
        .build()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as u64;
    tokio::time::sleep(Duration::from_millis(start_ms.saturating_sub(now))).await;
    let tasks: Vec<_> = users
        .iter()
        .map(|u| {
            let (c, key) = (client.clone(), TokenKey::user(u.clone()));
            tokio::spawn(async move {
                c.user(key.id()).users().me().await?;
                c.tokens().access_token(&key).await
            })
        })
        .collect();
    for (u, t) in users.iter().zip(tasks) {
        let used = t.await??;
        let stored = store
            .load(&TokenKey::user(u.clone()))
            .await?
            .ok_or("row vanished")?;
        println!(
            "{u} used={} stored={}",
            digest(used.expose_secret()),
            digest(stored.access_token.expose_secret())
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        println!("error {e}");
        std::process::exit(1);
    }
}
