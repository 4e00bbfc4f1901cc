//! Several OS processes syncing one user into one shared index (a SQLite file, or PostgreSQL):
//! one runs, the other skips (never both at once); and a sync killed with SIGKILL midway is
//! resumed by the next process once its lease lapses, converging to exactly the emulator's data.

#[path = "../../../zoom-sdk/tests/common/mod.rs"]
mod common;
#[path = "../../../zoom-sdk/tests/common/pg.rs"]
mod pg;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zoom_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimitConfig, SeedConfig};
use zoom_sdk::integration::Integration;
use zoom_sdk::store::{PostgresTokenStore, SqliteTokenStore, TokenEncryption};
use zoom_sdk::{TokenStore, ZoomClient};

const USER: &str = common::USER;
const EMAIL: &str = "user0@example.com";

async fn emulator(meetings: usize, recordings: usize) -> Emulator {
    let cfg = EmulatorConfig {
        rate_limits: RateLimitConfig::unlimited(),
        seed: SeedConfig {
            users: 1,
            meetings_per_user: meetings,
            recordings_per_user: recordings,
            recording_days: 365,
            webinars_per_user: 0,
            ..SeedConfig::default()
        },
        ..Default::default()
    };
    Emulator::start(cfg).await.expect("emulator starts")
}

async fn connected(emu: &Emulator, store: Arc<dyn TokenStore>) -> ZoomClient {
    let client = ZoomClient::builder(common::config(emu).build().unwrap())
        .token_store(store)
        .build()
        .unwrap();
    let (code, state, pending) = common::authorize(&client).await;
    client
        .complete_authorization(USER, &code, &state, &pending)
        .await
        .unwrap();
    client
}

fn worker(emu: &Emulator, spec: &str, busy: &str, ttl: u64) -> Child {
    let c = emu.config();
    Command::new(env!("CARGO_BIN_EXE_sync-worker"))
        .args([spec, USER, busy, &ttl.to_string()])
        .env("ZOOM_CLIENT_ID", &c.client_id)
        .env("ZOOM_CLIENT_SECRET", &c.client_secret)
        .env("ZOOM_REDIRECT_URI", &c.redirect_uris[0])
        .env("ZOOM_API_BASE_URL", emu.api_base_url())
        .env("ZOOM_OAUTH_BASE_URL", emu.oauth_base_url())
        .env("ZOOM_TOKEN_STORE_PLAINTEXT", "1")
        .env_remove("ZOOM_INDEX")
        .stdout(Stdio::piped())
        .spawn()
        .expect("sync-worker starts")
}

/// The worker's last line: `report {..}` or `error ..`.
fn finish(child: Child) -> String {
    let out = child.wait_with_output().expect("worker exits");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.lines()
        .rfind(|l| !l.starts_with("progress"))
        .unwrap_or_default()
        .to_string()
}

async fn one_runs_the_other_skips(spec: String, store: Arc<dyn TokenStore>) {
    let emu = emulator(1_500, 0).await;
    let client = connected(&emu, store).await;
    // Each list call takes 30 ms: a sync lasts about half a second.
    emu.set_faults(FaultConfig {
        latency_ms: 30,
        ..Default::default()
    });
    let a = worker(&emu, &spec, "skip", 30);
    let b = worker(&emu, &spec, "skip", 30);
    let (a, b) = (finish(a), finish(b));
    let lines = [a, b];
    let completed = lines
        .iter()
        .filter(|l| l.contains(r#""outcome":"completed""#))
        .count();
    let busy = lines
        .iter()
        .filter(|l| l.contains(r#""outcome":"busy""#))
        .count();
    assert_eq!(
        (completed, busy),
        (1, 1),
        "one ran, one skipped: {lines:#?}"
    );
    let zoom = Integration::new(client.clone());
    let got = common::index_map(&zoom.index().await.unwrap(), USER).await;
    assert_eq!(got.len(), 1_500);
    assert_eq!(
        got,
        common::zoom_data(&client, USER, EMAIL, 365, false).await
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_sharing_a_sqlite_file_never_sync_one_user_at_once() {
    let dir = common::temp_dir("sync-procs");
    let path = dir.join("zoom.db");
    let store = SqliteTokenStore::open(&path, TokenEncryption::insecure_plaintext())
        .await
        .unwrap();
    one_runs_the_other_skips(format!("sqlite:{}", path.display()), Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_sharing_postgres_never_sync_one_user_at_once() {
    let Some(db) = pg::fresh_db("syncprocs").await else {
        return;
    };
    let store = PostgresTokenStore::connect(&db.url, TokenEncryption::insecure_plaintext())
        .await
        .unwrap();
    one_runs_the_other_skips(format!("postgres:{}", db.url), Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_killed_midway_is_resumed_by_the_next_process_and_converges() {
    let emu = emulator(3_000, 2_000).await;
    let dir = common::temp_dir("sync-procs");
    let path = dir.join("zoom.db");
    let store = SqliteTokenStore::open(&path, TokenEncryption::insecure_plaintext())
        .await
        .unwrap();
    let client = connected(&emu, Arc::new(store)).await;
    let zoom = Integration::new(client.clone());
    let spec = format!("sqlite:{}", path.display());
    emu.set_faults(FaultConfig {
        latency_ms: 15,
        ..Default::default()
    });
    // Kill the first worker once it has recorded a step and listed some recordings.
    let mut first = worker(&emu, &spec, "wait", 3);
    let mut out = BufReader::new(first.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut recordings_seen = 0;
    while Instant::now() < deadline {
        let Some(Ok(line)) = out.next() else { break };
        if line.starts_with("progress") {
            recordings_seen += 1;
        }
        // 30 meeting pages, then recording pages.
        if recordings_seen >= 36 {
            break;
        }
    }
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    let status = zoom.status(USER).await.unwrap();
    assert!(status.sync_pending, "the killed run left a checkpoint");
    let partial = status.indexed.values().sum::<u64>();
    assert!(
        (3_000..5_000).contains(&partial),
        "killed midway: {partial} rows"
    );

    emu.clear_faults();
    let started = Instant::now();
    let second = finish(worker(&emu, &spec, "wait", 3));
    assert!(second.starts_with("report "), "{second}");
    let report: serde_json::Value = serde_json::from_str(&second["report ".len()..]).unwrap();
    assert_eq!(report["outcome"], "completed", "{report}");
    assert_eq!(
        report["resumed"], true,
        "the next process resumed the run: {report}"
    );
    assert_eq!(
        report["counts"]["meeting"]["inserted"], 3_000,
        "the meetings step was recorded by the killed process and not run again: {report}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it waited for the dead process's lease to lapse, no longer"
    );
    let got = common::index_map(&zoom.index().await.unwrap(), USER).await;
    let want = common::zoom_data(&client, USER, EMAIL, 365, false).await;
    assert_eq!(want.len(), 5_000);
    assert_eq!(got, want, "converged to exactly the emulator's data");
}
