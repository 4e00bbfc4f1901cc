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
