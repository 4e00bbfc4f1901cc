//! Health reports against the emulator: healthy, and broken in the ways that matter.

mod common;
#[path = "common/pg.rs"]
mod pg;

use common::*;
use std::sync::Arc;
use std::time::{Duration, Instant};
use zoom_emulator::FaultConfig;
use zoom_sdk::health::{ConnectionFailure, HealthMonitor, HealthOptions, HealthStatus};
use zoom_sdk::store::{PostgresTokenStore, TokenEncryption};
use zoom_sdk::{TokenKey, TokenStatus, ZoomClient};

fn monitor(client: &ZoomClient) -> HealthMonitor {
    HealthMonitor::new(client.clone())
        .with_options(HealthOptions::default().check_timeout(Duration::from_secs(1)))
}

#[tokio::test]
async fn a_healthy_setup_reports_healthy_in_all_four_reports() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let m = monitor(&client);
    let overall = m.overall().await;
    assert_eq!(
        overall.status,
        HealthStatus::Healthy,
        "{:?}",
        overall.reasons
    );
    assert_eq!(overall.http_status, 200);
    let names: Vec<&str> = overall.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "token_store",
            "oauth_config",
            "zoom_api",
            "tokens",
            "performance"
        ]
    );
    let tokens = m.tokens().await;
    // The connected user and the Server-to-Server account grant the probe fetched.
    assert_eq!(
        (tokens.counts.total, tokens.counts.valid),
        (2, 2),
        "{:?}",
        tokens.counts
    );
    let conn = m.connection().await;
    assert!(conn.api.authenticated && conn.api.latency_ms.is_some());
    let summary = m.summary().await;
    assert_eq!(summary.components["zoom_api"], HealthStatus::Healthy);
    assert!(summary.metrics.calls >= 1);
    // Stable JSON, and never a secret in it.
    let json = serde_json::to_string(&summary).unwrap() + &serde_json::to_string(&overall).unwrap();
    assert!(json.contains("\"status\":\"healthy\"") && json.contains("\"http_status\":200"));
    assert!(!json.contains(&emu.config().client_secret));
}

#[tokio::test]
async fn a_wrong_client_secret_is_unhealthy_with_an_auth_failure() {
    let emu = emulator().await;
    let client = ZoomClient::new(
        config(&emu)
            .client_secret("definitely-the-wrong-secret")
            .build()
            .unwrap(),
    )
    .unwrap();
    let conn = monitor(&client).connection().await;
    assert_eq!(conn.status, HealthStatus::Unhealthy);
    assert_eq!(conn.http_status, 503);
    assert_eq!(conn.api.failure, Some(ConnectionFailure::Auth));
    assert!(
        conn.reasons[0].contains("invalid_client"),
        "{:?}",
        conn.reasons
    );
}

#[tokio::test]
async fn an_unreachable_api_is_told_apart_from_dns_and_auth_failures() {
    let emu = emulator().await;
    let refused = ZoomClient::new(
        config(&emu)
            .api_base_url("http://127.0.0.1:1/v2")
            .build()
            .unwrap(),
    )
    .unwrap();
    let conn = monitor(&refused).connection().await;
    assert_eq!(
        (conn.status, conn.api.failure),
        (HealthStatus::Unhealthy, Some(ConnectionFailure::Connect)),
        "{conn:?}"
    );
    let no_dns = ZoomClient::new(
        config(&emu)
            .api_base_url("https://api.zoom-sdk-test.invalid/v2")
            .build()
            .unwrap(),
    )
    .unwrap();
    let conn = monitor(&no_dns).connection().await;
    assert_eq!(conn.api.failure, Some(ConnectionFailure::Dns), "{conn:?}");
}

#[tokio::test]
async fn a_slow_zoom_never_makes_the_health_endpoint_hang() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.set_faults(FaultConfig {
        latency_ms: 10_000,
        ..Default::default()
    });
    let start = Instant::now();
    let overall = monitor(&client).overall().await;
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(overall.status, HealthStatus::Unhealthy);
    let api = overall
        .components
        .iter()
        .find(|c| c.name == "zoom_api")
        .unwrap();
    assert!(api.detail.contains("within"), "{api:?}");
}

#[tokio::test]
async fn expired_tokens_are_counted_and_a_refused_refresh_degrades_health() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    expire_stored(&client).await;
    let tokens = monitor(&client).tokens().await;
    assert_eq!(
        (tokens.counts.expired, tokens.status),
        (1, HealthStatus::Healthy),
        "expired tokens refresh on use"
    );
    let key = TokenKey::user(USER);
    let mut t = client.store().load(&key).await.unwrap().unwrap();
    t.status = TokenStatus::ReauthorizationRequired;
    client.store().save(&key, &t).await.unwrap();
    let tokens = monitor(&client).tokens().await;
    assert_eq!(
        (
            tokens.counts.reauthorization_required,
            tokens.status,
            tokens.http_status
        ),
        (1, HealthStatus::Degraded, 200)
    );
}

#[tokio::test]
async fn a_store_that_went_down_is_unhealthy() {
    let Some(db) = pg::fresh_db("health_down").await else {
        return;
    };
    let emu = emulator().await;
    let key = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";
    let store = Arc::new(
        PostgresTokenStore::connect(&db.url, TokenEncryption::with_keys(key, &[]).unwrap())
            .await
            .unwrap(),
    );
    let client = ZoomClient::builder(config(&emu).build().unwrap())
        .token_store(store)
        .build()
        .unwrap();
    assert_eq!(
        monitor(&client).overall().await.status,
        HealthStatus::Healthy
    );
    drop(db); // DROP DATABASE ... WITH (FORCE): the store's connections die.
    let overall = monitor(&client).overall().await;
    assert_eq!(
        (overall.status, overall.http_status),
        (HealthStatus::Unhealthy, 503)
    );
    assert!(
        overall.reasons.iter().any(|r| r.starts_with("token_store")),
        "{:?}",
        overall.reasons
    );
}

#[test]
fn the_service_descriptor_carries_live_health() {
    let d =
        zoom_sdk::service_registry::ServiceDescriptor::new().with_health(HealthStatus::Degraded);
    let v = serde_json::to_value(d).unwrap();
    assert_eq!(v["health"], "degraded");
    assert!(v["capabilities"].as_array().unwrap().len() == 4);
}
