//! Shared set-up for the integration tests: an emulator on loopback and a client wired to it.
#![allow(dead_code)]

use std::time::Duration;
use zoom_emulator::{Emulator, EmulatorConfig, RateLimitConfig};
use zoom_sdk::{PendingAuthorization, RetryPolicy, ZoomClient, ZoomConfig};

pub const USER: &str = "app-user-1";

/// An emulator without rate limits (tests that exercise limits switch them on).
pub async fn emulator() -> Emulator {
    let cfg = EmulatorConfig {
        rate_limits: RateLimitConfig::unlimited(),
        ..Default::default()
    };
    Emulator::start(cfg).await.expect("emulator starts")
}

/// A configuration for `emu`, with short backoff delays and no client-side limiter (the
/// emulator from [`emulator`] has no limits either), so tests stay quick.
pub fn config(emu: &Emulator) -> zoom_sdk::ZoomConfigBuilder {
    let c = emu.config();
    ZoomConfig::builder()
        .client_id(c.client_id)
        .client_secret(c.client_secret)
        .redirect_uri(c.redirect_uris[0].clone())
        .account_id(c.account_id)
        .api_base_url(emu.api_base_url())
        .oauth_base_url(emu.oauth_base_url())
        .request_timeout(Duration::from_secs(5))
        .rate_limits(zoom_sdk::http::RateLimits::disabled())
        .retry_policy(
            RetryPolicy::default().with_delays(Duration::from_millis(5), Duration::from_millis(50)),
        )
}

pub fn client(emu: &Emulator) -> ZoomClient {
    ZoomClient::new(config(emu).build().expect("valid config")).expect("client builds")
}

/// Follow the authorization URL the way a browser would (the emulator approves at once) and
/// return `code`, `state` and what the backend kept.
pub async fn authorize(client: &ZoomClient) -> (String, String, PendingAuthorization) {
    authorize_as(client, None).await
}

/// Like [`authorize`], approving as the emulator user `login` (id or email).
pub async fn authorize_as(
    client: &ZoomClient,
    login: Option<&str>,
) -> (String, String, PendingAuthorization) {
    let mut req = client.authorization_url().expect("authorization url");
    if let Some(login) = login {
        req.url.query_pairs_mut().append_pair("login", login);
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http.get(req.url.clone()).send().await.expect("authorize");
    assert_eq!(resp.status(), 302, "the emulator approves and redirects");
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let url = url::Url::parse(&location).unwrap();
    let get = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    (get("code"), get("state"), req.pending)
}

/// Connect the application user `user` on `client` through the whole OAuth flow.
pub async fn connect(client: &ZoomClient, user: &str) {
    let (code, state, pending) = authorize(client).await;
    client
        .complete_authorization(user, &code, &state, &pending)
        .await
        .expect("authorization completes");
}

/// A client with `USER` connected through the whole OAuth flow.
pub async fn connected(emu: &Emulator) -> ZoomClient {
    let client = client(emu);
    connect(&client, USER).await;
    client
}

/// Mark the stored grant of `USER` as expired, as if an hour had passed (the in-memory copy
/// is dropped too: an hour later it would have lapsed).
pub async fn expire_stored(client: &ZoomClient) {
    let key = zoom_sdk::TokenKey::user(USER);
    client.tokens().forget(&key);
    let mut t = client.store().load(&key).await.unwrap().unwrap();
    t.expires_at = chrono::Utc::now() - chrono::Duration::seconds(10);
    client.store().save(&key, &t).await.unwrap();
}

pub fn route(emu: &Emulator, route: &str) -> u64 {
    emu.stats()
        .api_requests_by_route
        .get(route)
        .copied()
        .unwrap_or(0)
}

/// Spend a refresh token at the emulator's token endpoint directly, as another program would.
pub async fn spend_refresh_token(emu: &Emulator, refresh_token: &str) -> reqwest::Response {
    let c = emu.config();
    reqwest::Client::new()
        .post(format!("{}/oauth/token", emu.oauth_base_url()))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .expect("the token endpoint answers")
}

/// What a user's local index must hold after a sync: everything the emulator lists for them
/// (meetings, past meetings when `past`, webinars, the recordings of the last `days` days), in
/// the index's form, as (kind, id) -> digest.
pub async fn zoom_data(
    client: &ZoomClient,
    user: &str,
    email: &str,
    days: i64,
    past: bool,
) -> std::collections::BTreeMap<(zoom_sdk::integration::ItemKind, String), String> {
    use futures_util::TryStreamExt;
    use zoom_sdk::api::{ListMeetings, ListRecordings, ListWebinars};
    use zoom_sdk::integration::IndexedItem;
    use zoom_sdk::models::ListMeetingsType;
    let s = client.user(user);
    let mut out = std::collections::BTreeMap::new();
    let mut kinds = vec![ListMeetingsType::Scheduled];
    if past {
        kinds.push(ListMeetingsType::PreviousMeetings);
    }
    for t in kinds {
        let all: Vec<_> = s
            .meetings()
            .list_all("me", ListMeetings::new().meeting_type(t).page_size(300))
            .try_collect()
            .await
            .unwrap();
        for m in all {
            let i = IndexedItem::from_meeting(&m, email);
            out.entry((i.kind, i.item_id.clone())).or_insert(i.digest());
        }
    }
    let webinars: Result<Vec<_>, _> = s
        .webinars()
        .list_all("me", ListWebinars::new().page_size(300))
        .try_collect()
        .await;
    for w in webinars.unwrap_or_default() {
        let i = IndexedItem::from_webinar(&w, email);
        out.insert((i.kind, i.item_id.clone()), i.digest());
    }
    let today = chrono::Utc::now().date_naive();
    let recs: Vec<_> = s
        .recordings()
        .list_all(
            "me",
            ListRecordings::new(today - chrono::Duration::days(days), today).page_size(300),
        )
        .try_collect()
        .await
        .unwrap();
    for r in recs {
        let i = IndexedItem::from_recording(&r, email);
        out.insert((i.kind, i.item_id.clone()), i.digest());
    }
    out
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zoom-sdk-{label}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A user's index rows as (kind, id) -> digest, to compare with [`zoom_data`].
pub async fn index_map(
    index: &zoom_sdk::integration::LocalIndex,
    user: &str,
) -> std::collections::BTreeMap<(zoom_sdk::integration::ItemKind, String), String> {
    index
        .items(user, None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| ((i.kind, i.item_id.clone()), i.digest()))
        .collect()
}
