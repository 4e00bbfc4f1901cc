//! `/_emulator/*`: the switches and counters for tests that run the emulator as a process
//! (Python, C, TypeScript). In-process tests use the same operations on [`crate::Emulator`].

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
