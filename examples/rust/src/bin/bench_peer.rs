//! One client of the peer benchmark (benchmarks/peers.py) against the emulator at
//! `ZOOM_EMULATOR_URL`: `bench_peer sdk|sdk64|reqwest`. Measures `meetings.get`, the 300-item
//! `meetings.list` and a create/delete pair (one call at a time; `sdk64`: 64 in flight) and
//! prints one JSON object: for each operation the count, seconds, p50 and p99 in ms.

use futures_util::{stream, StreamExt};
use serde_json::{json, Value};
use std::future::Future;
use std::time::{Duration, Instant};
use zoom_sdk::api::ListMeetings;
use zoom_sdk::models::CreateMeeting;

#[path = "../bench_util.rs"]
mod bench_util;
use bench_util::{emulator_client, latency_summary, BenchError};

async fn measure<F, Fut>(n: usize, in_flight: usize, f: F) -> Result<Value, BenchError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), BenchError>>,
{
    for _ in 0..5 {
        f().await?;
    }
    let start = Instant::now();
    let lat: Vec<Result<Duration, BenchError>> = stream::iter(0..n)
        .map(|_| async {
            let t = Instant::now();
            f().await.map(|_| t.elapsed())
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let total = start.elapsed();
    Ok(latency_summary(
        lat.into_iter().collect::<Result<_, _>>()?,
        total,
    ))
}

#[tokio::main]
async fn main() -> Result<(), BenchError> {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "sdk".into());
    let base = std::env::var("ZOOM_EMULATOR_URL").map_err(|_| "set ZOOM_EMULATOR_URL")?;
    let n: usize = std::env::var("ZOOM_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let (client, info) = emulator_client(&base).await?;
    let account = client.account()?;
    let id = account
        .meetings()
        .list("me", &ListMeetings::new().page_size(1))
        .await?
        .items
        .first()
        .ok_or("no meeting")?
        .id;
    let start_at = chrono::Utc::now() + chrono::Duration::days(30);
    let out = match mode.as_str() {
        "sdk" | "sdk64" => {
            let k = if mode == "sdk64" { 64 } else { 1 };
            let m = account.meetings();
            json!({
                "get": measure(n, k, || async { m.get(id).await.map(|_| ()).map_err(Into::into) }).await?,
                "list300": measure(n / 20, k, || async {
                    m.list("me", &ListMeetings::new().page_size(300)).await.map(|_| ()).map_err(Into::into)
                }).await?,
                "create_delete": measure(n / 10, k, || async {
                    let c = m.create("me", &CreateMeeting::scheduled("bench", start_at, 30)).await?;
                    m.delete(c.id, &Default::default()).await.map_err(Into::into)
                }).await?,
            })
        }
        "reqwest" => {
            let s = |k: &str| info[k].as_str().unwrap_or_default().to_string();
            let http = reqwest::Client::new();
            let token: Value = http
                .post(format!("{}/oauth/token", s("oauth_base_url")))
                .basic_auth(s("client_id"), Some(s("client_secret")))
                .query(&[
                    ("grant_type", "account_credentials"),
                    ("account_id", &s("account_id")),
                ])
                .send()
                .await?
                .json()
                .await?;
            let bearer = format!(
                "Bearer {}",
                token["access_token"].as_str().unwrap_or_default()
            );
            let api = s("api_base_url");
            let (http, bearer, api) = (&http, &bearer, &api);
            let call = |method: reqwest::Method, path: String, body: Option<Value>| async move {
                let mut r = http
                    .request(method, format!("{api}{path}"))
                    .header("authorization", bearer);
                if let Some(b) = body {
                    r = r.json(&b);
                }
                let resp = r.send().await?.error_for_status()?;
                let bytes = resp.bytes().await?;
                Ok::<Value, BenchError>(if bytes.is_empty() {
                    Value::Null
                } else {
                    serde_json::from_slice(&bytes)?
                })
            };
            json!({
                "get": measure(n, 1, || async { call(reqwest::Method::GET, format!("/meetings/{id}"), None).await.map(|_| ()) }).await?,
                "list300": measure(n / 20, 1, || async {
                    call(reqwest::Method::GET, "/users/me/meetings?page_size=300".into(), None).await.map(|_| ())
                }).await?,
                "create_delete": measure(n / 10, 1, || async {
                    let body = json!({"topic": "bench", "type": 2, "start_time": start_at.to_rfc3339(), "duration": 30});
                    let c = call(reqwest::Method::POST, "/users/me/meetings".into(), Some(body)).await?;
                    let mid = c["id"].as_u64().ok_or("no id")?;
                    call(reqwest::Method::DELETE, format!("/meetings/{mid}"), None).await.map(|_| ())
                }).await?,
            })
        }
        other => return Err(format!("unknown mode {other}: sdk, sdk64 or reqwest").into()),
    };
    let mut out = out;
    out["peak_rss_kib"] = json!(bench_util::rss_kib("VmHWM"));
    println!("{out}");
    Ok(())
}
