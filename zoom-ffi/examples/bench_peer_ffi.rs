//! The C ABI's client of the peer benchmark (benchmarks/peers.py): the calls a C program makes
//! (`zoom_meeting_get`, `zoom_meetings_list`, `zoom_meeting_create` + `zoom_request` DELETE;
//! C strings in, a JSON string out and freed), one at a time, against the emulator whose client
//! settings are in `ZOOM_BENCH_SETTINGS` (JSON). Prints one JSON object like bench_peer's.

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};
use zoom_sdk_ffi::*;

#[path = "../../examples/rust/src/bench_util.rs"]
mod bench_util;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// One call through the ABI: its JSON answer.
fn call(f: impl FnOnce(*mut *mut c_char) -> ZoomResult) -> Res<serde_json::Value> {
    let mut out: *mut c_char = null_mut();
    let r = f(&mut out);
    if r != ZoomResult::Ok {
        // SAFETY: the library's last-error string, valid until the next call on this thread.
        let msg = unsafe { CStr::from_ptr(zoom_last_error_message()) };
        return Err(format!("{r:?}: {}", msg.to_string_lossy()).into());
    }
    // SAFETY: `out` was set by the library to a NUL-terminated string we now own.
    let text = unsafe { CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: freed once, with the library's own function.
    unsafe { zoom_string_free(out) };
    Ok(serde_json::from_str(&text)?)
}

fn measure(n: usize, mut f: impl FnMut() -> Res<()>) -> Res<serde_json::Value> {
    for _ in 0..5 {
        f()?;
    }
    let mut lat: Vec<Duration> = Vec::with_capacity(n);
    let start = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        lat.push(t.elapsed());
    }
    Ok(bench_util::latency_summary(lat, start.elapsed()))
}

fn main() -> Res<()> {
    let settings = CString::new(std::env::var("ZOOM_BENCH_SETTINGS")?)?;
    let n: usize = std::env::var("ZOOM_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut client: *mut ZoomClientHandle = null_mut();
    // SAFETY: valid arguments, as a C caller passes them.
    let r = unsafe { zoom_client_new_from_json(settings.as_ptr(), &mut client) };
    if r != ZoomResult::Ok {
        return Err(format!("zoom_client_new_from_json: {r:?}").into());
    }
    let one = CString::new(r#"{"page_size": 1}"#)?;
    let three_hundred = CString::new(r#"{"page_size": 300}"#)?;
    let me = CString::new("me")?;
    let meeting = CString::new(
        r#"{"topic": "bench", "type": 2, "start_time": "2031-01-01T10:00:00Z", "duration": 30}"#,
    )?;
    let delete = CString::new("DELETE")?;
    // SAFETY (every block below): `client` is live, strings are NUL-terminated, user NULL = the account.
    let first = call(|out| unsafe { zoom_meetings_list(client, null(), one.as_ptr(), out) })?;
    let id = first["items"][0]["id"].as_u64().ok_or("no meeting")?;
    let mut out = serde_json::json!({
        "get": measure(n, || call(|o| unsafe { zoom_meeting_get(client, null(), id, o) }).map(|_| ()))?,
        "list300": measure(n / 20, || call(|o| unsafe { zoom_meetings_list(client, null(), three_hundred.as_ptr(), o) }).map(|_| ()))?,
        "create_delete": measure(n / 10, || {
            let m = call(|o| unsafe { zoom_meeting_create(client, null(), me.as_ptr(), meeting.as_ptr(), o) })?;
            let path = CString::new(format!("/meetings/{}", m["id"].as_u64().ok_or("no id")?))?;
            call(|o| unsafe { zoom_request(client, null(), delete.as_ptr(), path.as_ptr(), null(), o) }).map(|_| ())
        })?,
    });
    // SAFETY: freed once.
    unsafe { zoom_client_free(client) };
    out["peak_rss_kib"] = serde_json::json!(bench_util::rss_kib("VmHWM"));
    println!("{out}");
    Ok(())
}
