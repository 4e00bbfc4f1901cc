//! Recording file downloads: streamed to a file or any `AsyncWrite`, one chunk in memory at a
//! time, with a progress callback, resumed by HTTP `Range` after a reset or a timeout mid-file.
//!
//! A credential is only ever sent to Zoom: the download URL's host must be Zoom's (`zoom.us`
//! and its subdomains) or the configured API host (a proxy or the emulator). Zoom answers a
//! download with a redirect to its storage; the redirect is followed without the credential.

use super::RecordingsApi;
use crate::error::{Error, Result};
use crate::http::transport;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// How a download authenticates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum DownloadAuth {
    /// The session's OAuth access token (refreshed if Zoom rejects it).
    OAuth,
    /// A `download_token` from a `recording.completed` webhook (valid 24 hours), sent as
    /// `?access_token=`.
    DownloadToken(SecretString),
}

/// Where a download stands, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DownloadProgress {
    /// Bytes written so far (a resumed download counts what it had before).
    pub downloaded: u64,
    /// The file's size, when Zoom said.
    pub total: Option<u64>,
}

/// What a finished download did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DownloadReport {
    /// The file's size.
    pub bytes: u64,
    /// How many times the transfer was resumed after a failure mid-file.
    pub resumptions: u32,
    /// Bytes already on disk from an earlier, interrupted run (file downloads).
    pub resumed_from: u64,
}

/// Attempts after a failure before giving up.
const MAX_RETRIES: u32 = 5;

impl RecordingsApi<'_> {
    /// Download a recording file (its `download_url`) into `writer`.
    ///
    /// ```no_run
    /// # async fn demo(alice: zoom_sdk::ZoomSession) -> zoom_sdk::Result<()> {
    /// use zoom_sdk::api::DownloadAuth;
    /// let rec = alice.recordings().get(85746065432u64).await?;
    /// let url = rec.recording_files[0].download_url.clone().unwrap_or_default();
    /// let report = alice
    ///     .recordings()
    ///     .download_to_file(&url, "meeting.mp4", DownloadAuth::OAuth, |p| {
    ///         println!("{} of {:?} bytes", p.downloaded, p.total)
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn download<W: AsyncWrite + Unpin + Send>(
        &self,
        url: &str,
        auth: DownloadAuth,
        writer: &mut W,
        progress: impl FnMut(DownloadProgress) + Send,
    ) -> Result<DownloadReport> {
        let report = self.fetch(url, &auth, writer, 0, progress).await?;
        writer
            .flush()
            .await
            .map_err(|e| Error::invalid("writer", format!("cannot be written: {e}")))?;
        Ok(report)
    }

    /// Download a recording file to `path`. The bytes go to `path` + `.part` first, which a
    /// later call resumes from (after a crash or an error) and which becomes `path` once
    /// complete, so `path` never holds a partial file.
    pub async fn download_to_file(
        &self,
        url: &str,
        path: impl AsRef<Path>,
        auth: DownloadAuth,
        progress: impl FnMut(DownloadProgress) + Send,
    ) -> Result<DownloadReport> {
        let path = path.as_ref();
        let part = part_path(path);
        let io = |what: &str, e: std::io::Error| {
            Error::invalid("path", format!("{what} {}: {e}", part.display()))
        };
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&part)
            .await
            .map_err(|e| io("cannot open", e))?;
        let start = file
            .metadata()
            .await
            .map_err(|e| io("cannot read", e))?
            .len();
        let mut report = self.fetch(url, &auth, &mut file, start, progress).await?;
        file.flush().await.map_err(|e| io("cannot write", e))?;
        file.sync_all().await.map_err(|e| io("cannot sync", e))?;
        drop(file);
        tokio::fs::rename(&part, path)
            .await
            .map_err(|e| io("cannot rename", e))?;
        report.resumed_from = start;
        Ok(report)
    }

    /// The transfer: from byte `start`, resuming after failures by `Range`.
    async fn fetch<W: AsyncWrite + Unpin + Send>(
        &self,
        url: &str,
        auth: &DownloadAuth,
        writer: &mut W,
        start: u64,
        mut progress: impl FnMut(DownloadProgress) + Send,
    ) -> Result<DownloadReport> {
        let client = self.session.client();
        let target = check_url(client.config(), url)?;
        let http = client.http().download_client();
        let timeout = client.config().request_timeout();
        let mut written = start;
        let mut total: Option<u64> = None;
        let (mut failures, mut resumptions, mut refreshed) = (0u32, 0u32, false);
        loop {
            let mut req = http.get(target.clone());
            // The OAuth token this attempt sends, to name it if Zoom rejects it.
            let mut bearer: Option<SecretString> = None;
            match auth {
                DownloadAuth::OAuth => {
                    let token = client.tokens().access_token(self.session.key()).await?;
                    req = req.bearer_auth(token.expose_secret());
                    bearer = Some(token);
                }
                DownloadAuth::DownloadToken(t) => {
                    req = req.query(&[("access_token", t.expose_secret())]);
                }
            }
            if written > 0 {
                req = req.header(reqwest::header::RANGE, format!("bytes={written}-"));
            }
            let outcome = match req.send().await {
                Err(e) => Err(transport::to_error(&e, timeout)),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    match status {
                        200 | 206 => {
                            let (skip, size) = placement(&resp, status, written)?;
                            total = size.or(total);
                            copy(
                                resp,
                                writer,
                                skip,
                                &mut written,
                                total,
                                &mut progress,
                                timeout,
                            )
                            .await
                        }
                        416 if total.is_some_and(|t| written >= t) => Ok(()),
                        416 => {
                            // The bytes we hold are more than the file has: start over is the
                            // caller's call (a stale .part file).
                            return Err(Error::invalid(
                                "download",
                                format!("the server has fewer than the {written} bytes already downloaded"),
                            ));
                        }
                        401 if bearer.is_some() && !refreshed => {
                            refreshed = true;
                            if let Some(t) = &bearer {
                                client
                                    .tokens()
                                    .refresh_rejected(self.session.key(), t)
                                    .await?;
                            }
                            continue;
                        }
                        // Zoom's error answer; 5xx and 429 are retried below, the rest returned.
                        _ => {
                            let body = resp.bytes().await.unwrap_or_default();
                            Err(crate::http::error_of(status, &body))
                        }
                    }
                }
            };
            match outcome {
                Ok(()) if total.is_none_or(|t| written >= t) => {
                    return Ok(DownloadReport {
                        bytes: written,
                        resumptions,
                        resumed_from: 0,
                    })
                }
                // The body ended short of the announced size: resume.
                Ok(()) => {}
                Err(e) if !e.is_retryable() || failures >= MAX_RETRIES => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e, written, "zoom.download: interrupted; resuming");
                }
            }
            failures += 1;
            if written > 0 {
                resumptions += 1;
            }
            let policy = client.config().retry_policy();
            tokio::time::sleep(policy.backoff(failures, rand::random::<f64>())).await;
        }
    }
}

/// How many leading bytes of this answer to drop (a server that ignored `Range` sends the file
/// from its start) and the file's total size, when known.
fn placement(resp: &reqwest::Response, status: u16, written: u64) -> Result<(u64, Option<u64>)> {
    let length = resp.content_length();
    if status == 200 {
        return Ok((written, length));
    }
    let range = resp
        .headers()
        .get(reqwest::header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes "))
        .and_then(|v| v.split_once('/'))
        .and_then(|(span, total)| {
            let first: u64 = span.split_once('-')?.0.trim().parse().ok()?;
            Some((first, total.trim().parse::<u64>().ok()))
        });
    match range {
        Some((first, total)) if first == written => Ok((0, total)),
        _ => Err(Error::Decode {
            status,
            message: "a partial answer that does not start where the download stopped".into(),
        }),
    }
}

async fn copy<W: AsyncWrite + Unpin + Send>(
    mut resp: reqwest::Response,
    writer: &mut W,
    mut skip: u64,
    written: &mut u64,
    total: Option<u64>,
    progress: &mut (impl FnMut(DownloadProgress) + Send),
    timeout: Duration,
) -> Result<()> {
    loop {
        let chunk = match tokio::time::timeout(timeout, resp.chunk()).await {
            Err(_) => {
                return Err(Error::Timeout {
                    after: timeout,
                    maybe_sent: true,
                })
            }
            Ok(Err(e)) => return Err(transport::to_error(&e, timeout)),
            Ok(Ok(None)) => return Ok(()),
            Ok(Ok(Some(c))) => c,
        };
        let mut bytes = &chunk[..];
        if skip > 0 {
            let n = skip.min(bytes.len() as u64) as usize;
            bytes = &bytes[n..];
            skip -= n as u64;
        }
        if bytes.is_empty() {
            continue;
        }
        writer
            .write_all(bytes)
            .await
            .map_err(|e| Error::invalid("writer", format!("cannot be written: {e}")))?;
        *written += bytes.len() as u64;
        progress(DownloadProgress {
            downloaded: *written,
            total,
        });
    }
}

fn part_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".part");
    PathBuf::from(p)
}

/// The download URL, if a credential may go there.
fn check_url(config: &crate::ZoomConfig, url: &str) -> Result<url::Url> {
    let bad = |why: &str| Error::invalid("download_url", why.to_string());
    let u = url::Url::parse(url).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
    let zoom = host == "zoom.us" || host.ends_with(".zoom.us");
    let configured = config.api_base_url().host_str() == Some(host.as_str())
        && config.api_base_url().port_or_known_default() == u.port_or_known_default();
    if !(zoom || configured) {
        return Err(bad(&format!(
            "{host} is not Zoom's: the credential is only sent to zoom.us or the configured API host"
        )));
    }
    if u.scheme() != "https" && !(configured && crate::config::is_loopback(&u)) {
        return Err(bad("must be https"));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_only_goes_to_zoom_or_the_configured_host() {
        let c = crate::ZoomConfig::builder()
            .client_id("id")
            .client_secret("s")
            .api_base_url("http://127.0.0.1:8089/v2")
            .build()
            .unwrap();
        assert!(check_url(&c, "https://us06web.zoom.us/rec/download/abc").is_ok());
        assert!(check_url(&c, "http://127.0.0.1:8089/rec/download/abc").is_ok());
        for bad in [
            "https://evil.example/rec/download/abc",
            "https://zoom.us.evil.example/x",
            "http://us06web.zoom.us/rec/download/abc",
            "http://127.0.0.1:9999/rec/download/abc",
            "not a url",
        ] {
            assert!(check_url(&c, bad).is_err(), "{bad}");
        }
    }
}
