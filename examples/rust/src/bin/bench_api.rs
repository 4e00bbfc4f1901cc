//! Benchmark: the SDK against bare reqwest + serde_json::Value, in one run, against the
//! emulator on loopback (started as a separate process, so that the peak RSS measured is this
//! process's own).
//!
//! Prints calls per second for `meetings.get` and for a 300-item page of `meetings.list`,
//! sequential and with 64 calls in flight, the ratio SDK / bare, and the peak RSS while
//! streaming 100,000 meetings. Run it with `bash scripts/bench.sh`.

use futures_util::{stream, StreamExt, TryStreamExt};
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;
use zoom_sdk::api::ListMeetings;

#[path = "../bench_util.rs"]
mod bench_util;
use bench_util::{emulator_client, rss_kib};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const MEETINGS: usize = 100_000;

async fn rate<F, Fut>(n: usize, in_flight: usize, f: F) -> Res<f64>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Res<()>>,
{
    // Warm up the pool and the code paths.
    for _ in 0..20 {
        f().await?;
    }
    let start = Instant::now();
    stream::iter(0..n)
        .map(|_| f())
        .buffer_unordered(in_flight)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> Res<()> {
    let exe = std::env::current_exe()?;
    let emulator_bin = exe.with_file_name("zoom-emulator");
    let mut child = Command::new(&emulator_bin)
        .args([
            "--port",
            "0",
            "--users",
            "1",
            "--meetings-per-user",
            &MEETINGS.to_string(),
            "--recordings-per-user",
            "0",
            "--no-rate-limits",
            // The request log buffers every exchange: it would measure the emulator, not the SDK.
            "--no-request-log",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start {}: {e} (build it with cargo build --release -p zoom-emulator)",
                emulator_bin.display()
            )
        })?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("ZOOM_EMULATOR_URL=")
        .ok_or("unexpected emulator output")?
        .to_string();
    let result = run(&base).await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

async fn run(base: &str) -> Res<()> {
    let (client, info) = emulator_client(base).await?;
    let s = |k: &str| info[k].as_str().unwrap_or_default().to_string();
    let account = client.account()?;

    // 1. Peak RSS while streaming every meeting (first, so the peak is this phase's).
    let before = rss_kib("VmRSS");
    let _ = std::fs::write("/proc/self/clear_refs", "5"); // reset VmHWM where the kernel allows
    let t = Instant::now();
    let streamed = account
        .meetings()
        .list_all("me", ListMeetings::new().page_size(300))
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await?;
    let stream_secs = t.elapsed().as_secs_f64();
    let peak = rss_kib("VmHWM");

    // 2. Calls per second.
    let bare = reqwest::Client::new();
    let token: serde_json::Value = bare
        .post(format!(
            "{}/oauth/token?grant_type=account_credentials&account_id={}",
            s("oauth_base_url"),
            s("account_id")
        ))
        .basic_auth(s("client_id"), Some(s("client_secret")))
        .send()
        .await?
        .json()
        .await?;
    let token = token["access_token"]
        .as_str()
        .ok_or("no token")?
        .to_string();
    let first = account
        .meetings()
        .list("me", &ListMeetings::new().page_size(1))
        .await?;
    let id = first.items.first().ok_or("no meeting")?.id;
    let api = s("api_base_url");

    let sdk_get = || async {
        account
            .meetings()
            .get(id)
            .await
            .map(|_| ())
            .map_err(Into::into)
    };
    let bare_get = || async {
        let v: serde_json::Value = bare
            .get(format!("{api}/meetings/{id}"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        std::hint::black_box(v);
        Ok(())
    };
    let page = ListMeetings::new().page_size(300);
    let sdk_list = || async {
        account
            .meetings()
            .list("me", &page)
            .await
            .map(|p| {
                std::hint::black_box(p);
            })
            .map_err(Into::into)
    };
    let bare_list = || async {
        let v: serde_json::Value = bare
            .get(format!("{api}/users/me/meetings?page_size=300"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        std::hint::black_box(v);
        Ok(())
    };

    println!(
        "zoom-sdk benchmark against the emulator on loopback ({} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "{:<34} {:>12} {:>12} {:>7}",
        "case", "SDK calls/s", "bare calls/s", "ratio"
    );
    let mut ratios = Vec::new();
    for (name, n, inflight) in [
        ("meetings.get, sequential", 3000, 1),
        ("meetings.get, 64 in flight", 6000, 64),
        ("meetings.list 300 items, sequential", 300, 1),
        ("meetings.list 300 items, 64 in flight", 600, 64),
    ] {
        // Alternate the order per case so neither side always runs on a warmer machine.
        let (sdk, bare_rate) = if name.contains("list") {
            let b = rate(n, inflight, bare_list).await?;
            (rate(n, inflight, sdk_list).await?, b)
        } else {
            let sdk = rate(n, inflight, sdk_get).await?;
            (sdk, rate(n, inflight, bare_get).await?)
        };
        let ratio = sdk / bare_rate;
        ratios.push(ratio);
        println!("{name:<34} {sdk:>12.0} {bare_rate:>12.0} {ratio:>6.2}x");
    }
    println!(
        "stream of {streamed} meetings: {:.1} s, {:.0} meetings/s; RSS before {:.1} MB, peak {:.1} MB",
        stream_secs,
        streamed as f64 / stream_secs,
        before as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    let worst = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    println!("targets: ratio >= 0.90 (worst {worst:.2}), peak RSS < 50 MB ({:.1} MB), {MEETINGS} streamed ({streamed})", peak as f64 / 1024.0);
    Ok(())
}
