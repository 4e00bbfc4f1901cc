//! Connecting a user with the authorization request kept server-side (issue 11's first part):
//! the callback is served by another client instance sharing the store; unknown, reused and
//! expired states are refused with typed errors; the user comes from the stored request.

mod common;
#[path = "common/pg.rs"]
mod pg;

use common::*;
use std::sync::Arc;
use std::time::Duration;
use zoom_sdk::integration::Integration;
use zoom_sdk::store::{PostgresTokenStore, SqliteTokenStore, TokenEncryption};
use zoom_sdk::{Error, StateProblem, TokenKey, TokenStore, ZoomClient};

const KEY: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";

fn client_on(emu: &zoom_emulator::Emulator, store: Arc<dyn TokenStore>) -> ZoomClient {
    ZoomClient::builder(config(emu).build().unwrap())
        .token_store(store)
        .build()
        .unwrap()
}

/// The browser's part: follow the authorization URL (the emulator approves at once) and read
/// `code` and `state` from the redirect.
async fn approve(url: &url::Url) -> (String, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http.get(url.clone()).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let loc = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let get = |k: &str| {
        loc.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    (get("code"), get("state"))
}

fn problem(e: &Error) -> Option<StateProblem> {
    match e {
        Error::AuthorizationState { problem } => Some(*problem),
        _ => None,
    }
}

/// The whole contract on one store: two instances, reuse, unknown, expiry.
async fn contract(emu: &zoom_emulator::Emulator, a: Arc<dyn TokenStore>, b: Arc<dyn TokenStore>) {
    let first = Integration::new(client_on(emu, a));
    let second = Integration::new(client_on(emu, b.clone()));
    let started = first.add("app-user-7").await.unwrap();
    let (code, state) = approve(&started.url).await;
    assert_eq!(state, started.state);
    // Another instance serves the callback; the user comes from the stored request.
    let connected = second.complete(&state, &code).await.unwrap();
    assert_eq!(connected.user_id, "app-user-7");
    assert!(connected.zoom_user_id.is_some());
    assert!(b
        .load(&TokenKey::user("app-user-7"))
        .await
        .unwrap()
        .is_some());
    second
        .client()
        .user("app-user-7")
        .users()
        .me()
        .await
        .unwrap();

    // The same callback again (a replay, a double submit): refused, nothing exchanged.
    let before = emu.stats().authorization_code_grants;
    let again = first.complete(&state, &code).await.unwrap_err();
    assert_eq!(problem(&again), Some(StateProblem::Reused), "{again:?}");
    assert_eq!(emu.stats().authorization_code_grants, before);

    // A state nobody issued.
    let forged = first
        .complete("forged-state-0123", &code)
        .await
        .unwrap_err();
    assert_eq!(problem(&forged), Some(StateProblem::Unknown));
    assert!(matches!(
        first.complete("", &code).await,
        Err(Error::AuthorizationState { .. })
    ));

    // A request whose lifetime has passed.
    let short =
        Integration::new(first.client().clone()).with_state_lifetime(Duration::from_millis(1));
    let started = short.add("app-user-8").await.unwrap();
    let (code, state) = approve(&started.url).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let late = short.complete(&state, &code).await.unwrap_err();
    assert_eq!(problem(&late), Some(StateProblem::Expired));
    assert!(b
        .load(&TokenKey::user("app-user-8"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(late.kind(), zoom_sdk::ErrorKind::StateMismatch);

    // Two callbacks with one state at once: exactly one connects.
    let started = first.add("app-user-9").await.unwrap();
    let (code, state) = approve(&started.url).await;
    let (x, y) = tokio::join!(
        first.complete(&state, &code),
        second.complete(&state, &code)
    );
    assert_eq!([x.is_ok(), y.is_ok()].iter().filter(|ok| **ok).count(), 1);
}

#[tokio::test]
async fn a_connection_started_on_one_instance_completes_on_another_sharing_sqlite() {
    let emu = emulator().await;
    let dir = std::env::temp_dir().join(format!(
        "zoom-sdk-connect-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.db");
    let open = || async {
        Arc::new(
            SqliteTokenStore::open(&path, TokenEncryption::with_keys(KEY, &[]).unwrap())
                .await
                .unwrap(),
        ) as Arc<dyn TokenStore>
    };
    contract(&emu, open().await, open().await).await;
    // The verifier is sealed at rest like the tokens.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let unsealed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM zoom_sdk_oauth_states WHERE encryption_key_id IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(unsealed, 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_connection_started_on_one_instance_completes_on_another_sharing_postgres() {
    let Some(db) = pg::fresh_db("connect").await else {
        return;
    };
    let emu = emulator().await;
    let open = || async {
        Arc::new(
            PostgresTokenStore::connect(&db.url, TokenEncryption::with_keys(KEY, &[]).unwrap())
                .await
                .unwrap(),
        ) as Arc<dyn TokenStore>
    };
    contract(&emu, open().await, open().await).await;
}

#[tokio::test]
async fn the_memory_store_keeps_requests_for_one_instance() {
    let emu = emulator().await;
    let store: Arc<dyn TokenStore> = Arc::new(zoom_sdk::MemoryTokenStore::new());
    contract(&emu, store.clone(), store).await;
}

#[tokio::test]
async fn status_says_whether_a_user_is_connected_what_the_grant_allows_and_how_to_reconnect() {
    let emu = emulator().await;
    let store: Arc<dyn TokenStore> = Arc::new(zoom_sdk::MemoryTokenStore::new());
    let zoom = Integration::new(client_on(&emu, store.clone()));
    use zoom_sdk::integration::{Capability, ConnectionState};

    let s = zoom.status("app-user-1").await.unwrap();
    assert_eq!(s.state, ConnectionState::NotConnected);
    assert!(s
        .connect_url
        .as_deref()
        .unwrap()
        .contains("/oauth/authorize"));
    assert!(s.capabilities.is_empty() && s.token_expires_at.is_none());

    let started = zoom.add("app-user-1").await.unwrap();
    let (code, state) = approve(&started.url).await;
    zoom.complete(&state, &code).await.unwrap();
    let s = zoom.status("app-user-1").await.unwrap();
    assert_eq!(s.state, ConnectionState::Connected);
    assert!(s.connect_url.is_none());
    assert_eq!(s.zoom_user_id.as_deref(), Some(emu.users()[0].id.as_str()));
    assert!(s.capabilities.contains(&Capability::ReadMeetings));
    assert!(s.capabilities.contains(&Capability::ReadRecordings));
    assert!(s.token_expires_at.is_some_and(|t| t > chrono::Utc::now()));
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["state"], "connected");
    assert!(!json.to_string().contains("access_token"));

    // The user removes the app at Zoom: reconnect.
    let event: zoom_sdk::webhooks::DeauthorizationEvent = serde_json::from_value(
        serde_json::json!({"account_id": "a", "user_id": s.zoom_user_id.clone().unwrap()}),
    )
    .unwrap();
    zoom.client().handle_deauthorization(&event).await.unwrap();
    let s = zoom.status("app-user-1").await.unwrap();
    assert_eq!(s.state, ConnectionState::ReauthorizationRequired);
    assert!(s.connect_url.is_some() && s.scopes.is_empty());
}
