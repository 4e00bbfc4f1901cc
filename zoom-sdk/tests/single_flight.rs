//! Concurrency: many callers, one refresh.

mod common;

use common::*;
use std::sync::Arc;

async fn burst(client: &zoom_sdk::ZoomClient, n: usize) {
    let client = Arc::new(client.clone());
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.user(USER).users().me().await })
        })
        .collect();
    for t in tasks {
        t.await.expect("task").expect("call succeeds");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_with_an_expired_token_cause_exactly_one_refresh() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    expire_stored(&client).await;
    emu.expire_access_tokens(None);
    emu.reset_stats();
    burst(&client, 200).await;
    let s = emu.stats();
    assert_eq!(s.refresh_grants, 1, "{s:?}");
    assert_eq!(s.token_requests, 1);
    assert_eq!(s.unauthorized, 0, "no call went out with the expired token");
    assert_eq!(route(&emu, "GET /users/{userId}"), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_rejected_by_zoom_cause_exactly_one_refresh() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    // The SDK believes its token is good; Zoom says it expired (401, code 124).
    emu.expire_access_tokens(None);
    emu.reset_stats();
    burst(&client, 200).await;
    let s = emu.stats();
    assert_eq!(s.refresh_grants, 1, "{s:?}");
    assert_eq!(s.refresh_failures, 0);
    assert!(s.unauthorized >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_token_is_never_refreshed() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    burst(&client, 50).await;
    assert_eq!(emu.stats().refresh_grants, 0);
    assert_eq!(client.metrics().refreshes, 0);
}
