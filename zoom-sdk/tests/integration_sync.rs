//! The integration's sync, index, search and webhook updates against the emulator, on an
//! in-memory index, a real SQLite file and PostgreSQL.

mod common;
#[path = "common/pg.rs"]
mod pg;

use common::*;
use futures_util::TryStreamExt;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use zoom_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimitConfig, SeedConfig};
use zoom_sdk::api::{ListMeetings, MeetingRef, RecordingDeleteAction};
use zoom_sdk::integration::{
    Integration, ItemKind, LocalIndex, OnBusy, SearchFilters, SyncOptions, SyncOutcome,
};
use zoom_sdk::models::{CreateMeeting, UpdateMeeting};
use zoom_sdk::store::{SqliteTokenStore, TokenEncryption};
use zoom_sdk::webhooks::{WebhookDispatcher, WebhookRequest, WebhookVerifier};
use zoom_sdk::{ErrorKind, RetryPolicy, ZoomClient};

const EMAIL: &str = "user0@example.com";
const SECRET: &str = "webhook-secret-for-tests";

async fn emulator_with(meetings: usize, recordings: usize, days: i64, webinars: usize) -> Emulator {
    let cfg = EmulatorConfig {
        rate_limits: RateLimitConfig::unlimited(),
        seed: SeedConfig {
            users: 1,
            meetings_per_user: meetings,
            recordings_per_user: recordings,
            recording_days: days,
            webinars_per_user: webinars,
            ..SeedConfig::default()
        },
        ..Default::default()
    };
    Emulator::start(cfg).await.expect("emulator starts")
}

/// A client for `emu` keeping tokens (and so the index) in a SQLite file.
async fn sqlite_client(emu: &Emulator, dir: &std::path::Path) -> ZoomClient {
    let store = SqliteTokenStore::open(dir.join("zoom.db"), TokenEncryption::insecure_plaintext())
        .await
        .unwrap();
    let client = ZoomClient::builder(config(emu).webhook_secret_token(SECRET).build().unwrap())
        .token_store(Arc::new(store))
        .build()
        .unwrap();
    connect(&client).await;
    client
}

async fn connect(client: &ZoomClient) {
    let (code, state, pending) = authorize(client).await;
    client
        .complete_authorization(USER, &code, &state, &pending)
        .await
        .unwrap();
}

async fn expected(client: &ZoomClient, days: i64) -> BTreeMap<(ItemKind, String), String> {
    zoom_data(client, USER, EMAIL, days, true).await
}

async fn indexed(index: &LocalIndex) -> BTreeMap<(ItemKind, String), String> {
    index_map(index, USER).await
}

fn list_calls(emu: &Emulator) -> (u64, u64, u64) {
    (
        route(emu, "GET /users/{userId}/meetings"),
        route(emu, "GET /users/{userId}/webinars"),
        route(emu, "GET /users/{userId}/recordings"),
    )
}

#[tokio::test]
async fn a_first_sync_fills_the_index_and_a_second_of_unchanged_data_writes_nothing() {
    let emu = emulator_with(700, 40, 100, 3).await;
    let dir = temp_dir("sync");
    let client = sqlite_client(&emu, &dir).await;
    let zoom = Integration::new(client.clone());
    let seen = Arc::new(AtomicU64::new(0));
    let last_total = Arc::new(std::sync::Mutex::new(None));
    let (s2, t2) = (seen.clone(), last_total.clone());
    let first = zoom
        .sync(
            USER,
            SyncOptions::new()
                .recordings_days(120)
                .on_progress(move |p| {
                    s2.fetch_add(1, Ordering::SeqCst);
                    if p.kind == ItemKind::Meeting {
                        *t2.lock().unwrap() = p.total;
                    }
                }),
        )
        .await
        .unwrap();
    assert_eq!(first.outcome, SyncOutcome::Completed);
    assert!(first.full_recordings);
    let index = zoom.index().await.unwrap();
    assert_eq!(
        index.location(),
        format!("sqlite:{}", dir.join("zoom.db").display()),
        "the index lives in the token store's file"
    );
    let want = expected(&client, 120).await;
    assert_eq!(
        indexed(&index).await,
        want,
        "the index is exactly Zoom's data"
    );
    assert_eq!(first.counts[&ItemKind::Meeting].inserted, 700);
    assert_eq!(first.counts[&ItemKind::Webinar].inserted, 3);
    assert_eq!(first.counts[&ItemKind::Recording].inserted, 40);
    assert!(
        seen.load(Ordering::SeqCst) >= 5,
        "progress after every page"
    );
    assert_eq!(
        *last_total.lock().unwrap(),
        Some(700 + first.counts[&ItemKind::Meeting].fetched - 700),
        "the meetings' total once both listings started"
    );

    emu.reset_stats();
    let second = zoom
        .sync(USER, SyncOptions::new().recordings_days(120))
        .await
        .unwrap();
    assert_eq!(
        second.written(),
        0,
        "nothing changed, nothing written: {second:?}"
    );
    assert!(!second.full_recordings);
    let previous = first.counts[&ItemKind::Meeting].fetched - 700;
    let (meetings, webinars, recordings) = list_calls(&emu);
    // 700 scheduled = 3 pages of 300, past meetings in pages of 300, one webinar page, and only
    // the recordings of the last days: one call.
    assert_eq!(meetings, 3 + previous.div_ceil(300));
    assert_eq!(webinars, 1);
    assert_eq!(
        recordings, 1,
        "incremental: only the days since the last sync"
    );
    assert_eq!(second.api_calls, meetings + webinars + recordings);
    assert_eq!(indexed(&index).await, want);

    let status = zoom.status(USER).await.unwrap();
    let last = status.last_sync.expect("a last sync");
    assert!(last.completed);
    assert_eq!(last.counts[&ItemKind::Meeting].unchanged, 700);
    assert_eq!(status.indexed[&ItemKind::Meeting], 700);
    assert!(status.last_error.is_none() && !status.sync_pending);
}

#[tokio::test]
async fn an_incremental_sync_picks_up_creations_updates_and_deletions() {
    let emu = emulator_with(40, 10, 60, 2).await;
    let client = connected(&emu).await;
    let zoom = Integration::new(client.clone());
    let opts = || SyncOptions::new().recordings_days(60).past_meetings(false);
    zoom.sync(USER, opts()).await.unwrap();

    let s = client.user(USER);
    let existing: Vec<_> = s
        .meetings()
        .list_all("me", ListMeetings::new().page_size(300))
        .try_collect()
        .await
        .unwrap();
    let mut a = CreateMeeting::scheduled(
        "Quarterly budget review",
        chrono::Utc::now() + chrono::Duration::days(3),
        45,
    );
    a.agenda = Some("Forecast and hiring plan".into());
    s.meetings().create("me", &a).await.unwrap();
    let b = CreateMeeting::scheduled(
        "Launch rehearsal",
        chrono::Utc::now() + chrono::Duration::days(4),
        30,
    );
    s.meetings().create("me", &b).await.unwrap();
    s.meetings()
        .update(existing[0].id, &UpdateMeeting::new().topic("Renamed topic"))
        .await
        .unwrap();
    s.meetings()
        .delete(existing[1].id, &Default::default())
        .await
        .unwrap();
    let fresh = emu.add_recording(&emu.users()[0].id, 1_000);
    let second = zoom.sync(USER, opts()).await.unwrap();
    let m = second.counts[&ItemKind::Meeting];
    assert_eq!((m.inserted, m.updated, m.deleted), (2, 1, 1), "{m:?}");
    assert_eq!(second.counts[&ItemKind::Recording].inserted, 1);

    s.recordings()
        .delete(
            MeetingRef::Uuid(fresh["uuid"].as_str().unwrap().to_string()),
            RecordingDeleteAction::Trash,
        )
        .await
        .unwrap();
    emu.reset_stats();
    let third = zoom.sync(USER, opts()).await.unwrap();
    assert_eq!(third.counts[&ItemKind::Recording].deleted, 1);
    assert_eq!(third.counts[&ItemKind::Meeting].written(), 0);
    assert_eq!(
        list_calls(&emu),
        (1, 1, 1),
        "one page each: 41 meetings, 2 webinars, today's recordings"
    );
    let index = zoom.index().await.unwrap();
    assert_eq!(indexed(&index).await, expected(&client, 60).await);
    let hits = zoom
        .search(USER, "budget", &SearchFilters::new())
        .await
        .unwrap();
    assert_eq!(hits.hits[0].topic, "Quarterly budget review");
}

#[tokio::test]
async fn a_sync_cut_off_by_faults_and_by_a_dropped_caller_resumes_and_converges() {
    // 3,000 meetings and 2,000 recordings over a year.
    let emu = emulator_with(3_000, 2_000, 365, 0).await;
    let dir = temp_dir("sync");
    let store = SqliteTokenStore::open(dir.join("zoom.db"), TokenEncryption::insecure_plaintext())
        .await
        .unwrap();
    let client = ZoomClient::builder(
        config(&emu)
            .retry_policy(
                RetryPolicy::default()
                    .with_max_retries(1)
                    .with_delays(Duration::from_millis(1), Duration::from_millis(5)),
            )
            .build()
            .unwrap(),
    )
    .token_store(Arc::new(store))
    .build()
    .unwrap();
    connect(&client).await;
    let zoom = Integration::new(client.clone());
    let opts = || {
        SyncOptions::new()
            .recordings_days(365)
            .past_meetings(false)
            .page_size(100)
    };

    // A caller that gives up early: the lease is released and the work done so far is kept.
    let cut = tokio::time::timeout(Duration::from_millis(300), zoom.sync(USER, opts())).await;
    assert!(cut.is_err(), "the first sync is cut off");

    // Faults: 5xx and resets on a third of the requests, with one retry: syncs fail midway.
    emu.set_faults(FaultConfig {
        error_rate: 0.2,
        reset_rate: 0.15,
        ..Default::default()
    });
    let mut failures = 0;
    let mut resumed = false;
    let report = loop {
        match zoom
            .sync(USER, opts().on_busy(OnBusy::Wait(Duration::from_secs(5))))
            .await
        {
            Ok(r) => break r,
            Err(e) => {
                failures += 1;
                assert!(
                    matches!(
                        e.kind(),
                        ErrorKind::Api | ErrorKind::Transport | ErrorKind::Timeout
                    ),
                    "a typed failure: {e:?}"
                );
                let status = zoom.status(USER).await.unwrap();
                assert!(status.sync_pending, "the run waits to be resumed");
                assert!(status.last_error.is_some());
                if failures >= 3 {
                    emu.clear_faults();
                }
                resumed = true;
            }
        }
    };
    assert!(failures >= 1, "the faults interrupted a sync");
    assert!(report.resumed && resumed, "the run resumed: {report:?}");
    let index = zoom.index().await.unwrap();
    let want = expected(&client, 365).await;
    assert_eq!(want.len(), 5_000);
    assert_eq!(
        indexed(&index).await,
        want,
        "converged to exactly Zoom's data"
    );
    let status = zoom.status(USER).await.unwrap();
    assert!(status.last_error.is_none() && !status.sync_pending);
    assert!(status.last_sync.unwrap().completed);
}

fn signed(body: &str) -> (String, String) {
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = WebhookVerifier::new(SECRET).sign(&ts, body.as_bytes());
    (ts, sig)
}

async fn post(receiver: &zoom_sdk::webhooks::WebhookReceiver, body: serde_json::Value) -> u16 {
    let body = body.to_string();
    let (ts, sig) = signed(&body);
    let req = WebhookRequest {
        timestamp: Some(&ts),
        signature: Some(&sig),
        body: body.as_bytes(),
    };
    receiver
        .handle(&req)
        .await
        .map(|r| r.status)
        .unwrap_or_else(|e| e.http_status())
}

#[tokio::test]
async fn webhook_events_update_the_index_and_deauthorization_empties_it() {
    let emu = emulator_with(5, 3, 30, 0).await;
    let dir = temp_dir("sync");
    let client = sqlite_client(&emu, &dir).await;
    let zoom = Integration::new(client.clone());
    zoom.sync(USER, SyncOptions::new().recordings_days(30))
        .await
        .unwrap();
    let receiver = zoom.webhook_receiver(WebhookDispatcher::new()).unwrap();
    let host = emu.users()[0].id.clone();
    let account = emu.config().account_id;

    let created = serde_json::json!({"event": "meeting.created", "event_ts": 1, "payload": {"account_id": account, "operator": EMAIL, "object": {
        "id": 81234567890u64, "uuid": "abc==", "host_id": host, "topic": "Kayak trip planning", "type": 2,
        "start_time": "2027-01-10T10:00:00Z", "duration": 60, "timezone": "UTC", "join_url": "https://zoom.us/j/81234567890"}}});
    assert_eq!(post(&receiver, created).await, 200);
    let hit = zoom
        .search(USER, "kayak", &SearchFilters::new())
        .await
        .unwrap();
    assert_eq!(hit.hits.len(), 1);
    assert_eq!(hit.hits[0].meeting_id.as_deref(), Some("81234567890"));
    assert_eq!(
        hit.hits[0].join_url.as_deref(),
        Some("https://zoom.us/j/81234567890")
    );

    let updated = serde_json::json!({"event": "meeting.updated", "event_ts": 2, "payload": {"account_id": account, "object": {
        "id": 81234567890u64, "topic": "Canoe trip planning"}, "old_object": {"id": 81234567890u64, "topic": "Kayak trip planning"}}});
    assert_eq!(post(&receiver, updated).await, 200);
    assert!(zoom
        .search(USER, "kayak", &SearchFilters::new())
        .await
        .unwrap()
        .hits
        .is_empty());
    let canoe = zoom
        .search(USER, "canoe", &SearchFilters::new())
        .await
        .unwrap();
    assert_eq!(
        canoe.hits[0].start_time.unwrap().to_rfc3339(),
        "2027-01-10T10:00:00+00:00",
        "the rest is kept"
    );

    let recording = serde_json::json!({"event": "recording.completed", "event_ts": 3, "download_token": "tok", "payload": {"account_id": account, "object": {
        "id": 81234567890u64, "uuid": "rec-uuid==", "host_id": host, "host_email": EMAIL, "topic": "Canoe trip planning",
        "start_time": "2027-01-10T10:00:00Z", "duration": 58, "share_url": "https://zoom.us/rec/share/x",
        "recording_files": [{"id": "f1", "file_type": "TRANSCRIPT", "file_size": 100, "download_url": "https://zoom.us/rec/download/f1", "play_url": "https://zoom.us/rec/play/f1", "status": "completed"}]}}});
    assert_eq!(post(&receiver, recording).await, 200);
    let with_rec = zoom
        .search(
            USER,
            "canoe",
            &SearchFilters::new()
                .kind(ItemKind::Meeting)
                .has_recording(true),
        )
        .await
        .unwrap();
    assert_eq!(with_rec.hits.len(), 1);
    assert_eq!(
        with_rec.hits[0].recordings[0].download_url.as_deref(),
        Some("https://zoom.us/rec/download/f1")
    );
    let transcripts = zoom
        .search(USER, "transcript canoe", &SearchFilters::new())
        .await
        .unwrap();
    assert_eq!(transcripts.hits[0].kind, ItemKind::Recording);

    let trashed = serde_json::json!({"event": "recording.trashed", "event_ts": 4, "payload": {"account_id": account, "object": {"id": 81234567890u64, "uuid": "rec-uuid==", "host_id": host}}});
    assert_eq!(post(&receiver, trashed).await, 200);
    let deleted = serde_json::json!({"event": "meeting.deleted", "event_ts": 5, "payload": {"account_id": account, "object": {"id": 81234567890u64, "uuid": "abc==", "host_id": host}}});
    assert_eq!(post(&receiver, deleted).await, 200);
    assert!(zoom
        .search(USER, "canoe", &SearchFilters::new())
        .await
        .unwrap()
        .hits
        .is_empty());

    let index = zoom.index().await.unwrap();
    assert!(!index.items(USER, None).await.unwrap().is_empty());
    let deauth = serde_json::json!({"event": "app_deauthorized", "event_ts": 6, "payload": {"account_id": account, "user_id": host, "client_id": emu.config().client_id}});
    assert_eq!(post(&receiver, deauth).await, 200);
    assert!(
        index.items(USER, None).await.unwrap().is_empty(),
        "the user's rows went with their tokens"
    );
    let status = zoom.status(USER).await.unwrap();
    assert!(status.last_sync.is_none() && status.indexed.is_empty());
}

#[tokio::test]
async fn two_syncs_of_one_user_never_run_at_once() {
    let emu = emulator_with(600, 0, 1, 0).await;
    emu.set_faults(FaultConfig {
        latency_ms: 40,
        ..Default::default()
    });
    let client = connected(&emu).await;
    let zoom = Integration::new(client.clone());
    let opts = || {
        SyncOptions::new()
            .kinds([ItemKind::Meeting])
            .page_size(50)
            .on_busy(OnBusy::Skip)
    };
    let (a, b) = tokio::join!(zoom.sync(USER, opts()), zoom.sync(USER, opts()));
    let outcomes = [a.unwrap().outcome, b.unwrap().outcome];
    let busy = outcomes
        .iter()
        .filter(|o| matches!(o, SyncOutcome::Busy { .. }))
        .count();
    assert_eq!(busy, 1, "one ran, the other skipped: {outcomes:?}");
    // A waiting sync runs after the first.
    let wait = || {
        SyncOptions::new()
            .kinds([ItemKind::Meeting])
            .page_size(50)
            .on_busy(OnBusy::Wait(Duration::from_secs(30)))
    };
    let (a, b) = tokio::join!(zoom.sync(USER, wait()), zoom.sync(USER, wait()));
    assert_eq!(a.unwrap().outcome, SyncOutcome::Completed);
    assert_eq!(b.unwrap().outcome, SyncOutcome::Completed);
}

#[tokio::test]
async fn a_user_who_is_not_connected_cannot_sync() {
    let emu = emulator_with(1, 0, 1, 0).await;
    let zoom = Integration::new(client(&emu));
    let err = zoom.sync("stranger", SyncOptions::new()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotConnected);
    let page = zoom
        .search("stranger", "anything", &SearchFilters::new())
        .await
        .unwrap();
    assert!(page.hits.is_empty());
}

/// Items with known words, for ranking and hostile queries.
async fn search_fixture(zoom: &Integration, client: &ZoomClient) {
    let s = client.user(USER);
    let day = |d: i64| chrono::Utc::now() + chrono::Duration::days(d);
    for (topic, agenda, d) in [
        ("Budget review", "Numbers for Q3", 1),
        ("Staff meeting", "Budget, hiring and the roadmap", 2),
        ("Walkthrough", "New onboarding flow", 3),
        ("Budget budget budget", "", 40),
        (
            "Team lunch",
            "Pizza; DROP TABLE meetings; -- \"quoted\" NEAR(x y)",
            5,
        ),
    ] {
        let mut m = CreateMeeting::scheduled(topic, day(d), 30);
        m.agenda = Some(agenda.into());
        s.meetings().create("me", &m).await.unwrap();
    }
    zoom.sync(USER, SyncOptions::new().recordings_days(30))
        .await
        .unwrap();
}

async fn search_behaves(zoom: &Integration) {
    let all = SearchFilters::new();
    // Topic words outrank agenda words.
    let budget = zoom.search(USER, "budget", &all).await.unwrap();
    assert_eq!(budget.hits.len(), 3, "{budget:#?}");
    assert!(
        budget.hits[2].topic == "Staff meeting",
        "the agenda match ranks last"
    );
    assert!(budget.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(budget.hits[2]
        .snippet
        .iter()
        .any(|p| p.hit && p.text.eq_ignore_ascii_case("budget")));
    // Words of a phrase, OR, stemming.
    assert_eq!(
        zoom.search(USER, "\"budget review\"", &all)
            .await
            .unwrap()
            .hits
            .len(),
        1
    );
    assert_eq!(
        zoom.search(USER, "onboarding OR pizza", &all)
            .await
            .unwrap()
            .hits
            .len(),
        2
    );
    assert_eq!(
        zoom.search(USER, "budgets", &all).await.unwrap().hits.len(),
        3,
        "stemmed"
    );
    // Filters and paging.
    let soon = all
        .clone()
        .to(chrono::Utc::now() + chrono::Duration::days(10));
    assert_eq!(
        zoom.search(USER, "budget", &soon).await.unwrap().hits.len(),
        2
    );
    let p1 = zoom
        .search(USER, "budget", &all.clone().page_size(2))
        .await
        .unwrap();
    assert_eq!(p1.hits.len(), 2);
    let token = p1.next_page_token.clone().expect("a second page");
    let p2 = zoom
        .search(
            USER,
            "budget",
            &all.clone().page_size(2).next_page_token(token),
        )
        .await
        .unwrap();
    assert_eq!(p2.hits.len(), 1);
    assert!(p2.next_page_token.is_none());
    assert!(p1.hits.iter().all(|h| h.id != p2.hits[0].id));
    let bad = zoom
        .search(USER, "budget", &all.clone().next_page_token("'; DROP"))
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    assert!(zoom
        .search(USER, "budget", &all.clone().kind(ItemKind::Webinar))
        .await
        .unwrap()
        .hits
        .is_empty());
    // Hostile strings: never an error, never everything.
    let total = zoom
        .index()
        .await
        .unwrap()
        .items(USER, None)
        .await
        .unwrap()
        .len();
    let long = "lorem ipsum ".repeat(900);
    for q in [
        "\"",
        "\"\"",
        "'",
        "*",
        "NEAR",
        "NEAR(budget review)",
        "budget*",
        "-budget",
        "OR",
        "AND NOT",
        "'; DROP TABLE zoom_sdk_index_items; --",
        "1' OR '1'='1",
        "budget) OR (1=1",
        "{}[]:^~",
        "topic:budget",
        "\\",
        "\0",
        "\u{E000}budget\u{E001}",
        long.as_str(),
        "",
    ] {
        let r = zoom.search(USER, q, &all.clone().page_size(100)).await;
        let page = r.unwrap_or_else(|e| panic!("{q:?} failed: {e}"));
        // Only items holding the query's words match ("1" is in the seeded "1:1" topics).
        assert!(
            total > 30 && page.hits.len() < total / 3,
            "{q:?} matched {} of {total}",
            page.hits.len()
        );
    }
    // The hostile agenda is found by its words.
    let lunch = zoom.search(USER, "drop table", &all).await.unwrap();
    assert_eq!(lunch.hits.len(), 1);
    assert_eq!(lunch.hits[0].topic, "Team lunch");
}

#[tokio::test]
async fn search_ranks_filters_pages_and_survives_hostile_queries_on_sqlite() {
    let emu = emulator_with(30, 5, 30, 0).await;
    let dir = temp_dir("sync");
    let client = sqlite_client(&emu, &dir).await;
    let zoom = Integration::new(client.clone());
    search_fixture(&zoom, &client).await;
    search_behaves(&zoom).await;
}

#[tokio::test]
async fn search_ranks_filters_pages_and_survives_hostile_queries_on_postgres() {
    let Some(db) = pg::fresh_db("search").await else {
        return;
    };
    let emu = emulator_with(30, 5, 30, 0).await;
    let client = connected(&emu).await;
    let zoom = Integration::new(client.clone())
        .with_index(LocalIndex::connect_postgres(&db.url).await.unwrap());
    assert!(zoom.index().await.unwrap().is_postgres());
    search_fixture(&zoom, &client).await;
    search_behaves(&zoom).await;
    // The same sync guarantees hold on PostgreSQL.
    emu.reset_stats();
    let again = zoom
        .sync(USER, SyncOptions::new().recordings_days(30))
        .await
        .unwrap();
    assert_eq!(again.written(), 0);
    assert_eq!(
        indexed(&zoom.index().await.unwrap()).await,
        expected(&client, 30).await
    );
}

#[tokio::test]
async fn a_sync_waits_out_429s_and_stops_at_a_daily_limit_then_resumes() {
    let emu = emulator_with(400, 20, 60, 0).await;
    let client = connected(&emu).await;
    let zoom = Integration::new(client.clone());
    let opts = || {
        SyncOptions::new()
            .recordings_days(60)
            .past_meetings(false)
            .page_size(100)
    };
    // Two per-second 429s: waited out (Retry-After), the sync completes.
    emu.set_faults(FaultConfig {
        rate_limit_next: 2,
        retry_after_secs: 1,
        ..Default::default()
    });
    let first = zoom.sync(USER, opts()).await.unwrap();
    assert_eq!(first.outcome, SyncOutcome::Completed);
    assert_eq!(emu.stats().rate_limited, 2);

    // A daily limit: no point waiting until midnight; the sync stops with a typed error,
    // records it, and the next sync resumes.
    let mut m = CreateMeeting::scheduled(
        "After the limit",
        chrono::Utc::now() + chrono::Duration::days(2),
        30,
    );
    m.agenda = Some("created while limited".into());
    client.user(USER).meetings().create("me", &m).await.unwrap();
    emu.set_faults(FaultConfig {
        daily_limit_next: 1,
        ..Default::default()
    });
    let err = zoom.sync(USER, opts()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err:?}");
    let status = zoom.status(USER).await.unwrap();
    assert_eq!(
        status.last_error.as_ref().map(|e| e.kind.as_str()),
        Some("rate_limited")
    );
    assert!(status.sync_pending);
    emu.clear_faults();
    let resumed = zoom.sync(USER, opts()).await.unwrap();
    assert!(resumed.resumed);
    assert_eq!(resumed.counts[&ItemKind::Meeting].inserted, 1);
    assert_eq!(
        indexed(&zoom.index().await.unwrap()).await,
        expected(&client, 60).await
    );
    assert!(zoom.status(USER).await.unwrap().last_error.is_none());
}
