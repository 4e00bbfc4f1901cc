//! What the benchmarks share: reading this process's memory, and connecting a user through the
//! emulator's OAuth flow (it approves at once). Included by each benchmark with `#[path]`.
#![allow(dead_code)]

use zoom_sdk::ZoomClient;

pub type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`); 0 where there is no such file.
pub fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Connect `user` through the OAuth flow (the emulator approves at once).
pub async fn connect(client: &ZoomClient, user: &str) -> Result<(), BenchError> {
    let req = client.authorization_url()?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let resp = http.get(req.url.clone()).send().await?;
    let location = url::Url::parse(resp.headers()["location"].to_str()?)?;
    let get = |k: &str| {
        location
            .query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    client
        .complete_authorization(user, &get("code"), &get("state"), &req.pending)
        .await?;
    Ok(())
}

/// A client for the emulator at `base` (its `/_emulator/config` gives the app's credentials),
/// with the SDK's own rate limiter off, and that configuration.
pub async fn emulator_client(base: &str) -> Result<(ZoomClient, serde_json::Value), BenchError> {
    let info: serde_json::Value = reqwest::get(format!("{base}/_emulator/config"))
        .await?
        .json()
        .await?;
    let s = |k: &str| info[k].as_str().unwrap_or_default().to_string();
    let config = zoom_sdk::ZoomConfig::builder()
        .client_id(s("client_id"))
        .client_secret(s("client_secret"))
        .account_id(s("account_id"))
        .api_base_url(s("api_base_url"))
        .oauth_base_url(s("oauth_base_url"))
        .rate_limits(zoom_sdk::http::RateLimits::disabled())
        .build()?;
    Ok((ZoomClient::new(config)?, info))
}

/// A measurement as the peer benchmark reports it: count, seconds, p50 and p99 in ms.
pub fn latency_summary(
    mut lat: Vec<std::time::Duration>,
    total: std::time::Duration,
) -> serde_json::Value {
    lat.sort();
    let pick = |q: f64| {
        let i = ((lat.len() as f64 - 1.0) * q).round() as usize;
        lat.get(i).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    };
    serde_json::json!({"n": lat.len(), "secs": total.as_secs_f64(), "p50_ms": pick(0.5), "p99_ms": pick(0.99)})
}
