//! Four instances of a backend on one Zoom account, against an emulator enforcing Zoom's
//! per-second limits: each alone stays under the limit, together they draw 429s; with the
//! shared budget in Redis (`ZOOM_RATE_BUDGET`) they draw none. A daily limit met by one
//! instance stops the others before they send. Redis out of reach is a fallback to each
//! process's own limits, never an outage.
//!
//! Needs Redis at 127.0.0.1:6379 (`ZOOM_TEST_REDIS_URL` to choose); without it the test says
//! so loudly and skips, or fails under `ZOOM_SDK_REQUIRE_REDIS=1` (as CI sets).

#[path = "../../../zoom-sdk/tests/common/pg.rs"]
mod pg;

use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};
use zoom_emulator::{Emulator, EmulatorConfig};

const PROCESSES: usize = 4;
const CALLS: usize = 60;

fn redis_url() -> Option<String> {
    let url =
        std::env::var("ZOOM_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    let addr = url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap_or("127.0.0.1:6379")
        .to_string();
    if std::net::TcpStream::connect(&addr).is_ok() {
        return Some(url);
    }
    let msg = format!("NO REDIS at {addr}: the shared rate budget test did not run");
    if std::env::var("ZOOM_SDK_REQUIRE_REDIS").as_deref() == Ok("1") {
        panic!("{msg} (ZOOM_SDK_REQUIRE_REDIS=1)");
    }
    eprintln!("\n*** {msg} ***\n");
    None
}

#[derive(Debug, Default)]
struct Line {
    ok: u64,
    rate_limited: u64,
    other: u64,
    fallbacks: u64,
    first_error: String,
}

fn parse(out: &str) -> Line {
    let line = out
        .lines()
        .find(|l| l.starts_with("done "))
        .unwrap_or_else(|| panic!("worker said: {out}"));
    let mut l = Line::default();
    for part in line.split(' ').skip(1) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        match k {
            "ok" => l.ok = v.parse().unwrap(),
            "rate_limited" => l.rate_limited = v.parse().unwrap(),
            "other" => l.other = v.parse().unwrap(),
            "fallbacks" => l.fallbacks = v.parse().unwrap(),
            _ => {}
        }
    }
    l.first_error = line.split("first_error=").nth(1).unwrap_or("").to_string();
    l
}

fn workers(emu: &Emulator, n: usize, calls: usize, budget: Option<&str>) -> Vec<Line> {
    let c = emu.config();
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        + 1500;
    let children: Vec<_> = (0..n)
        .map(|_| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_budget-worker"));
            cmd.arg(calls.to_string())
                .arg(start.to_string())
                .env_clear()
                .env("ZOOM_CLIENT_ID", &c.client_id)
                .env("ZOOM_CLIENT_SECRET", &c.client_secret)
                .env("ZOOM_ACCOUNT_ID", &c.account_id)
                .env("ZOOM_API_BASE_URL", emu.api_base_url())
                .env("ZOOM_OAUTH_BASE_URL", emu.oauth_base_url())
                .stdout(Stdio::piped());
            if let Some(b) = budget {
                cmd.env("ZOOM_RATE_BUDGET", b);
            }
            cmd.spawn().expect("worker starts")
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            parse(&String::from_utf8_lossy(
                &c.wait_with_output().unwrap().stdout,
            ))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_the_budget_in_redis_draw_no_429s() {
    let Some(redis) = redis_url() else { return };
    shared_budget(redis, "Redis").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_sharing_the_budget_in_postgres_draw_no_429s() {
    let Some(db) = pg::fresh_db("budget").await else {
        return;
    };
    shared_budget(db.url.clone(), "PostgreSQL").await;
}

async fn shared_budget(redis: String, store: &str) {
    // An account of its own, so that no other run's windows in Redis count here.
    let cfg = EmulatorConfig {
        account_id: format!("budgetAcct{:08x}", rand::random::<u32>()),
        ..Default::default()
    };
    let emu = std::sync::Arc::new(Emulator::start(cfg).await.unwrap());
    let total = (PROCESSES * CALLS) as u64;

    let alone = tokio::task::spawn_blocking({
        let emu = emu.clone();
        move || workers(&emu, PROCESSES, CALLS, None)
    })
    .await
    .unwrap();
    let without = emu.stats().rate_limited;
    // Let the emulator's window of the first run pass before the next processes warm up.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    emu.reset_stats();
    let shared = tokio::task::spawn_blocking({
        let (emu, redis) = (emu.clone(), redis.clone());
        move || workers(&emu, PROCESSES, CALLS, Some(&redis))
    })
    .await
    .unwrap();
    let with = emu.stats().rate_limited;
    println!(
        "{PROCESSES} processes x {CALLS} calls at Zoom's 30/s: {without} 429s from Zoom with per-process limits, {with} with the budget shared in {store}"
    );
    for l in alone.iter().chain(&shared) {
        assert_eq!(l.ok + l.rate_limited + l.other, CALLS as u64, "{l:?}");
        assert_eq!(l.other, 0, "{l:?}");
    }
    assert!(
        without > 0,
        "per-process limits overrun the account: the test proves nothing otherwise"
    );
    assert_eq!(
        with, 0,
        "the shared budget keeps the account under Zoom's limit"
    );
    assert_eq!(shared.iter().map(|l| l.ok).sum::<u64>(), total);
    assert!(shared.iter().all(|l| l.fallbacks == 0), "{shared:?}");

    // A daily limit met by one instance closes the category for all of them.
    emu.set_faults(zoom_emulator::FaultConfig {
        daily_limit_next: 1,
        ..Default::default()
    });
    let first = workers(&emu, 1, 1, Some(&redis));
    assert_eq!(first[0].rate_limited, 1, "{first:?}");
    emu.reset_stats();
    let others = workers(&emu, 2, 3, Some(&redis));
    for l in &others {
        assert_eq!((l.ok, l.rate_limited), (0, 3), "{l:?}");
        assert!(l.first_error.to_lowercase().contains("daily"), "{l:?}");
    }
    // Only the token requests of the two new processes reached Zoom's API: nothing was sent.
    assert_eq!(emu.stats().rate_limited, 0);
    println!(
        "a daily limit met by one instance stopped {} others before they sent",
        others.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_out_of_reach_falls_back_to_local_limits() {
    let emu = std::sync::Arc::new(Emulator::start(EmulatorConfig::default()).await.unwrap());
    let lines = tokio::task::spawn_blocking({
        let emu = emu.clone();
        move || workers(&emu, 1, 20, Some("redis://127.0.0.1:1/0"))
    })
    .await
    .unwrap();
    assert_eq!((lines[0].ok, lines[0].other), (20, 0), "{:?}", lines[0]);
    assert!(
        lines[0].fallbacks > 0,
        "the fallback is counted: {:?}",
        lines[0]
    );
}
