//! The seeded data generator: the same seed gives the same account, users, meetings, recordings
//! and webinars, so tests and benchmarks are repeatable.

use crate::records::{create_meeting, create_webinar};
use crate::state::{zoom_time, State, UserRec};
use chrono::{Duration as ChronoDuration, Utc};
use rand::Rng;
use serde_json::{json, Map, Value};

const FIRST: &[&str] = &[
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Dennis",
];
const LAST: &[&str] = &[
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton",
    "Ritchie",
];
const TOPICS: &[&str] = &[
    "Weekly sync",
    "Design review",
    "Customer call",
    "Sprint planning",
    "1:1",
    "All hands",
    "Incident retro",
    "Interview",
];

/// The agenda vocabulary (`SeedConfig::agenda_words`).
const VOCABULARY: &[&str] = &[
    "budget",
    "hiring",
    "roadmap",
    "launch",
    "customer",
    "pricing",
    "security",
    "incident",
    "onboarding",
    "design",
    "research",
    "quarterly",
    "planning",
    "review",
    "metrics",
    "growth",
    "partner",
    "contract",
    "legal",
    "marketing",
    "sales",
    "support",
    "release",
    "testing",
    "migration",
    "database",
    "infrastructure",
    "mobile",
    "android",
    "ios",
    "web",
    "api",
    "performance",
    "latency",
    "outage",
    "retro",
    "demo",
    "feedback",
    "interview",
    "candidate",
    "offsite",
    "training",
    "compliance",
    "audit",
    "finance",
    "forecast",
    "revenue",
    "churn",
    "renewal",
    "feature",
    "backlog",
    "sprint",
    "estimate",
    "architecture",
    "cloud",
    "costs",
    "vendor",
    "procurement",
    "accessibility",
    "localization",
    "analytics",
    "dashboard",
    "alerts",
    "oncall",
    "escalation",
    "privacy",
    "gdpr",
    "encryption",
    "keys",
    "tokens",
    "webhooks",
    "recordings",
    "transcripts",
    "webinar",
    "keynote",
    "conference",
    "travel",
    "hackathon",
    "brainstorm",
    "strategy",
    "vision",
    "okrs",
    "goals",
    "headcount",
    "promotion",
    "mentoring",
];

pub(crate) fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Fill `state` from its seed configuration.
pub(crate) fn generate(state: &mut State) {
    let seed = state.cfg.seed.clone();
    let account_id = state.cfg.account_id.clone();
    let now = Utc::now();
    for i in 0..seed.users.max(1) {
        let id = state.random_token("", 16);
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i / FIRST.len() + i) % LAST.len()];
        let pmi: u64 = state.rng.random_range(1_000_000_000..9_999_999_999);
        let user = json!({
            "id": id,
            "first_name": first,
            "last_name": last,
            "display_name": format!("{first} {last}"),
            "email": format!("user{i}@example.com"),
            "type": if i == 0 { 2 } else { 1 + (i % 2) },
            "role_name": if i == 0 { "Owner" } else { "Member" },
            "role_id": if i == 0 { "0" } else { "2" },
            "pmi": pmi,
            "use_pmi": false,
            "personal_meeting_url": format!("{}/j/{pmi}", state.base_url),
            "timezone": "UTC",
            "verified": 1,
            "dept": "",
            "created_at": zoom_time(now - ChronoDuration::days(400)),
            "user_created_at": zoom_time(now - ChronoDuration::days(400)),
            "last_login_time": zoom_time(now - ChronoDuration::hours(3)),
            "pic_url": "",
            "language": "en-US",
            "phone_number": "",
            "status": "active",
            "account_id": account_id,
            "account_number": 100000001,
            "cluster": "us06",
            "login_types": [100],
        });
        state.users.push(UserRec {
            json: obj(user),
            webinar_plan: i % 2 == 0,
        });
    }
    let users: Vec<(String, String, bool)> = state
        .users
        .iter()
        .map(|u| (u.id().to_string(), u.email().to_string(), u.webinar_plan))
        .collect();
    for (host_id, email, webinar_plan) in users {
        for _ in 0..seed.meetings_per_user {
            let topic = TOPICS[state.rng.random_range(0..TOPICS.len())];
            let offset_h: i64 = state.rng.random_range(-24 * 60..24 * 60);
            let kind = [2, 2, 2, 8, 3][state.rng.random_range(0..5)];
            let start = now + ChronoDuration::hours(offset_h);
            let agenda: Vec<&str> = (0..seed.agenda_words)
                .map(|_| VOCABULARY[state.rng.random_range(0..VOCABULARY.len())])
                .collect();
            let body = json!({
                "topic": topic,
                "type": kind,
                "start_time": zoom_time(start),
                "duration": 30 * state.rng.random_range(1..5),
                "timezone": "UTC",
                "agenda": agenda.join(" "),
            });
            create_meeting(state, &host_id, &email, obj(body));
        }
        let mut recs = Vec::with_capacity(seed.recordings_per_user);
        for _ in 0..seed.recordings_per_user {
            let minutes_back = state
                .rng
                .random_range(60..(seed.recording_days.max(1) * 24 * 60));
            let start = now - ChronoDuration::minutes(minutes_back);
            recs.push(recording(state, &host_id, start));
        }
        recs.sort_by(|a, b| {
            let sa = a.get("start_time").and_then(Value::as_str).unwrap_or("");
            let sb = b.get("start_time").and_then(Value::as_str).unwrap_or("");
            sb.cmp(sa)
        });
        state.recordings.insert(host_id.clone(), recs);
        if webinar_plan {
            for _ in 0..seed.webinars_per_user {
                let start = now + ChronoDuration::days(state.rng.random_range(1..30));
                let body = json!({"topic": "Product webinar", "type": 5, "start_time": zoom_time(start), "duration": 60});
                create_webinar(state, &host_id, &email, obj(body));
            }
        }
    }
}

fn recording(state: &mut State, host_id: &str, start: chrono::DateTime<Utc>) -> Map<String, Value> {
    let id = state.new_meeting_id();
    let uuid = state.random_uuid();
    let duration: i64 = state.rng.random_range(10..90);
    let end = start + ChronoDuration::minutes(duration);
    let base = state.base_url.clone();
    let mut files = Vec::new();
    let mut total: i64 = 0;
    for (file_type, ext, rtype) in [
        ("MP4", "MP4", "shared_screen_with_speaker_view"),
        ("M4A", "M4A", "audio_only"),
        ("TRANSCRIPT", "VTT", "audio_transcript"),
        ("CHAT", "TXT", "chat_file"),
    ] {
        let size: i64 = state.rng.random_range(10_000..50_000_000);
        total += size;
        let fid = state.random_token("", 12);
        files.push(json!({
            "id": fid,
            "meeting_id": uuid,
            "recording_start": zoom_time(start),
            "recording_end": zoom_time(end),
            "file_type": file_type,
            "file_extension": ext,
            "file_size": size,
            "play_url": format!("{base}/rec/play/{fid}"),
            "download_url": format!("{base}/rec/download/{fid}"),
            "status": "completed",
            "recording_type": rtype,
        }));
    }
    obj(json!({
        "uuid": uuid,
        "id": id,
        "account_id": state.cfg.account_id,
        "host_id": host_id,
        "topic": TOPICS[state.rng.random_range(0..TOPICS.len())],
        // Zoom's spec types a recording's meeting type as a string.
        "type": "2",
        "start_time": zoom_time(start),
        "timezone": "UTC",
        "duration": duration,
        "total_size": total,
        "recording_count": files.len(),
        "share_url": format!("{base}/rec/share/{id}"),
        "recording_files": files,
    }))
}

pub(crate) fn default_settings() -> Value {
    json!({
        "host_video": false,
        "participant_video": false,
        "join_before_host": false,
        "mute_upon_entry": false,
        "waiting_room": true,
        "audio": "both",
        "auto_recording": "none",
        "approval_type": 2,
        "meeting_authentication": false,
        "use_pmi": false,
    })
}

/// A recording of one MP4 file of `size` bytes, started now (tests of large downloads).
pub(crate) fn single_file_recording(
    state: &mut State,
    host_id: &str,
    size: u64,
) -> Map<String, Value> {
    let mut rec = recording(state, host_id, Utc::now());
    if let Some(Value::Array(files)) = rec.get_mut("recording_files") {
        files.truncate(1);
        if let Some(Value::Object(f)) = files.get_mut(0) {
            f.insert("file_size".into(), json!(size));
        }
    }
    rec.insert("total_size".into(), json!(size));
    rec.insert("recording_count".into(), json!(1));
    rec
}
