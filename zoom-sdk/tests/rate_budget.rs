//! The shared rate budget when Redis goes away in the middle of a run and comes back: calls
//! keep flowing on the process's own limits (no outage, no 429s), the fallback is counted, and
//! the shared budget is used again once Redis answers. Needs Redis at 127.0.0.1:6379 (skips
//! loudly without it; fails under `ZOOM_SDK_REQUIRE_REDIS=1`). The cross-process behaviour is
//! tests/multiprocess/tests/shared_budget.rs.

mod common;
#[path = "common/proxy.rs"]
mod proxy;

use common::*;
use futures_util::{stream, StreamExt};
use std::time::Duration;
use zoom_emulator::{Emulator, EmulatorConfig};
use zoom_sdk::http::RateLimits;
use zoom_sdk::ZoomClient;

fn redis_up() -> bool {
    if std::net::TcpStream::connect("127.0.0.1:6379").is_ok() {
        return true;
    }
    let msg = "NO REDIS at 127.0.0.1:6379: the rate budget fallback test did not run";
    if std::env::var("ZOOM_SDK_REQUIRE_REDIS").as_deref() == Ok("1") {
        panic!("{msg} (ZOOM_SDK_REQUIRE_REDIS=1)");
    }
    eprintln!("\n*** {msg} ***\n");
    false
}

async fn burst(client: &ZoomClient, n: usize) -> usize {
    let account = client.account().unwrap();
    stream::iter(0..n)
        .map(|_| {
            let a = account.clone();
            async move { a.users().me().await }
        })
        .buffer_unordered(8)
        .filter(|r| std::future::ready(r.is_ok()))
        .count()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_going_away_mid_run_is_a_fallback_never_an_outage() {
    if !redis_up() {
        return;
    }
    let account = format!("fallbackAcct{:08x}", rand::random::<u32>());
    let emu = Emulator::start(EmulatorConfig {
        account_id: account.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let proxy = proxy::FlakyProxy::start("127.0.0.1:6379".parse().unwrap()).await;
    let client = ZoomClient::new(
        config(&emu)
            .rate_limits(RateLimits::pro())
            .rate_budget(format!("redis://{}/0", proxy.addr))
            .build()
            .unwrap(),
    )
    .unwrap();

    assert_eq!(burst(&client, 40).await, 40);
    assert_eq!(
        client.metrics().shared_budget_fallbacks,
        0,
        "Redis answered"
    );

    proxy.set_up(false);
    assert_eq!(burst(&client, 60).await, 60, "Redis down: no call fails");
    let fallbacks = client.metrics().shared_budget_fallbacks;
    assert!(
        fallbacks >= 52,
        "every call made while Redis was away is counted: {fallbacks}"
    );

    proxy.set_up(true);
    // After the outage pause, the shared budget is asked again.
    tokio::time::sleep(Duration::from_millis(5_200)).await;
    assert_eq!(burst(&client, 40).await, 40);
    let after = client.metrics().shared_budget_fallbacks;
    let redis = redis::Client::open("redis://127.0.0.1:6379/0").unwrap();
    let mut conn = redis.get_multiplexed_async_connection().await.unwrap();
    let key = format!("zoom_sdk:rate:account:{account}:Light");
    let exists: bool = redis::cmd("EXISTS")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    println!(
        "Redis down mid-run: 140 calls succeeded, {fallbacks} used local limits, {} 429s from Zoom, budget key in Redis again: {exists}",
        emu.stats().rate_limited
    );
    assert!(exists, "the shared budget is used again once Redis is back");
    assert!(
        after - fallbacks <= 8,
        "at most the calls in flight when Redis came back fell back"
    );
    assert_eq!(
        emu.stats().rate_limited,
        0,
        "a single process on local limits stays under Zoom's"
    );
}
