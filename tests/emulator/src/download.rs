//! Recording files: `GET /rec/download/{fileId}` with Zoom's two ways to authenticate (an
//! OAuth bearer token, or `?access_token=` with a webhook's `download_token`), byte ranges
//! (`Range: bytes=N-` answered 206 with `Content-Range`), and a fault that cuts the connection
//! mid-file. The content is generated from the file id, so a file of any size costs no memory
//! and a test can check every byte ([`file_digest`]).

use crate::Shared;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

const CHUNK: u64 = 64 * 1024;

fn seed(file_id: &str) -> u64 {
    let d = Sha256::digest(file_id.as_bytes());
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Bytes `[from, from + len)` of a file's content: word `w` of the file is
/// `splitmix(seed ^ w)`, little-endian.
pub fn file_bytes(file_id: &str, from: u64, len: u64) -> Vec<u8> {
    let s = seed(file_id);
    let mut out = Vec::with_capacity(len as usize + 16);
    let (first, last) = (from / 8, (from + len).div_ceil(8));
    for w in first..last {
        out.extend_from_slice(&splitmix(s ^ w).to_le_bytes());
    }
    let skip = (from % 8) as usize;
    out.drain(..skip);
    out.truncate(len as usize);
    out
}

/// The SHA-256 (hex) of a whole file's content, computed a chunk at a time.
pub fn file_digest(file_id: &str, size: u64) -> String {
    let mut h = Sha256::new();
    let mut at = 0;
    while at < size {
        let n = CHUNK.min(size - at);
        h.update(file_bytes(file_id, at, n));
        at += n;
    }
    hex(&h.finalize())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn error(status: u16, code: i64, message: &str) -> Response {
    crate::zoom_error::ZoomError::new(status, code, message).into_response()
}

/// `(start, end)` inclusive from `Range: bytes=N-` or `bytes=N-M`.
fn range(headers: &HeaderMap, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(v) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let spec = v.trim().strip_prefix("bytes=").ok_or(())?;
    let (a, b) = spec.split_once('-').ok_or(())?;
    let start: u64 = a.trim().parse().map_err(|_| ())?;
    let end: u64 = if b.trim().is_empty() {
        size.saturating_sub(1)
    } else {
        b.trim()
            .parse::<u64>()
            .map_err(|_| ())?
            .min(size.saturating_sub(1))
    };
    if start >= size || end < start {
        return Err(());
    }
    Ok(Some((start, end)))
}

pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(file_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let token = bearer.or_else(|| q.get("access_token").cloned());
    let (size, span, cut) = {
        let mut st = shared.lock();
        let caller = match st.authenticate(token.as_deref()) {
            Ok(c) => c,
            Err(e) => return e.into_response(),
        };
        let found = st
            .recordings
            .iter()
            .filter(|(host, _)| caller.account_level || **host == caller.user_id)
            .flat_map(|(_, recs)| recs.iter())
            .filter_map(|r| r.get("recording_files").and_then(Value::as_array))
            .flatten()
            .find(|f| f.get("id").and_then(Value::as_str) == Some(file_id.as_str()))
            .and_then(|f| f.get("file_size").and_then(Value::as_u64));
        let Some(size) = found else {
            return error(404, 3301, "This recording does not exist.");
        };
        let span = match range(&headers, size) {
            Ok(r) => r,
            Err(()) => {
                return Response::builder()
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                    .body(Body::empty())
                    .unwrap_or_default()
            }
        };
        st.stats.downloads += 1;
        if span.is_some() {
            st.stats.ranged_downloads += 1;
        }
        let cut = if st.faults.download_reset_next > 0 {
            st.faults.download_reset_next -= 1;
            Some(st.faults.download_reset_after_bytes)
        } else {
            None
        };
        (size, span, cut)
    };
    let (start, end) = span.unwrap_or((0, size.saturating_sub(1)));
    let len = if size == 0 { 0 } else { end - start + 1 };
    let counter = shared.clone();
    let body = futures_stream(file_id, start, len, cut, move |n| {
        counter.lock().stats.download_bytes += n;
    });
    let mut resp = Response::builder()
        .status(if span.is_some() {
            StatusCode::PARTIAL_CONTENT
        } else {
            StatusCode::OK
        })
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, len)
        .header(header::ACCEPT_RANGES, "bytes");
    if span.is_some() {
        resp = resp.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"));
    }
    resp.body(Body::from_stream(body)).unwrap_or_default()
}

/// The body, generated a chunk at a time; an error after `cut` bytes aborts the connection
/// mid-file.
fn futures_stream(
    file_id: String,
    start: u64,
    len: u64,
    cut: Option<u64>,
    count: impl Fn(u64) + Send + Sync + 'static,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let mut sent = 0u64;
    futures_util::stream::iter(std::iter::from_fn(move || {
        if sent >= len {
            return None;
        }
        if cut.is_some_and(|c| sent >= c) {
            return Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "emulated reset mid-file",
            )));
        }
        let mut n = CHUNK.min(len - sent);
        if let Some(c) = cut {
            n = n.min(c - sent).max(1);
        }
        let chunk = file_bytes(&file_id, start + sent, n);
        sent += n;
        count(n);
        Some(Ok(Bytes::from(chunk)))
    }))
}
