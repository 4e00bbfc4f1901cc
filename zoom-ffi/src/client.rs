//! The client handle and the calls made through it. Each function checks its arguments, runs
//! the core's async call on the library's runtime and hands the result back as JSON; nothing
//! about Zoom is decided here.

use crate::boundary::{
    block_on, give_json, guard, json_arg, opt_text, parse_json, text, Failure, Outcome, ZoomResult,
};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex, OnceLock};
use zoom_sdk::api::{ListMeetings, RawRequest};
use zoom_sdk::bindings::{Service, SyncRequest};
use zoom_sdk::health::HealthMonitor;
use zoom_sdk::integration::{ItemKind, SearchFilters};
use zoom_sdk::models::CreateMeeting;

/// An opaque client: configuration, token store, index. Create it with
/// `zoom_client_new_from_json` or `zoom_client_new_from_env`, free it with `zoom_client_free`.
/// One client may be used from many threads at once.
pub struct ZoomClientHandle {
    service: Service,
}

fn live_clients() -> &'static Mutex<HashSet<usize>> {
    static LIVE: OnceLock<Mutex<HashSet<usize>>> = OnceLock::new();
    LIVE.get_or_init(Default::default)
}

/// The handle behind `p`, if this library handed it out and it is not freed.
///
/// # Safety
/// `p` is NULL or a pointer the caller got from this library.
unsafe fn handle<'a>(p: *const ZoomClientHandle) -> Result<&'a ZoomClientHandle, Failure> {
    if p.is_null() {
        return Err(Failure::Null("client"));
    }
    let live = live_clients()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&(p as usize));
    if !live {
        return Err(Failure::Handle("this client"));
    }
    // SAFETY: registered when created, unregistered before it is freed.
    Ok(unsafe { &*p })
}

/// The shape of every call on a client that answers JSON: the client and `out` checked, `f`
/// run with the client, its value handed out, all inside the guard.
///
/// # Safety
/// `client` is NULL or from this library; `out` is NULL or writable.
unsafe fn answer<T: serde::Serialize>(
    client: *const ZoomClientHandle,
    out: *mut *mut c_char,
    f: impl FnOnce(&ZoomClientHandle) -> Result<T, Failure>,
) -> ZoomResult {
    guard(|| {
        // SAFETY: as the caller promised.
        let h = unsafe { handle(client) }?;
        if out.is_null() {
            return Err(Failure::Null("out"));
        }
        let v = f(h)?;
        // SAFETY: checked non-NULL; writable as the caller promised.
        unsafe { give_json(out, &v) }
    })
}

/// Build a client from `ZOOM_*` variables.
fn build(vars: std::collections::BTreeMap<String, String>) -> Result<ZoomClientHandle, Failure> {
    let service = block_on(Service::from_vars(vars))??;
    Ok(ZoomClientHandle { service })
}

/// # Safety
/// `out` is NULL or writable.
unsafe fn hand_out(out: *mut *mut ZoomClientHandle, h: ZoomClientHandle) -> Outcome {
    if out.is_null() {
        return Err(Failure::Null("out"));
    }
    let p = Box::into_raw(Box::new(h));
    live_clients()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(p as usize);
    // SAFETY: checked non-NULL; the caller promises it is writable.
    unsafe { *out = p };
    Ok(())
}

/// Create a client from a JSON object whose keys are the environment variables' names without
/// `ZOOM_`, in lower case: `{"client_id": "..", "client_secret": "..", "account_id": "..",
/// "api_base_url": "..", "token_store": "sqlite:zoom.db", "index": "memory", ...}`. Unknown
/// keys are refused. On success `*out` holds the client.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zoom_client_new_from_json(
    json: *const c_char,
    out: *mut *mut ZoomClientHandle,
) -> ZoomResult {
    guard(|| {
        if out.is_null() {
            return Err(Failure::Null("out"));
        }
        // SAFETY: as the caller promised.
        let v: serde_json::Map<String, Value> = unsafe { json_arg(json, "json", false) }?;
        let h = build(Service::vars_from_json(&v)?)?;
        // SAFETY: as the caller promised.
        unsafe { hand_out(out, h) }
    })
}

/// Create a client from the environment (`ZOOM_CLIENT_ID`, `ZOOM_TOKEN_STORE`, ...).
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zoom_client_new_from_env(out: *mut *mut ZoomClientHandle) -> ZoomResult {
    guard(|| {
        if out.is_null() {
            return Err(Failure::Null("out"));
        }
        let h = build(Service::vars_from_env())?;
        // SAFETY: as the caller promised.
        unsafe { hand_out(out, h) }
    })
}

/// Free a client. NULL is a no-op; a client freed already is `ZOOM_RESULT_INVALID_HANDLE`.
///
/// # Safety
/// `client` is NULL or a pointer from this library.
#[no_mangle]
pub unsafe extern "C" fn zoom_client_free(client: *mut ZoomClientHandle) -> ZoomResult {
    guard(|| {
        if client.is_null() {
            return Ok(());
        }
        let known = live_clients()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(client as usize));
        if !known {
            return Err(Failure::Handle("this client"));
        }
        // SAFETY: came from Box::into_raw in hand_out, and was unregistered just now.
        let h = unsafe { Box::from_raw(client) };
        // The client's pools close on the library's runtime.
        let _guard = crate::boundary::runtime()?.enter();
        drop(h);
        Ok(())
    })
}

/// Any API call: `method` (`GET`, `POST`, ...), `path` (`/users/me/meetings`), an optional JSON
/// body; `*out` gets Zoom's answer as JSON (`null` for an empty answer). `user_id` NULL calls as
/// the account (Server-to-Server).
///
/// # Safety
/// Strings are NULL or NUL-terminated; `client` is from this library; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn zoom_request(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    method: *const c_char,
    path: *const c_char,
    body_json: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = opt_text(user_id, "user_id")?;
            let method = text(method, "method")?;
            let path = text(path, "path")?;
            let body: Option<Value> = opt_text(body_json, "body_json")?
                .map(|b| parse_json(b, "body_json"))
                .transpose()?;
            let s = h.service.session(user)?;
            let mut req = RawRequest::new(method, path);
            if let Some(b) = body {
                req = req.body(b);
            }
            let v = block_on(s.raw(&req))??;
            Ok(v)
        })
    }
}

/// One page of a user's meetings (`GET /users/{userId}/meetings`). `query_json` (optional):
/// `{"type": "upcoming", "page_size": 30, "next_page_token": ".."}`. `*out`: the page as JSON
/// (`items`, `next_page_token`, `total_records`).
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_meetings_list(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    query_json: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = opt_text(user_id, "user_id")?;
            let query: ListMeetings = json_arg(query_json, "query_json", true)?;
            let s = h.service.session(user)?;
            let page = block_on(s.meetings().list("me", &query))??;
            Ok(page)
        })
    }
}

/// Create a meeting for `host` ("me" or a Zoom user id) from Zoom's JSON (`{"topic": ..,
/// "type": 2, "start_time": .., "duration": ..}`); `*out`: the meeting as JSON.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_meeting_create(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    host: *const c_char,
    meeting_json: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = opt_text(user_id, "user_id")?;
            let host = text(host, "host")?;
            let meeting: CreateMeeting =
                parse_json(text(meeting_json, "meeting_json")?, "meeting_json")?;
            let s = h.service.session(user)?;
            let m = block_on(s.meetings().create(host, &meeting))??;
            Ok(m)
        })
    }
}

/// Get one meeting; `*out`: the meeting as JSON. A meeting that does not exist is
/// `ZOOM_RESULT_NOT_FOUND`.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_meeting_get(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    meeting_id: u64,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = opt_text(user_id, "user_id")?;
            let s = h.service.session(user)?;
            let m = block_on(s.meetings().get(meeting_id))??;
            Ok(m)
        })
    }
}

/// The overall health report as JSON (status, token store, Zoom's reachability; no secret).
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_health(
    client: *const ZoomClientHandle,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let report = block_on(HealthMonitor::new(h.service.client().clone()).overall())?;
            Ok(report)
        })
    }
}

/// Start connecting `user_id` (the application's user): `*out` gets `{"url", "state",
/// "expires_at"}`; send the user's browser to `url`. The request is kept in the token store,
/// so any process sharing it can complete it.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_integration_add(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = text(user_id, "user_id")?;
            let started = block_on(h.service.integration().add(user))??;
            Ok(started)
        })
    }
}

/// Finish a connection from the callback's `state` and `code`; `*out` gets the connected user
/// (`{"user_id", "zoom_user_id", "email", "scopes"}`). An unknown, reused or expired state is
/// `ZOOM_RESULT_STATE_MISMATCH`.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_integration_complete(
    client: *const ZoomClientHandle,
    state: *const c_char,
    code: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let state = text(state, "state")?;
            let code = text(code, "code")?;
            let connected = block_on(h.service.integration().complete(state, code))??;
            Ok(connected)
        })
    }
}

/// A user's connection and last sync (`Integration::status`) as JSON.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_integration_status(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = text(user_id, "user_id")?;
            let st = block_on(h.service.integration().status(user))??;
            Ok(st)
        })
    }
}

/// Called after every page of a sync with the kind (`"meeting"`, ...), items done, the total
/// (-1 while unknown) and the caller's `user_data`. It runs on a library thread: it must not
/// call back into the library.
pub type ZoomSyncProgressFn =
    Option<extern "C" fn(kind: *const c_char, done: u64, total: i64, user_data: *mut c_void)>;

struct UserData(*mut c_void);
// SAFETY: the pointer is only handed back to the caller's callback, which the caller wrote to
// be called from a library thread (documented on ZoomSyncProgressFn).
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// Sync a user's meetings, webinars and recordings into the index. `options_json` (optional):
/// `{"kinds": ["meeting", "recording"], "full": false, "recordings_days": 365,
/// "past_meetings": true, "page_size": 300, "skip_if_busy": false}`. `*out`: the report.
///
/// # Safety
/// As `zoom_request`; `progress` is NULL or a function safe to call from another thread.
#[no_mangle]
pub unsafe extern "C" fn zoom_integration_sync(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    options_json: *const c_char,
    progress: ZoomSyncProgressFn,
    user_data: *mut c_void,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = text(user_id, "user_id")?;
            let request: SyncRequest = json_arg(options_json, "options_json", true)?;
            let mut options = request.into_options();
            if let Some(cb) = progress {
                let data = Arc::new(UserData(user_data));
                let names: Vec<(ItemKind, std::ffi::CString)> = ItemKind::ALL
                    .iter()
                    .filter_map(|k| std::ffi::CString::new(k.as_str()).ok().map(|c| (*k, c)))
                    .collect();
                options = options.on_progress(move |p| {
                    let name = names
                        .iter()
                        .find(|(k, _)| *k == p.kind)
                        .map_or(c"".as_ptr(), |(_, c)| c.as_ptr());
                    let total = p.total.and_then(|t| i64::try_from(t).ok()).unwrap_or(-1);
                    cb(name, p.done, total, data.0);
                });
            }
            let report = block_on(h.service.integration().sync(user, options))??;
            Ok(report)
        })
    }
}

/// Ranked search over a user's index. `filters_json` (optional): `{"kinds": ["meeting"],
/// "from": "2026-01-01T00:00:00Z", "to": .., "has_recording": true, "page_size": 20,
/// "next_page_token": ..}`. Any `query` text is valid. `*out`: the page of hits.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_integration_search(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    query: *const c_char,
    filters_json: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = text(user_id, "user_id")?;
            let q = text(query, "query")?;
            let filters: SearchFilters = json_arg(filters_json, "filters_json", true)?;
            let page = block_on(h.service.integration().search(user, q, &filters))??;
            Ok(page)
        })
    }
}

/// Verify a webhook (the raw body bytes and the `x-zm-request-timestamp` and `x-zm-signature`
/// headers) with the client's secret token; `*out`: the parsed event as JSON. A bad signature
/// or an old timestamp is `ZOOM_RESULT_WEBHOOK`.
///
/// # Safety
/// `body` points to `body_len` readable bytes (or is NULL with `body_len` 0); the rest as
/// `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_webhook_verify(
    client: *const ZoomClientHandle,
    body: *const u8,
    body_len: usize,
    timestamp: *const c_char,
    signature: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            if body.is_null() && body_len > 0 {
                return Err(Failure::Null("body"));
            }
            let bytes: &[u8] = if body_len == 0 {
                &[]
            } else {
                // Non-NULL, and the caller promises body_len readable bytes.
                std::slice::from_raw_parts(body, body_len)
            };
            let ts = text(timestamp, "timestamp")?;
            let sig = text(signature, "signature")?;
            let event = h.service.verify_webhook(bytes, Some(ts), Some(sig))?;
            Ok(event)
        })
    }
}

/// One of the four health reports as JSON: `kind` is `"overall"`, `"tokens"`, `"connection"` or
/// `"summary"`.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_health_report(
    client: *const ZoomClientHandle,
    kind: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let kind = text(kind, "kind")?;
            let v = block_on(h.service.call("health", json!({ "kind": kind }), None))??;
            Ok(v)
        })
    }
}

/// The service registry's descriptor (name, capabilities, chat commands, workflow triggers,
/// actions) with the live health status, as JSON.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_service_descriptor(
    client: *const ZoomClientHandle,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let d = block_on(h.service.call("service_descriptor", Value::Null, None))??;
            Ok(d)
        })
    }
}

/// The readiness suite over the variables the client was built from (`online`: also probe
/// Zoom and the store), as JSON (every check with its status and fix).
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_readiness(
    client: *const ZoomClientHandle,
    online: bool,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let report = block_on(
                h.service
                    .call("readiness", json!({ "online": online }), None),
            )??;
            Ok(report)
        })
    }
}

/// The answer to Zoom's `endpoint.url_validation` for `plain_token` (the JSON body to send
/// back), with the client's webhook secret token.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_webhook_url_validation(
    client: *const ZoomClientHandle,
    plain_token: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    guard(|| {
        // SAFETY: as the caller promised.
        let h = unsafe { handle(client) }?;
        let token = unsafe { text(plain_token, "plain_token") }?;
        if out.is_null() {
            return Err(Failure::Null("out"));
        }
        let body = h.service.url_validation(token)?;
        // SAFETY: checked non-NULL; writable as the caller promised.
        unsafe { give_json(out, &body) }
    })
}

/// A skill for an application user: `skill` is `list_meetings` (args `{"kind": "upcoming",
/// "limit": 10}`), `create_meeting` (Zoom's meeting JSON), `schedule_meeting` (`{"topic",
/// "start": {"local": {"time", "time_zone"}} or {"at": ..}, "duration_minutes", ...}`),
/// `get_recordings` (`{"from": "2026-01-01", "to": "2026-01-31"}`) or `get_user_profile`.
/// A user who must connect is `ZOOM_RESULT_NOT_CONNECTED` or
/// `ZOOM_RESULT_REAUTHORIZATION_REQUIRED`, with the URL in the error JSON's message.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_skill(
    client: *const ZoomClientHandle,
    skill: *const c_char,
    user_id: *const c_char,
    args_json: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let skill = text(skill, "skill")?;
            let user = text(user_id, "user_id")?;
            let args = match opt_text(args_json, "args_json")? {
                Some(a) => parse_json(a, "args_json")?,
                None => Value::Null,
            };
            let v = block_on(h.service.skill(skill, user, args))??;
            Ok(v)
        })
    }
}

/// Refresh a grant now (`user_id` NULL: the account's Server-to-Server token), through the
/// same single-flight, leased refresh as every call; the token itself is not handed out.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_refresh(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
) -> ZoomResult {
    guard(|| {
        // SAFETY: as the caller promised.
        let h = unsafe { handle(client) }?;
        let user = unsafe { opt_text(user_id, "user_id") }?;
        block_on(
            h.service
                .call("tokens.refresh", json!({ "user_id": user }), None),
        )??;
        Ok(())
    })
}

/// Disconnect a user: revoke the grant at Zoom and remove it from the store (removed even when
/// Zoom cannot be reached; the error is returned after).
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_disconnect(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
) -> ZoomResult {
    guard(|| {
        // SAFETY: as the caller promised.
        let h = unsafe { handle(client) }?;
        let user = unsafe { text(user_id, "user_id") }?;
        block_on(h.service.client().disconnect(user))??;
        Ok(())
    })
}

/// One page of cloud recordings (`GET /users/{userId}/recordings`): `query_json` is
/// `{"from": "2026-01-01", "to": "2026-01-31", "page_size": 30, "next_page_token": ..}` (at
/// most a month). `*out`: the page as JSON.
///
/// # Safety
/// As `zoom_request`.
#[no_mangle]
pub unsafe extern "C" fn zoom_recordings_list(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    query_json: *const c_char,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = opt_text(user_id, "user_id")?;
            let query: zoom_sdk::api::ListRecordings =
                parse_json(text(query_json, "query_json")?, "query_json")?;
            let s = h.service.session(user)?;
            let page = block_on(s.recordings().list("me", &query))??;
            Ok(page)
        })
    }
}

/// Called as a download goes: bytes written so far, the file's size (-1 while unknown), and
/// the caller's `user_data`. It runs on a library thread and must not call the library.
pub type ZoomDownloadProgressFn =
    Option<extern "C" fn(downloaded: u64, total: i64, user_data: *mut c_void)>;

/// Download a recording file (`download_url` from a recording) to `path`, through a `.part`
/// file renamed when complete and resumed after a cut; the credential goes only to Zoom's
/// hosts. `*out`: the report (`bytes`, ...).
///
/// # Safety
/// As `zoom_request`; `progress` is NULL or a function safe to call from another thread.
#[no_mangle]
pub unsafe extern "C" fn zoom_recording_download(
    client: *const ZoomClientHandle,
    user_id: *const c_char,
    download_url: *const c_char,
    path: *const c_char,
    progress: ZoomDownloadProgressFn,
    user_data: *mut c_void,
    out: *mut *mut c_char,
) -> ZoomResult {
    // SAFETY: as the caller promised; each argument is read inside.
    unsafe {
        answer(client, out, |h| {
            let user = opt_text(user_id, "user_id")?;
            let url = text(download_url, "download_url")?;
            let path = text(path, "path")?;
            let s = h.service.session(user)?;
            let data = UserData(user_data);
            let report = block_on(s.recordings().download_to_file(
                url,
                path,
                zoom_sdk::api::DownloadAuth::OAuth,
                move |p| {
                    if let Some(cb) = progress {
                        let total = p.total.and_then(|t| i64::try_from(t).ok()).unwrap_or(-1);
                        let d = &data;
                        cb(p.downloaded, total, d.0);
                    }
                },
            ))??;
            Ok(report)
        })
    }
}
