//! Contract tests: every request the SDK sends for the modelled endpoints (method, path,
//! query parameters, JSON body) is checked against Zoom's official OpenAPI spec, and every
//! answer of the emulator against the spec's response schemas, with a JSON-Schema validator.
//!
//! The spec is read from `../shared/zoom-api/Meetings.json` beside the project root; where it
//! is absent (a user's own clone) the test says so loudly and skips. The Users endpoints are
//! not in that document (Zoom publishes them separately), so their exchanges are only counted.

mod common;

use common::*;
use serde_json::Value;
use zoom_emulator::{Emulator, EmulatorConfig, RateLimitConfig, SeedConfig};
use zoom_sdk::api::{DeleteMeetingOptions, ListMeetings, ListRecordings, MeetingRef};
use zoom_sdk::models::{
    CreateMeeting, CreateWebinar, ListMeetingsType, MeetingSettings, Recurrence, UpdateMeeting,
};

fn spec() -> Option<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/zoom-api/Meetings.json");
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).expect("the spec parses")),
        Err(_) => {
            eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            eprintln!(
                "!!! SKIPPED: Zoom's OpenAPI spec is not at {}",
                path.display()
            );
            eprintln!("!!! The contract tests need it (CI always has it).");
            eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            None
        }
    }
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the spec's schema compiles")
}

fn problems(schema: &Value, instance: &Value) -> Vec<String> {
    validator(schema)
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn query_value_ok(schema: &Value, value: &str) -> bool {
    let v = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => match value.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => return false,
        },
        Some("boolean") => match value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return false,
        },
        _ => Value::String(value.to_string()),
    };
    problems(schema, &v).is_empty()
}

#[tokio::test]
async fn every_request_and_answer_matches_zoom_s_openapi_spec() {
    let Some(spec) = spec() else { return };
    let emu = Emulator::start(EmulatorConfig {
        rate_limits: RateLimitConfig::unlimited(),
        seed: SeedConfig {
            users: 2,
            meetings_per_user: 40,
            recordings_per_user: 12,
            recording_days: 60,
            webinars_per_user: 3,
            ..Default::default()
        },
        ..Default::default()
    })
    .await
    .unwrap();
    let client = client(&emu);
    let s = client.account().unwrap();
    emu.record_requests();

    // Drive every modelled endpoint, with the optional parts filled in.
    let owner = emu.users()[0].clone();
    s.users().me().await.unwrap();
    s.users().get(&owner.email).await.unwrap();
    let start = chrono::Utc::now() + chrono::Duration::days(2);
    let settings = MeetingSettings::new()
        .waiting_room(true)
        .join_before_host(false)
        .mute_upon_entry(true)
        .auto_recording(zoom_sdk::models::AutoRecording::Cloud);
    let m = s
        .meetings()
        .create(
            "me",
            &CreateMeeting::scheduled("Contract", start, 30)
                .agenda("a")
                .timezone("UTC")
                .password("abc123")
                .settings(settings),
        )
        .await
        .unwrap();
    s.meetings()
        .create("me", &CreateMeeting::instant("Now"))
        .await
        .unwrap();
    s.meetings()
        .create("me", &CreateMeeting::recurring_no_fixed_time("Open"))
        .await
        .unwrap();
    s.meetings()
        .create(
            "me",
            &CreateMeeting::recurring("Daily", start, 15, Recurrence::daily(1, 5)),
        )
        .await
        .unwrap();
    for t in [
        ListMeetingsType::Scheduled,
        ListMeetingsType::Live,
        ListMeetingsType::Upcoming,
        ListMeetingsType::PreviousMeetings,
    ] {
        s.meetings()
            .list("me", &ListMeetings::new().meeting_type(t).page_size(10))
            .await
            .unwrap();
    }
    let p1 = s
        .meetings()
        .list(&owner.id, &ListMeetings::new().page_size(5))
        .await
        .unwrap();
    s.meetings()
        .list(
            &owner.id,
            &ListMeetings::new()
                .page_size(5)
                .next_page_token(p1.next_page_token.unwrap()),
        )
        .await
        .unwrap();
    s.meetings().get(m.id).await.unwrap();
    assert!(!s.meetings().invitation(m.id).await.unwrap().is_empty());
    s.meetings().end(m.id).await.unwrap();
    let past = s
        .meetings()
        .list(
            "me",
            &ListMeetings::new().meeting_type(ListMeetingsType::PreviousMeetings),
        )
        .await
        .unwrap();
    if let Some(p) = past.items.first() {
        s.meetings().past_instances(p.id).await.unwrap();
        s.meetings()
            .participants(p.id, &zoom_sdk::api::ListParticipants::new().page_size(5))
            .await
            .unwrap();
    }
    s.meetings()
        .update(
            m.id,
            &UpdateMeeting::new()
                .topic("Renamed")
                .duration(45)
                .start_time(start)
                .settings(MeetingSettings::new().waiting_room(false)),
        )
        .await
        .unwrap();
    let opts = DeleteMeetingOptions::new()
        .schedule_for_reminder(true)
        .cancel_meeting_reminder(false);
    s.meetings().delete(m.id, &opts).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let recs = s
        .recordings()
        .list(
            "me",
            &ListRecordings::new(today - chrono::Duration::days(30), today).page_size(5),
        )
        .await
        .unwrap();
    if let Some(r) = recs.items.first() {
        s.recordings().get(r.id).await.unwrap();
        s.recordings()
            .get(MeetingRef::Uuid(r.uuid.clone()))
            .await
            .unwrap();
        let file = r.recording_files[0].id.clone().unwrap();
        s.recordings()
            .delete_file(r.id, &file, zoom_sdk::api::RecordingDeleteAction::Trash)
            .await
            .unwrap();
        s.recordings()
            .delete(
                MeetingRef::Uuid(r.uuid.clone()),
                zoom_sdk::api::RecordingDeleteAction::Delete,
            )
            .await
            .unwrap();
    }
    s.webinars()
        .list("me", &zoom_sdk::api::ListWebinars::new().page_size(2))
        .await
        .unwrap();
    let w = s
        .webinars()
        .create(
            "me",
            &CreateWebinar::scheduled("Webinar", start, 60).agenda("x"),
        )
        .await
        .unwrap();
    s.webinars().get(w.id).await.unwrap();
    s.webinars()
        .update(
            w.id,
            &zoom_sdk::models::UpdateWebinar::new()
                .topic("Renamed webinar")
                .duration(90),
        )
        .await
        .unwrap();
    s.webinars()
        .delete(
            w.id,
            &zoom_sdk::api::DeleteWebinarOptions::new().cancel_webinar_reminder(true),
        )
        .await
        .unwrap();
    // Error answers are part of the contract too.
    let _ = s.meetings().get(1).await;
    let _ = s
        .webinars()
        .list(&emu.users()[1].id, &Default::default())
        .await;

    let records = emu.recorded_requests();
    let paths = spec["paths"].as_object().unwrap();
    let mut checked = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    let mut users_only = 0;
    for r in &records {
        let what = format!("{} {}", r.method, r.route);
        let Some(path_item) = paths.get(&r.route) else {
            assert!(
                r.route.starts_with("/users/{userId}") && !r.route.contains("/meetings"),
                "{what} is not in the spec"
            );
            users_only += 1;
            continue;
        };
        let Some(op) = path_item.get(r.method.to_ascii_lowercase()) else {
            failures.push(format!("{what}: the spec has no such operation"));
            continue;
        };
        checked.insert(what.clone());
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for (k, v) in &r.query {
            match params
                .iter()
                .find(|p| p["name"] == k.as_str() && p["in"] == "query")
            {
                None => failures.push(format!("{what}: query parameter {k} is not in the spec")),
                Some(p) if !query_value_ok(&p["schema"], v) => {
                    failures.push(format!("{what}: {k}={v} does not fit {}", p["schema"]))
                }
                _ => {}
            }
        }
        if let Some(body) = &r.body {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if schema.is_null() {
                failures.push(format!("{what}: sent a body, the spec takes none"));
            } else {
                failures.extend(
                    problems(schema, body)
                        .into_iter()
                        .map(|p| format!("{what} request body: {p}")),
                );
            }
        }
        let status = r.status.to_string();
        match op["responses"].get(&status) {
            None => failures.push(format!(
                "{what}: answered {status}, which the spec does not list"
            )),
            Some(resp) => {
                let schema = &resp["content"]["application/json"]["schema"];
                if let (false, Some(body), true) = (schema.is_null(), &r.response, r.status < 300) {
                    failures.extend(
                        problems(schema, body)
                            .into_iter()
                            .map(|p| format!("{what} answer {status}: {p}")),
                    );
                }
            }
        }
    }
    for expected in [
        "POST /users/{userId}/meetings",
        "GET /users/{userId}/meetings",
        "GET /meetings/{meetingId}",
        "PATCH /meetings/{meetingId}",
        "DELETE /meetings/{meetingId}",
        "GET /users/{userId}/recordings",
        "GET /meetings/{meetingId}/recordings",
        "GET /users/{userId}/webinars",
        "POST /users/{userId}/webinars",
        "GET /meetings/{meetingId}/invitation",
        "PUT /meetings/{meetingId}/status",
        "GET /past_meetings/{meetingId}/instances",
        "GET /past_meetings/{meetingId}/participants",
        "GET /webinars/{webinarId}",
        "PATCH /webinars/{webinarId}",
        "DELETE /webinars/{webinarId}",
        "DELETE /meetings/{meetingId}/recordings",
        "DELETE /meetings/{meetingId}/recordings/{recordingId}",
    ] {
        assert!(checked.contains(expected), "{expected} was not exercised");
    }
    assert_eq!(users_only, 2, "users endpoints (not in Meetings.json)");
    assert!(
        failures.is_empty(),
        "{} contract violations:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn example_payloads_from_the_spec_round_trip_through_the_models() {
    let Some(spec) = spec() else { return };
    // Build each operation's example answer from the `example` of every property.
    fn example(schema: &Value) -> Value {
        if let Some(e) = schema.get("example") {
            return e.clone();
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut out = serde_json::Map::new();
            for s in all {
                if let Value::Object(m) = example(s) {
                    out.extend(m);
                }
            }
            return Value::Object(out);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") | None => Value::Object(
                schema["properties"]
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(k, v)| (k.clone(), example(v)))
                            .filter(|(_, v)| !v.is_null())
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            Some("array") => Value::Array(
                vec![example(&schema["items"])]
                    .into_iter()
                    .filter(|v| !v.is_null())
                    .collect(),
            ),
            _ => Value::Null,
        }
    }
    let schema = |path: &str, method: &str, status: &str| {
        spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
            .clone()
    };
    let meeting = example(&schema("/meetings/{meetingId}", "get", "200"));
    let m: zoom_sdk::models::Meeting =
        serde_json::from_value(meeting.clone()).expect("the spec's meeting example decodes");
    assert_eq!(
        serde_json::to_value(&m).unwrap(),
        meeting,
        "meeting example round-trips unchanged"
    );
    let list = example(&schema("/users/{userId}/meetings", "get", "200"));
    let page: zoom_sdk::models::Page<zoom_sdk::models::MeetingSummary> =
        zoom_sdk::models::from_zoom_answer(&serde_json::to_vec(&list).unwrap())
            .expect("meeting list example decodes");
    for (item, raw) in page.items.iter().zip(list["meetings"].as_array().unwrap()) {
        assert_eq!(&serde_json::to_value(item).unwrap(), raw);
    }
    let rec = example(&schema("/meetings/{meetingId}/recordings", "get", "200"));
    let r: zoom_sdk::models::MeetingRecording =
        serde_json::from_value(rec.clone()).expect("recording example decodes");
    assert!(!r.recording_files.is_empty());
    let webinars = example(&schema("/users/{userId}/webinars", "get", "200"));
    let w: zoom_sdk::models::Page<zoom_sdk::models::Webinar> =
        zoom_sdk::models::from_zoom_answer(&serde_json::to_vec(&webinars).unwrap())
            .expect("webinar list example decodes");
    assert!(!w.items.is_empty());
}
