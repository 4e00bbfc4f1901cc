//! The endpoints added for the SDK's full surface: the account's users, a meeting's invitation
//! and status, past meetings (instances, participants), one webinar (get, update, delete), and
//! deleting recordings. Same conventions as `api.rs`: Zoom's status codes and error bodies.

use crate::api::{bool_flags, decode_meeting_id, find_meeting, json_body, ok, ApiResult, Params};
use crate::records::merge;
use crate::state::Caller;
use crate::zoom_error::ZoomError;
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// `GET /users`: the account's users (account-level grants only, as Zoom's admin scope).
pub(crate) async fn users_list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<Params>,
) -> ApiResult {
    if !caller.account_level {
        return Err(ZoomError::new(400, 200, "No permission."));
    }
    let status = q.get("status").map(String::as_str).unwrap_or("active");
    if !matches!(status, "active" | "inactive" | "pending") {
        return Err(ZoomError::validation("status", "Invalid field."));
    }
    let mut st = shared.lock();
    let all: Vec<Value> = st
        .users
        .iter()
        .map(|u| Value::Object(u.json.clone()))
        .filter(|u| u.get("status").and_then(Value::as_str).unwrap_or("active") == status)
        .collect();
    let (page, size, next, total) = st.page_of(&format!("users:{status}"), &all, &q)?;
    ok(
        StatusCode::OK,
        json!({"page_size": size, "total_records": total, "next_page_token": next, "users": page}),
    )
}

/// `GET /meetings/{meetingId}/invitation`.
pub(crate) async fn meeting_invitation(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
) -> ApiResult {
    let st = shared.lock();
    let id = find_meeting(&st, &caller, &meeting)?;
    let m = &st.meetings[&id].json;
    let text = format!(
        "{} is inviting you to a scheduled Zoom meeting.\r\n\r\nTopic: {}\r\nTime: {}\r\n\r\nJoin Zoom Meeting\r\n{}\r\n\r\nMeeting ID: {}\r\n",
        m.get("host_email").and_then(Value::as_str).unwrap_or("The host"),
        m.get("topic").and_then(Value::as_str).unwrap_or(""),
        m.get("start_time").and_then(Value::as_str).unwrap_or(""),
        m.get("join_url").and_then(Value::as_str).unwrap_or(""),
        id,
    );
    ok(StatusCode::OK, json!({ "invitation": text }))
}

/// `PUT /meetings/{meetingId}/status`: `end` (a meeting in progress) or `recover`.
pub(crate) async fn meeting_status(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = json_body(&body)?;
    let action = body.get("action").and_then(Value::as_str).unwrap_or("");
    if !matches!(action, "end" | "recover") {
        return Err(ZoomError::validation("action", "Invalid field."));
    }
    let mut st = shared.lock();
    let id = find_meeting(&st, &caller, &meeting)?;
    if action == "end" {
        if let Some(m) = st.meetings.get_mut(&id) {
            m.json.insert("status".into(), json!("waiting"));
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The past instances of a meeting: the seeded meetings that started in the past, one each.
fn instances(st: &crate::state::State, id: u64) -> Vec<Value> {
    let m = &st.meetings[&id];
    match m.start_time {
        Some(t) if t < chrono::Utc::now() => vec![json!({
            "uuid": m.json.get("uuid").cloned().unwrap_or(Value::Null),
            "start_time": crate::state::zoom_time(t),
        })],
        _ => Vec::new(),
    }
}

/// `GET /past_meetings/{meetingId}/instances`.
pub(crate) async fn past_instances(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
) -> ApiResult {
    let st = shared.lock();
    let id = find_meeting(&st, &caller, &meeting)?;
    ok(StatusCode::OK, json!({ "meetings": instances(&st, id) }))
}

/// `GET /past_meetings/{meetingId}/participants`: the host and a deterministic crowd, for a
/// meeting that took place.
pub(crate) async fn past_participants(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let mut st = shared.lock();
    let id = find_meeting(&st, &caller, &meeting)?;
    let Some(start) = st.meetings[&id]
        .start_time
        .filter(|t| *t < chrono::Utc::now())
    else {
        return Err(ZoomError::new(
            404,
            3001,
            format!("Meeting {id} is not found or has expired."),
        ));
    };
    let m = st.meetings[&id].json.clone();
    let host = m.get("host_id").and_then(Value::as_str).unwrap_or("");
    let crowd = 3 + (id % 40) as usize;
    let all: Vec<Value> = (0..crowd)
        .map(|i| {
            let join = start + chrono::Duration::seconds(30 * i as i64);
            json!({
                "id": format!("p{id}{i:03}"),
                "name": if i == 0 { "Host".to_string() } else { format!("Guest {i}") },
                "user_id": if i == 0 { host.to_string() } else { String::new() },
                "user_email": if i == 0 { m.get("host_email").cloned().unwrap_or(Value::Null) } else { json!(format!("guest{i}@example.com")) },
                "join_time": crate::state::zoom_time(join),
                "leave_time": crate::state::zoom_time(join + chrono::Duration::minutes(30)),
                "duration": 1800,
                "status": "in_meeting",
            })
        })
        .collect();
    let (page, size, next, total) = st.page_of(&format!("participants:{id}"), &all, &q)?;
    ok(
        StatusCode::OK,
        json!({"page_size": size, "total_records": total, "next_page_token": next, "participants": page}),
    )
}

/// The host and index of a webinar the caller may see.
fn find_webinar(
    st: &crate::state::State,
    caller: &Caller,
    raw: &str,
) -> Result<(String, usize), ZoomError> {
    let key = decode_meeting_id(raw);
    st.webinars
        .iter()
        .filter(|(host, _)| caller.account_level || **host == caller.user_id)
        .find_map(|(host, list)| {
            list.iter()
                .position(|w| {
                    w.get("id").and_then(Value::as_u64).map(|i| i.to_string()) == Some(key.clone())
                })
                .map(|i| (host.clone(), i))
        })
        .ok_or_else(|| ZoomError::new(404, 3001, format!("Webinar does not exist: {key}.")))
}

/// `GET /webinars/{webinarId}`.
pub(crate) async fn webinar_get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(webinar): Path<String>,
) -> ApiResult {
    let st = shared.lock();
    let (host, i) = find_webinar(&st, &caller, &webinar)?;
    ok(StatusCode::OK, Value::Object(st.webinars[&host][i].clone()))
}

/// `PATCH /webinars/{webinarId}`.
pub(crate) async fn webinar_update(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(webinar): Path<String>,
    body: Bytes,
) -> ApiResult {
    let patch: Map<String, Value> = json_body(&body)?;
    if let Some(d) = patch.get("duration") {
        if !d.is_i64() {
            return Err(ZoomError::validation("duration", "Invalid field."));
        }
    }
    let mut st = shared.lock();
    let (host, i) = find_webinar(&st, &caller, &webinar)?;
    if let Some(w) = st.webinars.get_mut(&host).and_then(|l| l.get_mut(i)) {
        for (k, v) in patch {
            if !matches!(
                k.as_str(),
                "id" | "uuid" | "host_id" | "created_at" | "join_url"
            ) {
                merge(w.entry(k).or_insert(Value::Null), &v);
            }
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /webinars/{webinarId}`.
pub(crate) async fn webinar_delete(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(webinar): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    bool_flags(&q, &["cancel_webinar_reminder"])?;
    let mut st = shared.lock();
    let (host, i) = find_webinar(&st, &caller, &webinar)?;
    if let Some(l) = st.webinars.get_mut(&host) {
        l.remove(i);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn delete_action(q: &Params) -> Result<&'static str, ZoomError> {
    match q.get("action").map(String::as_str) {
        None | Some("trash") => Ok("trash"),
        Some("delete") => Ok("delete"),
        Some(_) => Err(ZoomError::validation("action", "Invalid field.")),
    }
}

/// `DELETE /meetings/{meetingId}/recordings` (`action`: trash or delete).
pub(crate) async fn recordings_delete(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    delete_action(&q)?;
    let key = decode_meeting_id(&meeting);
    let mut st = shared.lock();
    let mut found = false;
    for (host, recs) in st.recordings.iter_mut() {
        if !caller.account_level && *host != caller.user_id {
            continue;
        }
        let before = recs.len();
        recs.retain(|r| !matches_meeting(r, &key));
        found |= recs.len() != before;
    }
    if !found {
        return Err(ZoomError::new(
            404,
            3301,
            "There is no recording for this meeting.",
        ));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /meetings/{meetingId}/recordings/{recordingId}`.
pub(crate) async fn recording_file_delete(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path((meeting, file)): Path<(String, String)>,
    Query(q): Query<Params>,
) -> ApiResult {
    delete_action(&q)?;
    let key = decode_meeting_id(&meeting);
    let mut st = shared.lock();
    for (host, recs) in st.recordings.iter_mut() {
        if !caller.account_level && *host != caller.user_id {
            continue;
        }
        for r in recs.iter_mut().filter(|r| matches_meeting(r, &key)) {
            if let Some(Value::Array(files)) = r.get_mut("recording_files") {
                let before = files.len();
                files.retain(|f| f.get("id").and_then(Value::as_str) != Some(file.as_str()));
                if files.len() != before {
                    return Ok(StatusCode::NO_CONTENT.into_response());
                }
            }
        }
    }
    Err(ZoomError::new(
        404,
        3310,
        "The recording file does not exist.",
    ))
}

fn matches_meeting(r: &Map<String, Value>, key: &str) -> bool {
    r.get("uuid").and_then(Value::as_str) == Some(key)
        || r.get("id")
            .and_then(Value::as_u64)
            .map(|i| i.to_string())
            .as_deref()
            == Some(key)
}
