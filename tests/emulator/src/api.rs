//! The `/v2` REST API: users, meetings, recordings and webinars, and the layer in front of it
//! that applies faults, authentication and rate limits the way Zoom does.

use crate::config::RateCategory;
use crate::faults::Fault;
use crate::records::{create_meeting, create_webinar, merge};
use crate::state::{zoom_time, Caller};
use crate::zoom_error::ZoomError;
use crate::{ConnKill, Shared};
use axum::body::{Body, Bytes};
use axum::extract::{Extension, MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration as ChronoDuration, NaiveDate, Utc};
use rand::Rng;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub(crate) type Params = HashMap<String, String>;
pub(crate) type ApiResult = Result<Response, ZoomError>;

/// The rate-limit category of a route, from the `Rate Limit Label` of Zoom's spec.
pub(crate) fn category_for(route: &str) -> RateCategory {
    match route {
        "GET /users/{userId}/meetings"
        | "GET /users/{userId}/recordings"
        | "GET /users/{userId}/webinars"
        | "GET /users"
        | "GET /past_meetings/{meetingId}/participants" => RateCategory::Medium,
        _ => RateCategory::Light,
    }
}

fn tracking_id(shared: &Shared) -> HeaderValue {
    let n: u64 = shared.lock().rng.random();
    HeaderValue::from_str(&format!("v=2.0;clid=us06;rid=EMU_{n:016x}"))
        .unwrap_or(HeaderValue::from_static("v=2.0"))
}

fn too_many(category: RateCategory, limit: u32, retry_after: String, daily: bool) -> Response {
    let message = if daily {
        format!("You have exceeded the daily rate limit ({limit}) of {} API requests permitted for this particular account. You may resume these requests at GMT 00:00:00.", category.header_value())
    } else {
        "You have reached the maximum per-second rate limit for this API. Try again later."
            .to_string()
    };
    let mut resp = ZoomError::new(429, 429, message).into_response();
    let h = resp.headers_mut();
    let put = |h: &mut axum::http::HeaderMap, k: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    put(h, "x-ratelimit-category", category.header_value().into());
    put(
        h,
        "x-ratelimit-type",
        if daily { "Daily-limit" } else { "QPS" }.into(),
    );
    put(h, "x-ratelimit-limit", limit.to_string());
    put(h, "x-ratelimit-remaining", "0".into());
    put(h, "retry-after", retry_after);
    resp
}

async fn reset_connection(kill: Option<ConnKill>) -> Response {
    match kill {
        Some(k) => {
            k.0.notify_one();
            std::future::pending::<Response>().await
        }
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The layer in front of every `/v2` route: counts, faults, authentication, rate limits. Every
/// answer, faulted ones included, carries an `x-zm-trackingid` as Zoom's do.
pub(crate) async fn api_layer(
    State(shared): State<Arc<Shared>>,
    matched: MatchedPath,
    req: Request,
    next: Next,
) -> Response {
    let recording = shared.lock().recorded.is_some();
    let (req, sent) = if recording {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, 16 << 20)
            .await
            .unwrap_or_default();
        let record = crate::state::RequestRecord {
            method: parts.method.to_string(),
            route: matched.as_str().trim_start_matches("/v2").to_string(),
            path: parts.uri.path().to_string(),
            query: url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
            body: (!bytes.is_empty())
                .then(|| serde_json::from_slice(&bytes).unwrap_or(Value::Null)),
            status: 0,
            response: None,
        };
        (Request::from_parts(parts, Body::from(bytes)), Some(record))
    } else {
        (req, None)
    };
    let (skew, omit_tracking) = {
        let st = shared.lock();
        (st.faults.clock_skew_secs, st.faults.omit_tracking_id)
    };
    let mut resp = guarded(shared.clone(), matched, req, next).await;
    if !omit_tracking {
        resp.headers_mut()
            .insert("x-zm-trackingid", tracking_id(&shared));
    }
    if skew != 0 {
        let date = (Utc::now() + ChronoDuration::seconds(skew))
            .to_rfc2822()
            .replace("+0000", "GMT");
        if let Ok(v) = HeaderValue::from_str(&date) {
            resp.headers_mut().insert(header::DATE, v);
        }
    }
    match sent {
        None => resp,
        Some(mut record) => {
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, 64 << 20)
                .await
                .unwrap_or_default();
            record.status = parts.status.as_u16();
            record.response = serde_json::from_slice(&bytes).ok();
            if let Some(log) = shared.lock().recorded.as_mut() {
                if log.len() >= crate::config::REQUEST_LOG_CAPACITY {
                    log.remove(0);
                }
                tracing::debug!(method = %record.method, route = %record.route, status = record.status, "zoom-emulator: request");
                log.push(record);
            }
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

async fn guarded(
    shared: Arc<Shared>,
    matched: MatchedPath,
    mut req: Request,
    next: Next,
) -> Response {
    let route = format!(
        "{} {}",
        req.method(),
        matched.as_str().trim_start_matches("/v2")
    );
    let category = category_for(&route);
    let kill = req.extensions().get::<ConnKill>().cloned();
    let (fault, latency, retry_after) = {
        let mut st = shared.lock();
        st.stats.api_requests += 1;
        *st.stats
            .api_requests_by_route
            .entry(route.clone())
            .or_default() += 1;
        let st = &mut *st;
        let rng = &mut st.rng;
        let fault = st.faults.decide(&route, || rng.random::<f64>());
        match fault {
            Fault::ResetBefore | Fault::ResetAfter => st.stats.injected_resets += 1,
            Fault::ServerError(_) => st.stats.injected_errors += 1,
            Fault::Malformed => st.stats.injected_malformed += 1,
            Fault::RateLimited | Fault::DailyLimited => st.stats.rate_limited += 1,
            Fault::None => {}
        }
        (
            fault,
            st.faults.latency_ms,
            st.faults.retry_after_secs.max(1),
        )
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match fault {
        Fault::ResetBefore => return reset_connection(kill).await,
        Fault::ServerError(code) => {
            let message = if code == 503 {
                "Service temporarily unavailable."
            } else {
                "Internal server error."
            };
            return ZoomError::new(code, code as i64, message).into_response();
        }
        Fault::RateLimited => {
            let limit = shared.lock().limiter.config().limit_for(category).0;
            return too_many(category, limit, retry_after.to_string(), false);
        }
        Fault::DailyLimited => {
            let midnight = (Utc::now() + ChronoDuration::days(1))
                .date_naive()
                .and_hms_opt(0, 0, 0)
                .map(|t| zoom_time(t.and_utc()))
                .unwrap_or_default();
            return too_many(category, 30000, midnight, true);
        }
        _ => {}
    }
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::to_string);
    let admitted = {
        let mut st = shared.lock();
        match st.authenticate(bearer.as_deref()) {
            Err(e) => {
                st.stats.unauthorized += 1;
                Err(e.into_response())
            }
            Ok(caller) => match st.check_rate(&caller.account_id, category) {
                Ok(lr) => Ok((caller, lr)),
                Err(wait) => {
                    st.stats.rate_limited += 1;
                    let limit = st.limiter.config().limit_for(category).0;
                    Err(too_many(category, limit, wait.to_string(), false))
                }
            },
        }
    };
    let resp = match admitted {
        Err(resp) => resp,
        Ok((caller, (limit, remaining))) => {
            req.extensions_mut().insert(caller);
            let mut resp = next.run(req).await;
            let h = resp.headers_mut();
            h.insert(
                "x-ratelimit-category",
                HeaderValue::from_static(category.header_value()),
            );
            h.insert("x-ratelimit-type", HeaderValue::from_static("QPS"));
            h.insert("x-ratelimit-limit", HeaderValue::from(limit));
            h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
            resp
        }
    };
    match fault {
        Fault::ResetAfter => reset_connection(kill).await,
        Fault::Malformed => {
            let mut bad = Response::new(Body::from(r#"{"id": 8123456789, "topic": "Weekly sy"#));
            bad.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            bad
        }
        _ => resp,
    }
}

pub(crate) fn json_body(body: &Bytes) -> Result<Map<String, Value>, ZoomError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ZoomError::new(
            400,
            300,
            "Request Body should be a valid JSON object.",
        )),
    }
}

pub(crate) fn ok(status: StatusCode, v: Value) -> ApiResult {
    Ok((status, Json(v)).into_response())
}

/// Zoom expects a meeting UUID that starts with `/` or contains `//` to be URL-encoded twice;
/// axum decoded it once, so decode what is still encoded.
pub(crate) fn decode_meeting_id(raw: &str) -> String {
    if raw.contains('%') {
        url::form_urlencoded::parse(format!("x={}", raw.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| raw.to_string())
    } else {
        raw.to_string()
    }
}

pub(crate) async fn user_get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(user): Path<String>,
) -> ApiResult {
    let st = shared.lock();
    let idx = st.resolve_user(&caller, &user)?;
    ok(StatusCode::OK, Value::Object(st.users[idx].json.clone()))
}

const MEETING_LIST_FIELDS: &[&str] = &[
    "uuid",
    "id",
    "host_id",
    "topic",
    "type",
    "start_time",
    "duration",
    "timezone",
    "agenda",
    "created_at",
    "join_url",
];

pub(crate) async fn meetings_list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(user): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let mut st = shared.lock();
    let idx = st.resolve_user(&caller, &user)?;
    let host = st.users[idx].id().to_string();
    let kind = q.get("type").map(String::as_str).unwrap_or("scheduled");
    let now = Utc::now();
    let ids: Vec<u64> = st.meetings_by_host.get(&host).cloned().unwrap_or_default();
    let filtered: Vec<u64> = match kind {
        "scheduled" => ids,
        "live" => ids
            .into_iter()
            .filter(|id| st.meetings[id].json.get("status") == Some(&json!("started")))
            .collect(),
        "upcoming" | "upcoming_meetings" => ids
            .into_iter()
            .filter(|id| st.meetings[id].start_time.is_none_or(|t| t >= now))
            .collect(),
        "previous_meetings" => ids
            .into_iter()
            .filter(|id| st.meetings[id].start_time.is_some_and(|t| t < now))
            .collect(),
        _ => return Err(ZoomError::validation("type", "Invalid field.")),
    };
    // `from` and `to` (yyyy-mm-dd, inclusive) narrow by start date, as Zoom does.
    let day = |name: &str| -> Result<Option<chrono::NaiveDate>, ZoomError> {
        q.get(name)
            .filter(|v| !v.is_empty())
            .map(|v| {
                chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| ZoomError::validation(name, "Invalid field."))
            })
            .transpose()
    };
    let (from, to) = (day("from")?, day("to")?);
    let filtered: Vec<u64> = if from.is_none() && to.is_none() {
        filtered
    } else {
        filtered
            .into_iter()
            .filter(|id| {
                st.meetings[id].start_time.is_some_and(|t| {
                    let d = t.date_naive();
                    from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)
                })
            })
            .collect()
    };
    let scope = format!(
        "meetings:{host}:{kind}:{}:{}",
        q.get("from").map(String::as_str).unwrap_or(""),
        q.get("to").map(String::as_str).unwrap_or("")
    );
    let (page, size, next, total) = st.page_of(&scope, &filtered, &q)?;
    let items: Vec<Value> = page
        .iter()
        .map(|id| {
            let m = &st.meetings[id].json;
            Value::Object(
                MEETING_LIST_FIELDS
                    .iter()
                    .filter_map(|k| m.get(*k).map(|v| (k.to_string(), v.clone())))
                    .collect(),
            )
        })
        .collect();
    ok(
        StatusCode::OK,
        json!({
            "page_size": size,
            "total_records": total,
            "next_page_token": next,
            "meetings": items,
        }),
    )
}

fn validate_meeting(body: &Map<String, Value>, create: bool) -> Result<(), ZoomError> {
    if let Some(t) = body.get("type") {
        match t.as_i64() {
            Some(1 | 2 | 3 | 8) => {}
            _ => return Err(ZoomError::validation("type", "Invalid field.")),
        }
    }
    if let Some(topic) = body.get("topic") {
        match topic.as_str() {
            Some(s) if s.chars().count() <= 200 => {}
            _ => return Err(ZoomError::validation("topic", "Invalid field.")),
        }
    }
    if let Some(d) = body.get("duration") {
        if !d.is_i64() || d.as_i64().is_some_and(|d| d < 0) {
            return Err(ZoomError::validation("duration", "Invalid field."));
        }
    }
    if let Some(s) = body.get("start_time") {
        let valid = s.as_str().is_some_and(|s| {
            chrono::DateTime::parse_from_rfc3339(s).is_ok()
                || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").is_ok()
        });
        if !valid {
            return Err(ZoomError::validation("start_time", "Invalid field."));
        }
    }
    if create
        && body.get("type").and_then(Value::as_i64) == Some(8)
        && body.get("recurrence").is_none()
    {
        return Err(ZoomError::new(
            400,
            300,
            "Recurrence is required for a recurring meeting with a fixed time.",
        ));
    }
    Ok(())
}

pub(crate) async fn meetings_create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(user): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = json_body(&body)?;
    validate_meeting(&body, true)?;
    let mut st = shared.lock();
    let idx = st.resolve_user(&caller, &user)?;
    let (host, email) = (
        st.users[idx].id().to_string(),
        st.users[idx].email().to_string(),
    );
    let m = create_meeting(&mut st, &host, &email, body);
    ok(StatusCode::CREATED, Value::Object(m))
}

pub(crate) fn find_meeting(
    st: &crate::state::State,
    caller: &Caller,
    raw: &str,
) -> Result<u64, ZoomError> {
    let key = decode_meeting_id(raw);
    let id = match key.parse::<u64>() {
        Ok(id) if st.meetings.contains_key(&id) => Some(id),
        _ => st
            .meetings
            .iter()
            .find(|(_, m)| m.json.get("uuid").and_then(Value::as_str) == Some(key.as_str()))
            .map(|(id, _)| *id),
    };
    let id =
        id.ok_or_else(|| ZoomError::new(404, 3001, format!("Meeting does not exist: {key}.")))?;
    if !caller.account_level && st.meetings[&id].host_id != caller.user_id {
        return Err(ZoomError::new(
            404,
            3001,
            format!("Meeting does not exist: {key}."),
        ));
    }
    Ok(id)
}

pub(crate) async fn meeting_get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
) -> ApiResult {
    let st = shared.lock();
    let id = find_meeting(&st, &caller, &meeting)?;
    ok(StatusCode::OK, Value::Object(st.meetings[&id].json.clone()))
}

pub(crate) async fn meeting_update(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
    body: Bytes,
) -> ApiResult {
    let patch = json_body(&body)?;
    validate_meeting(&patch, false)?;
    let mut st = shared.lock();
    let id = find_meeting(&st, &caller, &meeting)?;
    if let Some(rec) = st.meetings.get_mut(&id) {
        for (k, v) in patch {
            if matches!(
                k.as_str(),
                "id" | "uuid" | "host_id" | "created_at" | "join_url" | "start_url"
            ) {
                continue;
            }
            if k == "start_time" {
                rec.start_time = v
                    .as_str()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| t.with_timezone(&Utc));
            }
            merge(rec.json.entry(k).or_insert(Value::Null), &v);
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Zoom's boolean query parameters take `true` or `false`, nothing else.
pub(crate) fn bool_flags(q: &Params, flags: &[&str]) -> Result<(), ZoomError> {
    for flag in flags {
        if q.get(*flag).is_some_and(|v| v != "true" && v != "false") {
            return Err(ZoomError::validation(flag, "Invalid field."));
        }
    }
    Ok(())
}

pub(crate) async fn meeting_delete(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    bool_flags(&q, &["schedule_for_reminder", "cancel_meeting_reminder"])?;
    let mut st = shared.lock();
    let id = find_meeting(&st, &caller, &meeting)?;
    if let Some(rec) = st.meetings.remove(&id) {
        if let Some(ids) = st.meetings_by_host.get_mut(&rec.host_id) {
            ids.retain(|m| *m != id);
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn parse_date(q: &Params, key: &str, default: NaiveDate) -> Result<NaiveDate, ZoomError> {
    match q.get(key) {
        None => Ok(default),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| ZoomError::validation(key, "Invalid field.")),
    }
}

pub(crate) async fn recordings_list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(user): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let today = Utc::now().date_naive();
    let from = parse_date(&q, "from", today)?;
    let to = parse_date(&q, "to", today + ChronoDuration::days(1))?;
    if to < from {
        return Err(ZoomError::new(
            400,
            300,
            "The 'to' date must be after the 'from' date.",
        ));
    }
    if (to - from).num_days() > 31 {
        return Err(ZoomError::new(
            400,
            300,
            "The maximum range can be a month.",
        ));
    }
    let mut st = shared.lock();
    let idx = st.resolve_user(&caller, &user)?;
    let host = st.users[idx].id().to_string();
    let all: Vec<Map<String, Value>> = st
        .recordings
        .get(&host)
        .map(|recs| {
            recs.iter()
                .filter(|r| {
                    r.get("start_time")
                        .and_then(Value::as_str)
                        .and_then(|s| s.get(..10))
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                        .is_some_and(|d| d >= from && d <= to)
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let scope = format!("recordings:{host}:{from}:{to}");
    let (page, size, next, total) = st.page_of(&scope, &all, &q)?;
    let page: Vec<Value> = page.into_iter().map(Value::Object).collect();
    ok(
        StatusCode::OK,
        json!({
            "from": from.to_string(),
            "to": to.to_string(),
            "page_size": size,
            "total_records": total,
            "next_page_token": next,
            "meetings": page,
        }),
    )
}

pub(crate) async fn meeting_recordings(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(meeting): Path<String>,
) -> ApiResult {
    let key = decode_meeting_id(&meeting);
    let st = shared.lock();
    let found = st
        .recordings
        .iter()
        .filter(|(host, _)| caller.account_level || **host == caller.user_id)
        .flat_map(|(_, recs)| recs.iter())
        .find(|r| {
            r.get("uuid").and_then(Value::as_str) == Some(key.as_str())
                || r.get("id").and_then(Value::as_u64).map(|i| i.to_string()) == Some(key.clone())
        });
    match found {
        Some(r) => ok(StatusCode::OK, Value::Object(r.clone())),
        None => Err(ZoomError::new(
            404,
            3301,
            "There is no recording for this meeting.",
        )),
    }
}

pub(crate) async fn webinars_list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(user): Path<String>,
    Query(q): Query<Params>,
) -> ApiResult {
    let mut st = shared.lock();
    let idx = st.resolve_user(&caller, &user)?;
    if !st.users[idx].webinar_plan {
        return Err(ZoomError::new(400, 200, "Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for this user in order to perform this action."));
    }
    let host = st.users[idx].id().to_string();
    let all = st.webinars.get(&host).cloned().unwrap_or_default();
    let scope = format!("webinars:{host}");
    let (page, size, next, total) = st.page_of(&scope, &all, &q)?;
    let page: Vec<Value> = page.into_iter().map(Value::Object).collect();
    ok(
        StatusCode::OK,
        json!({
            "page_size": size,
            "page_count": total.div_ceil(size),
            "total_records": total,
            "next_page_token": next,
            "webinars": page,
        }),
    )
}

pub(crate) async fn webinar_create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(user): Path<String>,
    body: Bytes,
) -> ApiResult {
    let body = json_body(&body)?;
    if let Some(t) = body.get("type") {
        if !matches!(t.as_i64(), Some(5 | 6 | 9)) {
            return Err(ZoomError::validation("type", "Invalid field."));
        }
    }
    let mut st = shared.lock();
    let idx = st.resolve_user(&caller, &user)?;
    if !st.users[idx].webinar_plan {
        return Err(ZoomError::new(400, 200, format!("Webinar plan is missing. You must subscribe to the webinar plan and enable webinars for user {user} in order to perform this action.")));
    }
    let (host, email) = (
        st.users[idx].id().to_string(),
        st.users[idx].email().to_string(),
    );
    let w = create_webinar(&mut st, &host, &email, body);
    ok(StatusCode::CREATED, Value::Object(w))
}
