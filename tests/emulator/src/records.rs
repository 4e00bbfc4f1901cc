//! Records as the API handlers create and change them: a meeting or webinar from a request
//! body (with Zoom's defaults and generated ids and URLs), and the JSON merge that `PATCH`
//! applies. The seeded data set (`seed.rs`) is made of the same records.

use crate::seed::{default_settings, obj};
use crate::state::{zoom_time, MeetingRec, State};
use chrono::Utc;
use serde_json::{json, Map, Value};

/// Store a new meeting from a (validated) create body and return its full JSON.
pub(crate) fn create_meeting(
    state: &mut State,
    host_id: &str,
    host_email: &str,
    body: Map<String, Value>,
) -> Map<String, Value> {
    let id = state.new_meeting_id();
    let uuid = state.random_uuid();
    let now = Utc::now();
    let kind = body.get("type").and_then(Value::as_i64).unwrap_or(2);
    let start_time = match kind {
        3 => None,
        _ => body
            .get("start_time")
            .and_then(Value::as_str)
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .or(Some(now)),
    };
    let password = state.random_token("", 6);
    let base = state.base_url.clone();
    let mut m = obj(json!({
        "uuid": uuid,
        "id": id,
        "host_id": host_id,
        "host_email": host_email,
        "topic": body.get("topic").cloned().unwrap_or(json!("Zoom meeting")),
        "type": kind,
        "status": "waiting",
        "duration": body.get("duration").cloned().unwrap_or(json!(60)),
        "timezone": body.get("timezone").cloned().unwrap_or(json!("UTC")),
        "agenda": body.get("agenda").cloned().unwrap_or(json!("")),
        "created_at": zoom_time(now),
        "start_url": format!("{base}/s/{id}?zak=emulated"),
        "join_url": format!("{base}/j/{id}?pwd=emulated"),
        "password": password,
        "h323_password": "123456",
        "pstn_password": "123456",
        "encrypted_password": "emulated",
        "pre_schedule": false,
        "settings": default_settings(),
    }));
    if let Some(t) = start_time {
        m.insert("start_time".into(), json!(zoom_time(t)));
    }
    if let Some(Value::Object(s)) = body.get("settings") {
        merge(
            m.entry("settings").or_insert(json!({})),
            &Value::Object(s.clone()),
        );
    }
    for key in [
        "recurrence",
        "tracking_fields",
        "template_id",
        "pre_schedule",
    ] {
        if let Some(v) = body.get(key) {
            m.insert(key.into(), v.clone());
        }
    }
    state.meetings.insert(
        id,
        MeetingRec {
            host_id: host_id.to_string(),
            start_time,
            json: m.clone(),
        },
    );
    state
        .meetings_by_host
        .entry(host_id.to_string())
        .or_default()
        .push(id);
    m
}

pub(crate) fn create_webinar(
    state: &mut State,
    host_id: &str,
    host_email: &str,
    body: Map<String, Value>,
) -> Map<String, Value> {
    let id = state.new_meeting_id();
    let uuid = state.random_uuid();
    let base = state.base_url.clone();
    let w = obj(json!({
        "uuid": uuid,
        "id": id,
        "host_id": host_id,
        "host_email": host_email,
        "topic": body.get("topic").cloned().unwrap_or(json!("Zoom webinar")),
        "type": body.get("type").cloned().unwrap_or(json!(5)),
        "start_time": body.get("start_time").cloned().unwrap_or(json!(zoom_time(Utc::now()))),
        "duration": body.get("duration").cloned().unwrap_or(json!(60)),
        "timezone": body.get("timezone").cloned().unwrap_or(json!("UTC")),
        "agenda": body.get("agenda").cloned().unwrap_or(json!("")),
        "created_at": zoom_time(Utc::now()),
        "join_url": format!("{base}/w/{id}"),
        "is_simulive": false,
    }));
    state
        .webinars
        .entry(host_id.to_string())
        .or_default()
        .push(w.clone());
    w
}

/// Deep-merge `patch` into `target` (objects merge key by key, everything else replaces).
pub(crate) fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (t, p) => *t = p.clone(),
    }
}
