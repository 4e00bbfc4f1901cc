//! `/_emulator/*`: the switches and counters for tests that run the emulator as a process
//! (Python, C, TypeScript, a browser). In-process tests use the same operations on
//! [`crate::Emulator`]. This is the one list of them; `GET /_emulator` answers it as JSON.
//!
//! | method and path | what it does |
//! | --- | --- |
//! | `GET /_emulator` | this list |
//! | `GET /_emulator/config` | the OAuth app (client id and secret, account id, redirect URIs) and base URLs |
//! | `GET /_emulator/users` | the seeded users: id, email, webinar plan |
//! | `GET /_emulator/stats` | counters of what reached "Zoom" (token grants, API calls by route, 429s, downloads...) |
//! | `POST /_emulator/stats/reset` | zero the counters |
//! | `PUT /_emulator/faults` | switch faults on (JSON [`crate::FaultConfig`]) |
//! | `DELETE /_emulator/faults` | switch every fault off |
//! | `PUT /_emulator/rate-limits` | replace the rate limits (JSON [`crate::RateLimitConfig`]) |
//! | `POST /_emulator/expire-tokens` | expire every access token, or one user's (`{"user_id": ..}`) |
//! | `GET /_emulator/requests` | the request log (on by default in the command; `?method=`, `?route=`, `?status=`, `?path_contains=` filter it) |
//! | `DELETE /_emulator/requests` | empty the request log |
//! | `POST /_emulator/recordings` | add a one-file recording: `{"user_id": .., "file_size": ..}` |

use crate::config::RateLimitConfig;
use crate::faults::FaultConfig;
use crate::Shared;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub(crate) async fn stats(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    Json(s.lock().stats.clone())
}

pub(crate) async fn reset_stats(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    s.lock().stats = Default::default();
    StatusCode::NO_CONTENT
}

pub(crate) async fn set_faults(
    State(s): State<Arc<Shared>>,
    Json(f): Json<FaultConfig>,
) -> impl IntoResponse {
    s.lock().faults = f;
    StatusCode::NO_CONTENT
}

pub(crate) async fn clear_faults(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    s.lock().faults = FaultConfig::default();
    StatusCode::NO_CONTENT
}

pub(crate) async fn set_rate_limits(
    State(s): State<Arc<Shared>>,
    Json(r): Json<RateLimitConfig>,
) -> impl IntoResponse {
    s.lock().limiter.set_config(r);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize, Default)]
pub(crate) struct ExpireBody {
    user_id: Option<String>,
}

pub(crate) async fn expire_tokens(
    State(s): State<Arc<Shared>>,
    body: Option<Json<ExpireBody>>,
) -> impl IntoResponse {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let n = s.lock().expire_access_tokens(body.user_id.as_deref());
    Json(json!({"expired": n}))
}

pub(crate) async fn users(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    let st = s.lock();
    let users: Vec<Value> = st
        .users
        .iter()
        .map(|u| json!({"id": u.id(), "email": u.email(), "webinar_plan": u.webinar_plan}))
        .collect();
    Json(Value::Array(users))
}

pub(crate) async fn config(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    let st = s.lock();
    Json(json!({
        "client_id": st.cfg.client_id,
        "client_secret": st.cfg.client_secret,
        "account_id": st.cfg.account_id,
        "redirect_uris": st.cfg.redirect_uris,
        "api_base_url": format!("{}/v2", st.base_url),
        "oauth_base_url": st.base_url,
    }))
}

/// The control endpoints, for `GET /_emulator`.
pub(crate) const ENDPOINTS: &[(&str, &str)] = &[
    ("GET /_emulator", "this list"),
    ("GET /_emulator/config", "the OAuth app and base URLs"),
    ("GET /_emulator/users", "the seeded users"),
    ("GET /_emulator/stats", "counters of what reached Zoom"),
    ("POST /_emulator/stats/reset", "zero the counters"),
    (
        "PUT /_emulator/faults",
        "switch faults on (JSON FaultConfig)",
    ),
    ("DELETE /_emulator/faults", "switch every fault off"),
    (
        "PUT /_emulator/rate-limits",
        "replace the rate limits (JSON RateLimitConfig)",
    ),
    (
        "POST /_emulator/expire-tokens",
        "expire access tokens ({\"user_id\": ..} for one user)",
    ),
    (
        "GET /_emulator/requests",
        "the request log; filters: method, route, status, path_contains",
    ),
    ("DELETE /_emulator/requests", "empty the request log"),
    (
        "POST /_emulator/recordings",
        "add a one-file recording ({\"user_id\": .., \"file_size\": ..})",
    ),
];

pub(crate) async fn index() -> impl IntoResponse {
    Json(Value::Array(
        ENDPOINTS
            .iter()
            .map(|(e, what)| json!({"endpoint": e, "does": what}))
            .collect(),
    ))
}

#[derive(Deserialize, Default)]
pub(crate) struct RequestFilter {
    method: Option<String>,
    route: Option<String>,
    status: Option<u16>,
    path_contains: Option<String>,
}

pub(crate) async fn requests(
    State(s): State<Arc<Shared>>,
    axum::extract::Query(f): axum::extract::Query<RequestFilter>,
) -> impl IntoResponse {
    let st = s.lock();
    let Some(log) = st.recorded.as_ref() else {
        return (
            StatusCode::CONFLICT,
            Json(json!({"error": "the request log is off (start with request_log: true)"})),
        )
            .into_response();
    };
    let hits: Vec<&crate::state::RequestRecord> = log
        .iter()
        .filter(|r| {
            f.method
                .as_deref()
                .is_none_or(|m| r.method.eq_ignore_ascii_case(m))
        })
        .filter(|r| f.route.as_deref().is_none_or(|x| r.route == x))
        .filter(|r| f.status.is_none_or(|x| r.status == x))
        .filter(|r| {
            f.path_contains
                .as_deref()
                .is_none_or(|x| r.path.contains(x))
        })
        .collect();
    Json(json!(hits)).into_response()
}

pub(crate) async fn clear_requests(State(s): State<Arc<Shared>>) -> impl IntoResponse {
    if let Some(log) = s.lock().recorded.as_mut() {
        log.clear();
    }
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
pub(crate) struct NewRecording {
    user_id: String,
    file_size: u64,
}

pub(crate) async fn add_recording(
    State(s): State<Arc<Shared>>,
    Json(r): Json<NewRecording>,
) -> impl IntoResponse {
    let mut st = s.lock();
    if !st.users.iter().any(|u| u.id() == r.user_id) {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such user"})),
        )
            .into_response();
    }
    let rec = crate::seed::single_file_recording(&mut st, &r.user_id, r.file_size);
    st.recordings
        .entry(r.user_id.clone())
        .or_default()
        .insert(0, rec.clone());
    (StatusCode::CREATED, Json(Value::Object(rec))).into_response()
}
