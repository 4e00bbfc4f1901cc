//! The typed API against the emulator: streams, month windows, UUIDs, webinars, rate limits.

mod common;

use common::*;
use futures_util::TryStreamExt;
use std::collections::HashSet;
use zoom_emulator::{Emulator, EmulatorConfig, RateLimitConfig, SeedConfig};
use zoom_sdk::api::{ListMeetings, ListRecordings, ListWebinars, MeetingRef};
use zoom_sdk::http::RateLimits;
use zoom_sdk::models::CreateWebinar;
use zoom_sdk::{Error, ZoomClient};

async fn seeded(seed: SeedConfig) -> Emulator {
    Emulator::start(EmulatorConfig {
        rate_limits: RateLimitConfig::unlimited(),
        seed,
        ..Default::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_half_year_of_recordings_is_fetched_in_month_windows_without_a_refusal() {
    let emu = seeded(SeedConfig {
        users: 1,
        meetings_per_user: 1,
        recordings_per_user: 60,
        recording_days: 180,
        ..Default::default()
    })
    .await;
    let client = client(&emu);
    let account = client.account().unwrap();
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(200);
    let all: Vec<_> = account
        .recordings()
        .list_all("me", ListRecordings::new(from, today).page_size(7))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 60);
    let uuids: HashSet<_> = all.iter().map(|r| r.uuid.clone()).collect();
    assert_eq!(
        uuids.len(),
        60,
        "no recording twice across window boundaries"
    );
    let calls = route(&emu, "GET /users/{userId}/recordings");
    assert!(
        calls >= 7,
        "at least one call per month window, got {calls}"
    );
    assert!(all.iter().all(|r| !r.recording_files.is_empty()));
    // A single call over more than a month is refused before anything is sent.
    let q = zoom_sdk::api::ListRecordings::new(from, today);
    let err = account.recordings().list("me", &q).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(route(&emu, "GET /users/{userId}/recordings"), calls);
}

#[tokio::test]
async fn every_recording_is_found_by_uuid_whatever_its_slashes() {
    let emu = seeded(SeedConfig {
        users: 1,
        meetings_per_user: 1,
        recordings_per_user: 40,
        recording_days: 20,
        ..Default::default()
    })
    .await;
    let client = client(&emu);
    let account = client.account().unwrap();
    let today = chrono::Utc::now().date_naive();
    let all: Vec<_> = account
        .recordings()
        .list_all(
            "me",
            ListRecordings::new(today - chrono::Duration::days(25), today),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 40);
    assert!(
        all.iter().any(|r| r.uuid.contains('/')),
        "the seed has UUIDs with slashes"
    );
    for r in &all {
        let got = account
            .recordings()
            .get(MeetingRef::Uuid(r.uuid.clone()))
            .await
            .unwrap();
        assert_eq!(got.uuid, r.uuid);
        let by_id = account.recordings().get(r.id).await.unwrap();
        assert_eq!(by_id.id, r.id);
    }
    let err = account.recordings().get(1u64).await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound(ref a) if a.code == Some(3301)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_thousand_meetings_stream_in_pages_of_300() {
    let emu = seeded(SeedConfig {
        users: 1,
        meetings_per_user: 1000,
        recordings_per_user: 0,
        ..Default::default()
    })
    .await;
    let client = client(&emu);
    let account = client.account().unwrap();
    let ids: HashSet<u64> = account
        .meetings()
        .list_all("me", ListMeetings::new().page_size(300))
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 1000);
    assert_eq!(route(&emu, "GET /users/{userId}/meetings"), 4);
}

#[tokio::test]
async fn webinars_list_create_and_the_missing_plan_is_permission_denied() {
    let emu = seeded(SeedConfig {
        users: 2,
        webinars_per_user: 3,
        ..Default::default()
    })
    .await;
    let client = client(&emu);
    let account = client.account().unwrap();
    let owner = emu.users()[0].clone();
    assert!(owner.webinar_plan);
    let start = chrono::Utc::now() + chrono::Duration::days(3);
    let w = account
        .webinars()
        .create(
            "me",
            &CreateWebinar::scheduled("Launch", start, 60).agenda("news"),
        )
        .await
        .unwrap();
    assert_eq!(w.topic, "Launch");
    let all: Vec<_> = account
        .webinars()
        .list_all("me", ListWebinars::new().page_size(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    let other = emu.users()[1].clone();
    assert!(!other.webinar_plan);
    let err = account
        .webinars()
        .list(&other.id, &ListWebinars::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::PermissionDenied(ref a) if a.status == 400 && a.code == Some(200)),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_300_call_burst_at_the_light_limit_draws_no_429() {
    let limit = 100;
    let emu = Emulator::start(EmulatorConfig {
        rate_limits: RateLimitConfig {
            enabled: true,
            light_per_second: limit,
            ..Default::default()
        },
        ..Default::default()
    })
    .await
    .unwrap();
    let cfg = config(&emu)
        .rate_limits(RateLimits::per_second(limit))
        .build()
        .unwrap();
    let client = ZoomClient::new(cfg).unwrap();
    let account = client.account().unwrap();
    account.users().me().await.unwrap();
    emu.reset_stats();
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..300)
        .map(|_| {
            let a = account.clone();
            tokio::spawn(async move { a.users().me().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let s = emu.stats();
    assert_eq!(s.rate_limited, 0, "{s:?}");
    assert_eq!(route(&emu, "GET /users/{userId}"), 300);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "the limiter spread the burst"
    );
}
