//! The integration's sync and search, measured against emulators started as processes (so the
//! emulator's memory is not counted in this process's):
//!
//! 1. A sync of 100,000 meetings into a SQLite index: items per second and this process's peak
//!    RSS during it (target: under 100 MB).
//! 2. Search over those 100,000 items, on SQLite and on PostgreSQL: p50 and p99 latency of
//!    one-word, multi-word and filtered queries (target: p99 under 20 ms on SQLite).
//! 3. One user with 5,000 meetings and 2,000 recordings: the first sync's items per second
//!    with rate limits off, against the same list calls without the index (the baseline,
//!    measured in the same run); the incremental second sync; and the first sync's time with
//!    the emulator enforcing Zoom's default limits and the client's limiter on.
//!
//! `ZOOM_BENCH_QUICK=1` stops after the SQLite search figures.
//! PostgreSQL is the server at `ZOOM_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); skipped, with a notice, when unreachable.
//! Run with `bash scripts/bench.sh`.

use futures_util::TryStreamExt;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zoom_sdk::api::{ListMeetings, ListRecordings};
use zoom_sdk::http::RateLimits;
use zoom_sdk::integration::{Integration, ItemKind, LocalIndex, SearchFilters, SyncOptions};
use zoom_sdk::models::ListMeetingsType;
use zoom_sdk::store::{SqliteTokenStore, TokenEncryption};
use zoom_sdk::{ZoomClient, ZoomConfig};

#[path = "../bench_util.rs"]
mod bench_util;
use bench_util::{connect, rss_kib};

type Res<T> = Result<T, bench_util::BenchError>;
/// The query and filters of the i-th search of a case.
type QueryMaker = dyn Fn(usize) -> (String, SearchFilters);

const USER: &str = "bench-user";
const WORDS: &[&str] = &[
    "budget",
    "hiring",
    "roadmap",
    "launch",
    "customer",
    "pricing",
    "security",
    "incident",
    "onboarding",
    "design",
    "research",
    "quarterly",
    "planning",
    "metrics",
    "growth",
    "partner",
];

struct Emu {
    child: Child,
    base: String,
}

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator(config: serde_json::Value) -> Res<Emu> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("zoom-emulator");
    let file = std::env::temp_dir().join(format!("bench-sync-{}.json", rand_u32()));
    std::fs::write(&file, config.to_string())?;
    let mut child = Command::new(&bin)
        .args(["--port", "0", "--no-request-log", "--config"])
        .arg(&file)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("ZOOM_EMULATOR_URL=")
        .ok_or("unexpected emulator output")?
        .to_string();
    Ok(Emu { child, base })
}

fn rand_u32() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
        ^ std::process::id()
}

/// A client of `emu`, tokens in a SQLite file in `dir`, `USER` connected.
async fn connected(
    emu: &Emu,
    dir: &std::path::Path,
    limits: Option<RateLimits>,
) -> Res<ZoomClient> {
    let info: serde_json::Value = reqwest::get(format!("{}/_emulator/config", emu.base))
        .await?
        .json()
        .await?;
    let s = |k: &str| info[k].as_str().unwrap_or_default().to_string();
    let mut config = ZoomConfig::builder()
        .client_id(s("client_id"))
        .client_secret(s("client_secret"))
        .redirect_uri(info["redirect_uris"][0].as_str().unwrap_or_default())
        .api_base_url(s("api_base_url"))
        .oauth_base_url(s("oauth_base_url"))
        .request_timeout(Duration::from_secs(60));
    config = match limits {
        Some(l) => config.rate_limits(l),
        None => config.rate_limits(RateLimits::disabled()),
    };
    std::fs::create_dir_all(dir)?;
    let store =
        SqliteTokenStore::open(dir.join("zoom.db"), TokenEncryption::insecure_plaintext()).await?;
    let client = ZoomClient::builder(config.build()?)
        .token_store(Arc::new(store))
        .build()?;
    connect(&client, USER).await?;
    Ok(client)
}

fn emulator_config(
    meetings: usize,
    recordings: usize,
    agenda_words: usize,
    limits: bool,
) -> serde_json::Value {
    let mut v = serde_json::json!({
        "seed": {"seed": 7, "users": 1, "meetings_per_user": meetings, "recordings_per_user": recordings,
                 "recording_days": 365, "webinars_per_user": 0, "agenda_words": agenda_words},
        "access_token_ttl_secs": 36000,
    });
    if !limits {
        v["rate_limits"] = serde_json::json!({"enabled": false});
    }
    v
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// p50 and p99 of `n` searches, in milliseconds.
async fn latency(
    zoom: &Integration,
    n: usize,
    make: impl Fn(usize) -> (String, SearchFilters),
) -> Res<(f64, f64, usize)> {
    let mut times = Vec::with_capacity(n);
    let mut hits = 0;
    for i in 0..n + 20 {
        let (q, f) = make(i);
        let t = Instant::now();
        let page = zoom.search(USER, &q, &f).await?;
        if i >= 20 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            hits += page.hits.len();
        }
    }
    times.sort_by(f64::total_cmp);
    Ok((percentile(&times, 0.5), percentile(&times, 0.99), hits / n))
}

async fn search_report(label: &str, zoom: &Integration) -> Res<()> {
    let n = 300;
    let word = |i: usize| WORDS[(i * 7) % WORDS.len()];
    let soon = chrono::Utc::now();
    let cases: Vec<(&str, Box<QueryMaker>)> = vec![
        (
            "one word",
            Box::new(move |i| (word(i).to_string(), SearchFilters::new())),
        ),
        (
            "two words",
            Box::new(move |i| (format!("{} {}", word(i), word(i + 1)), SearchFilters::new())),
        ),
        (
            "phrase OR word",
            Box::new(move |i| {
                (
                    format!("\"sprint planning\" OR {}", word(i)),
                    SearchFilters::new(),
                )
            }),
        ),
        (
            "word + kind + 14-day range",
            Box::new(move |i| {
                (
                    word(i).to_string(),
                    SearchFilters::new()
                        .kind(ItemKind::Meeting)
                        .from(soon)
                        .to(soon + chrono::Duration::days(14)),
                )
            }),
        ),
        (
            "word + no recording",
            Box::new(move |i| {
                (
                    word(i).to_string(),
                    SearchFilters::new().has_recording(false),
                )
            }),
        ),
        (
            "rare: 3 words",
            Box::new(move |i| {
                (
                    format!("{} {} {}", word(i), word(i + 3), word(i + 5)),
                    SearchFilters::new(),
                )
            }),
        ),
    ];
    for (name, make) in cases {
        let (p50, p99, hits) = latency(zoom, n, make).await?;
        println!(
            "  {label:<10} {name:<28} p50 {p50:>6.2} ms   p99 {p99:>6.2} ms   ({hits} hits/page)"
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Res<()> {
    let root = std::env::temp_dir().join(format!("zoom-bench-sync-{}", rand_u32()));

    // 1. 100,000 meetings: sync speed and peak RSS.
    println!(
        "sync of 100,000 meetings into a SQLite index (emulator in its own process, no limits)"
    );
    let emu = start_emulator(emulator_config(100_000, 0, 12, false))?;
    let client = connected(&emu, &root.join("big"), None).await?;
    let zoom = Integration::new(client.clone());
    zoom.index().await?;
    let rss_before = rss_kib("VmRSS");
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let t = Instant::now();
    let report = zoom
        .sync(
            USER,
            SyncOptions::new()
                .kinds([ItemKind::Meeting])
                .past_meetings(false),
        )
        .await?;
    let secs = t.elapsed().as_secs_f64();
    let hwm = rss_kib("VmHWM");
    println!(
        "  {} items in {secs:.2} s: {:.0} items/s; RSS before {:.1} MB, peak during {:.1} MB (target < 100 MB)",
        report.counts[&ItemKind::Meeting].fetched,
        report.counts[&ItemKind::Meeting].fetched as f64 / secs,
        rss_before as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    let t = Instant::now();
    let again = zoom
        .sync(
            USER,
            SyncOptions::new()
                .kinds([ItemKind::Meeting])
                .past_meetings(false),
        )
        .await?;
    println!(
        "  second sync, unchanged: {:.2} s, {} rows written, {} calls",
        t.elapsed().as_secs_f64(),
        again.written(),
        again.api_calls
    );

    // 2. Search over the 100,000 items.
    println!(
        "\nsearch over 100,000 items (300 queries each, words drawn from the agendas' vocabulary)"
    );
    search_report("SQLite", &zoom).await?;
    if std::env::var("ZOOM_BENCH_QUICK").as_deref() == Ok("1") {
        return Ok(());
    }
    let pg_url = std::env::var("ZOOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    match LocalIndex::connect_postgres(&pg_url).await {
        Ok(pg) => {
            let on_pg = Integration::new(client.clone()).with_index(pg.clone());
            pg.forget(USER).await?;
            let t = Instant::now();
            on_pg
                .sync(
                    USER,
                    SyncOptions::new()
                        .kinds([ItemKind::Meeting])
                        .past_meetings(false),
                )
                .await?;
            println!(
                "  (PostgreSQL index filled by a sync in {:.1} s)",
                t.elapsed().as_secs_f64()
            );
            search_report("PostgreSQL", &on_pg).await?;
            pg.forget(USER).await?;
        }
        Err(e) => println!("  !!! PostgreSQL skipped: {e}"),
    }
    drop(emu);

    // 3. 5,000 meetings and 2,000 recordings.
    println!("\none user with 5,000 meetings and 2,000 recordings over a year");
    let emu = start_emulator(emulator_config(5_000, 2_000, 12, false))?;
    let client = connected(&emu, &root.join("mid"), None).await?;
    let session = client.user(USER);
    let t = Instant::now();
    let mut listed = 0usize;
    for kind in [
        ListMeetingsType::Scheduled,
        ListMeetingsType::PreviousMeetings,
    ] {
        let all: Vec<_> = session
            .meetings()
            .list_all("me", ListMeetings::new().meeting_type(kind).page_size(300))
            .try_collect()
            .await?;
        listed += all.len();
    }
    let today = chrono::Utc::now().date_naive();
    let recs: Vec<_> = session
        .recordings()
        .list_all(
            "me",
            ListRecordings::new(today - chrono::Duration::days(365), today).page_size(300),
        )
        .try_collect()
        .await?;
    listed += recs.len();
    let baseline = t.elapsed().as_secs_f64();
    let zoom = Integration::new(client.clone());
    zoom.index().await?;
    let t = Instant::now();
    let first = zoom.sync(USER, SyncOptions::new()).await?;
    let sync_secs = t.elapsed().as_secs_f64();
    let fetched: u64 = first.counts.values().map(|c| c.fetched).sum();
    println!(
        "  baseline, the same list calls without an index: {listed} items in {baseline:.2} s ({:.0} items/s)",
        listed as f64 / baseline
    );
    println!(
        "  first sync (rate limits off): {fetched} items in {sync_secs:.2} s: {:.0} items/s, {:.2}x the baseline's time, {} calls",
        fetched as f64 / sync_secs,
        sync_secs / baseline,
        first.api_calls
    );
    let t = Instant::now();
    let second = zoom.sync(USER, SyncOptions::new()).await?;
    println!(
        "  second sync, unchanged: {:.3} s, {} calls, {} rows written",
        t.elapsed().as_secs_f64(),
        second.api_calls,
        second.written()
    );
    drop(emu);

    let emu = start_emulator(emulator_config(5_000, 2_000, 12, true))?;
    let client = connected(&emu, &root.join("limited"), Some(RateLimits::default())).await?;
    let zoom = Integration::new(client);
    zoom.index().await?;
    let t = Instant::now();
    let limited = zoom.sync(USER, SyncOptions::new()).await?;
    let stats: serde_json::Value = reqwest::get(format!("{}/_emulator/stats", emu.base))
        .await?
        .json()
        .await?;
    println!(
        "  first sync with Zoom's default limits (emulator enforcing, client limiter on): {:.2} s, {} calls, {} answered 429",
        t.elapsed().as_secs_f64(),
        limited.api_calls,
        stats["rate_limited"]
    );
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}
