//! The Rust SDK's figures against an emulator someone else started (`ZOOM_EMULATOR_URL`), so
//! that a benchmark in another language can print them beside its own from the same run.
//! Prints one JSON object: `meetings.get` calls per second sequential and with 64 in flight,
//! and 300-item `meetings.list` pages per second. `ZOOM_BENCH_CALLS` sets the call count.

use futures_util::{stream, StreamExt, TryStreamExt};
use std::time::Instant;
use zoom_sdk::api::ListMeetings;

#[path = "../bench_util.rs"]
mod bench_util;
use bench_util::emulator_client;

type Res<T> = Result<T, bench_util::BenchError>;

#[tokio::main]
async fn main() -> Res<()> {
    let base = std::env::var("ZOOM_EMULATOR_URL").map_err(|_| "set ZOOM_EMULATOR_URL")?;
    let n: usize = std::env::var("ZOOM_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let (client, _) = emulator_client(&base).await?;
    let account = client.account()?;
    let meetings = account.meetings();
    let first = meetings
        .list("me", &ListMeetings::new().page_size(1))
        .await?;
    let id = first.items.first().ok_or("no meeting")?.id;
    for _ in 0..20 {
        meetings.get(id).await?;
    }
    let t = Instant::now();
    for _ in 0..n {
        meetings.get(id).await?;
    }
    let seq = n as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    stream::iter(0..n)
        .map(|_| meetings.get(id))
        .buffer_unordered(64)
        .try_collect::<Vec<_>>()
        .await?;
    let par = n as f64 / t.elapsed().as_secs_f64();
    let pages = (n / 20).max(10);
    let q = ListMeetings::new().page_size(300);
    let t = Instant::now();
    for _ in 0..pages {
        let p = meetings.list("me", &q).await?;
        if p.items.len() != 300 {
            return Err("start the emulator with at least 300 meetings per user".into());
        }
    }
    let list = pages as f64 / t.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"get_per_s": seq, "get_64_per_s": par, "list300_per_s": list})
    );
    Ok(())
}
