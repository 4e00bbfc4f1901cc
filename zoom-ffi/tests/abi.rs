//! The C ABI called as C would: every exported function fed NULL and garbage gets a code and a
//! message (never a crash); double frees are codes; and a client built from JSON talks to the
//! emulator (Server-to-Server) with errors mapped to codes and JSON.

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU64, Ordering};
use zoom_emulator::{Emulator, EmulatorConfig, RateLimitConfig};
use zoom_sdk_ffi::*;

#[path = "../../zoom-sdk/tests/common/mod.rs"]
mod common;

fn last() -> (String, serde_json::Value) {
    let msg = unsafe { CStr::from_ptr(zoom_last_error_message()) }
        .to_string_lossy()
        .into_owned();
    let json = unsafe { CStr::from_ptr(zoom_last_error_json()) }.to_string_lossy();
    (
        msg,
        serde_json::from_str(&json).unwrap_or(serde_json::Value::Null),
    )
}

fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    let v = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    assert_eq!(unsafe { zoom_string_free(s) }, ZoomResult::Ok);
    v
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

const BAD_UTF8: &[u8] = b"\xff\xfe\xfd\0";

#[test]
fn null_and_garbage_arguments_are_codes_with_messages() {
    let mut client: *mut ZoomClientHandle = null_mut();
    let mut out: *mut c_char = null_mut();
    let bad = BAD_UTF8.as_ptr() as *const c_char;
    unsafe {
        assert_eq!(
            zoom_client_new_from_json(null(), &mut client),
            ZoomResult::NullArgument
        );
        assert!(last().0.contains("json"));
        assert_eq!(
            zoom_client_new_from_json(c("{}").as_ptr(), null_mut()),
            ZoomResult::NullArgument
        );
        assert_eq!(
            zoom_client_new_from_json(bad, &mut client),
            ZoomResult::InvalidUtf8
        );
        assert_eq!(
            zoom_client_new_from_json(c("{not json").as_ptr(), &mut client),
            ZoomResult::InvalidJson
        );
        assert_eq!(
            zoom_client_new_from_json(c("[1,2]").as_ptr(), &mut client),
            ZoomResult::InvalidJson
        );
        assert_eq!(
            zoom_client_new_from_json(c(r#"{"nonsense": 1}"#).as_ptr(), &mut client),
            ZoomResult::InvalidInput
        );
        assert_eq!(
            zoom_client_new_from_json(c(r#"{"client_id": {}}"#).as_ptr(), &mut client),
            ZoomResult::InvalidInput
        );
        assert_eq!(
            zoom_client_new_from_json(c("{}").as_ptr(), &mut client),
            ZoomResult::Config
        );
        let (msg, json) = last();
        assert!(
            msg.contains("ZOOM_CLIENT_ID") || msg.contains("client_id"),
            "{msg}"
        );
        assert_eq!(json["kind"], "config");
        assert!(client.is_null());
        assert_eq!(
            zoom_client_new_from_env(null_mut()),
            ZoomResult::NullArgument
        );

        // Calls on a NULL client, and on a pointer that is not a client.
        let fake = 0x1000 as *const ZoomClientHandle;
        for cl in [null(), fake] {
            let want = if cl.is_null() {
                ZoomResult::NullArgument
            } else {
                ZoomResult::InvalidHandle
            };
            assert_eq!(
                zoom_request(
                    cl,
                    null(),
                    c("GET").as_ptr(),
                    c("/users/me").as_ptr(),
                    null(),
                    &mut out
                ),
                want
            );
            assert_eq!(zoom_meetings_list(cl, null(), null(), &mut out), want);
            assert_eq!(
                zoom_meeting_create(cl, null(), c("me").as_ptr(), c("{}").as_ptr(), &mut out),
                want
            );
            assert_eq!(zoom_meeting_get(cl, null(), 1, &mut out), want);
            assert_eq!(zoom_health(cl, &mut out), want);
            assert_eq!(zoom_integration_status(cl, c("u").as_ptr(), &mut out), want);
            assert_eq!(zoom_integration_add(cl, c("u").as_ptr(), &mut out), want);
            assert_eq!(
                zoom_integration_complete(cl, c("s").as_ptr(), c("c").as_ptr(), &mut out),
                want
            );
            assert_eq!(
                zoom_integration_sync(cl, c("u").as_ptr(), null(), None, null_mut(), &mut out),
                want
            );
            assert_eq!(
                zoom_integration_search(cl, c("u").as_ptr(), c("q").as_ptr(), null(), &mut out),
                want
            );
            assert_eq!(
                zoom_webhook_verify(cl, null(), 0, c("1").as_ptr(), c("v0=x").as_ptr(), &mut out),
                want
            );
            assert_eq!(
                zoom_health_report(cl, c("overall").as_ptr(), &mut out),
                want
            );
            assert_eq!(zoom_service_descriptor(cl, &mut out), want);
            assert_eq!(zoom_readiness(cl, false, &mut out), want);
            assert_eq!(
                zoom_webhook_url_validation(cl, c("t").as_ptr(), &mut out),
                want
            );
            assert_eq!(
                zoom_skill(
                    cl,
                    c("get_user_profile").as_ptr(),
                    c("u").as_ptr(),
                    null(),
                    &mut out
                ),
                want
            );
            assert_eq!(zoom_refresh(cl, null()), want);
            assert_eq!(zoom_disconnect(cl, c("u").as_ptr()), want);
            assert_eq!(
                zoom_recordings_list(cl, null(), c("{}").as_ptr(), &mut out),
                want
            );
            assert_eq!(
                zoom_recording_download(
                    cl,
                    null(),
                    c("u").as_ptr(),
                    c("/tmp/x").as_ptr(),
                    None,
                    null_mut(),
                    &mut out
                ),
                want
            );
            assert!(out.is_null(), "nothing is handed out on failure");
        }
        assert_eq!(zoom_client_free(null_mut()), ZoomResult::Ok);
        assert_eq!(
            zoom_client_free(0x1000 as *mut ZoomClientHandle),
            ZoomResult::InvalidHandle
        );

        // Strings: NULL is a no-op, a stranger and a double free are codes.
        assert_eq!(zoom_string_free(null_mut()), ZoomResult::Ok);
        let stranger = c("not ours").into_raw();
        assert_eq!(zoom_string_free(stranger), ZoomResult::InvalidHandle);
        drop(CString::from_raw(stranger));
        assert!(CStr::from_ptr(zoom_error_kind_name(1)).to_str().unwrap() == "null_argument");
        assert!(
            CStr::from_ptr(zoom_error_kind_name(u32::MAX))
                .to_str()
                .unwrap()
                == "unknown"
        );
    }
}

fn emulator_json(emu: &Emulator, extra: &str) -> CString {
    let cfg = emu.config();
    c(&format!(
        r#"{{"client_id": "{}", "client_secret": "{}", "account_id": "{}", "api_base_url": "{}", "oauth_base_url": "{}", "token_store": "memory", "webhook_secret_token": "whsec-test"{extra}}}"#,
        cfg.client_id,
        cfg.client_secret,
        cfg.account_id,
        emu.api_base_url(),
        emu.oauth_base_url()
    ))
}

extern "C" fn on_progress(kind: *const c_char, done: u64, _total: i64, user_data: *mut c_void) {
    assert!(!kind.is_null());
    // SAFETY: the test passes a pointer to an AtomicU64 that outlives the sync.
    let n = unsafe { &*(user_data as *const AtomicU64) };
    n.fetch_max(done, Ordering::SeqCst);
}

#[test]
fn a_client_from_json_calls_the_emulator_and_maps_errors() {
    // The library owns its runtime: the emulator runs on a runtime of its own thread.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt
        .block_on(Emulator::start(EmulatorConfig {
            rate_limits: RateLimitConfig::unlimited(),
            ..Default::default()
        }))
        .unwrap();
    let mut client: *mut ZoomClientHandle = null_mut();
    let mut out: *mut c_char = null_mut();
    unsafe {
        let r = zoom_client_new_from_json(emulator_json(&emu, "").as_ptr(), &mut client);
        assert_eq!(r, ZoomResult::Ok, "{:?}", last());
        let meeting = c(
            r#"{"topic": "From C", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30}"#,
        );
        assert_eq!(
            zoom_meeting_create(client, null(), c("me").as_ptr(), meeting.as_ptr(), &mut out),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        let created: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(created["topic"], "From C");
        let id = created["id"].as_u64().unwrap();
        assert_eq!(
            zoom_meeting_get(client, null(), id, &mut out),
            ZoomResult::Ok
        );
        take(out);
        assert_eq!(
            zoom_meetings_list(
                client,
                null(),
                c(r#"{"page_size": 300}"#).as_ptr(),
                &mut out
            ),
            ZoomResult::Ok
        );
        let page: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert!(page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == id));

        // A meeting that does not exist: a code, and Zoom's details in the JSON; `out` is only
        // written on success.
        out = null_mut();
        assert_eq!(
            zoom_meeting_get(client, null(), 1, &mut out),
            ZoomResult::NotFound
        );
        let (_, json) = last();
        assert_eq!(json["status"], 404);
        assert_eq!(json["zoom_code"], 3001);
        assert!(out.is_null());
        // Wrong-typed JSON arguments.
        assert_eq!(
            zoom_meetings_list(
                client,
                null(),
                c(r#"{"page_size": "many"}"#).as_ptr(),
                &mut out
            ),
            ZoomResult::InvalidJson
        );
        assert_eq!(
            zoom_meeting_create(
                client,
                null(),
                c("me").as_ptr(),
                c(r#"{"topic": 5}"#).as_ptr(),
                &mut out
            ),
            ZoomResult::InvalidJson
        );
        assert_eq!(
            zoom_request(
                client,
                null(),
                c("GET").as_ptr(),
                c("/users/me").as_ptr(),
                c("{").as_ptr(),
                &mut out
            ),
            ZoomResult::InvalidJson
        );
        assert_eq!(
            zoom_request(
                client,
                null(),
                c("GET").as_ptr(),
                c("/users/me").as_ptr(),
                null(),
                &mut out
            ),
            ZoomResult::Ok
        );
        let me: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert!(me["email"].is_string());

        assert_eq!(zoom_health(client, &mut out), ZoomResult::Ok);
        let health = take(out);
        assert!(
            !health.contains(&emu.config().client_secret),
            "no secret in health"
        );

        // The integration for a user not connected: a typed error; search: nothing.
        assert_eq!(
            zoom_integration_sync(
                client,
                c("app-user").as_ptr(),
                null(),
                None,
                null_mut(),
                &mut out
            ),
            ZoomResult::NotConnected
        );
        assert_eq!(
            zoom_integration_sync(
                client,
                c("app-user").as_ptr(),
                c(r#"{"kinds": ["nope"]}"#).as_ptr(),
                None,
                null_mut(),
                &mut out
            ),
            ZoomResult::InvalidJson
        );
        assert_eq!(
            zoom_integration_search(
                client,
                c("app-user").as_ptr(),
                c("\"; DROP NEAR(*").as_ptr(),
                null(),
                &mut out
            ),
            ZoomResult::Ok
        );
        let hits: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(hits["hits"].as_array().unwrap().len(), 0);
        assert_eq!(
            zoom_integration_status(client, c("app-user").as_ptr(), &mut out),
            ZoomResult::Ok
        );
        let status: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(status["state"], "not_connected");

        // Health reports, the descriptor, readiness, URL validation, skills.
        for kind in ["overall", "tokens", "connection", "summary"] {
            assert_eq!(
                zoom_health_report(client, c(kind).as_ptr(), &mut out),
                ZoomResult::Ok,
                "{kind}"
            );
            let report = take(out);
            assert!(!report.contains(&emu.config().client_secret));
        }
        assert_eq!(
            zoom_health_report(client, c("vibes").as_ptr(), &mut out),
            ZoomResult::InvalidInput
        );
        assert_eq!(
            zoom_health_report(client, BAD_UTF8.as_ptr() as *const c_char, &mut out),
            ZoomResult::InvalidUtf8
        );
        assert_eq!(zoom_service_descriptor(client, &mut out), ZoomResult::Ok);
        let d: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(d["name"], "Zoom");
        assert_eq!(
            zoom_readiness(client, false, &mut out),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        let readiness = take(out);
        assert!(
            readiness.contains("\"results\"") && !readiness.contains(&emu.config().client_secret)
        );
        assert_eq!(
            zoom_webhook_url_validation(client, c("qgg8vlvZRS6UYooatFL8Aw").as_ptr(), &mut out),
            ZoomResult::Ok
        );
        assert!(take(out).contains("encryptedToken"));
        assert_eq!(
            zoom_webhook_url_validation(client, c("a:b").as_ptr(), &mut out),
            ZoomResult::Webhook
        );
        assert_eq!(
            zoom_skill(
                client,
                c("get_user_profile").as_ptr(),
                c("app-user").as_ptr(),
                null(),
                &mut out
            ),
            ZoomResult::NotConnected
        );
        assert_eq!(
            zoom_skill(
                client,
                c("dance").as_ptr(),
                c("app-user").as_ptr(),
                null(),
                &mut out
            ),
            ZoomResult::InvalidInput
        );
        assert_eq!(
            zoom_skill(
                client,
                c("list_meetings").as_ptr(),
                c("app-user").as_ptr(),
                c(r#"{"limit": "x"}"#).as_ptr(),
                &mut out
            ),
            ZoomResult::InvalidInput
        );

        // Connecting needs a redirect URI (user OAuth): without one, a configuration error.
        assert_eq!(
            zoom_integration_add(client, c("app-user").as_ptr(), &mut out),
            ZoomResult::Config
        );
        assert_eq!(
            zoom_integration_complete(
                client,
                c("never-issued").as_ptr(),
                c("code").as_ptr(),
                &mut out
            ),
            ZoomResult::StateMismatch
        );
        assert_eq!(
            zoom_integration_add(client, null(), &mut out),
            ZoomResult::NullArgument
        );

        // Webhooks: a bad signature is a code.
        let body = br#"{"event":"meeting.started","event_ts":1,"payload":{"object":{"id":1}}}"#;
        let ts = c(&chrono_now());
        assert_eq!(
            zoom_webhook_verify(
                client,
                body.as_ptr(),
                body.len(),
                ts.as_ptr(),
                c("v0=00").as_ptr(),
                &mut out
            ),
            ZoomResult::Webhook
        );
        assert_eq!(
            zoom_webhook_verify(
                client,
                null(),
                5,
                ts.as_ptr(),
                c("v0=00").as_ptr(),
                &mut out
            ),
            ZoomResult::NullArgument
        );

        // A freed string and a freed client are codes the second time.
        assert_eq!(
            zoom_request(
                client,
                null(),
                c("GET").as_ptr(),
                c("/users/me").as_ptr(),
                null(),
                &mut out
            ),
            ZoomResult::Ok
        );
        assert_eq!(zoom_string_free(out), ZoomResult::Ok);
        assert_eq!(zoom_string_free(out), ZoomResult::InvalidHandle);
        assert_eq!(zoom_client_free(client), ZoomResult::Ok);
        assert_eq!(zoom_client_free(client), ZoomResult::InvalidHandle);
        assert_eq!(zoom_health(client, &mut out), ZoomResult::InvalidHandle);
    }
    drop(emu);
}

#[test]
fn a_sync_through_the_abi_reports_progress_to_a_c_callback() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(common::emulator());
    let dir = common::temp_dir("ffi-sync");
    let db = dir.join("zoom.db");
    // Connect the user with the Rust client on the same SQLite file.
    rt.block_on(async {
        let store = zoom_sdk::store::SqliteTokenStore::open(
            &db,
            zoom_sdk::store::TokenEncryption::insecure_plaintext(),
        )
        .await
        .unwrap();
        let client = zoom_sdk::ZoomClient::builder(common::config(&emu).build().unwrap())
            .token_store(std::sync::Arc::new(store))
            .build()
            .unwrap();
        let (code, state, pending) = common::authorize(&client).await;
        client
            .complete_authorization("app-user", &code, &state, &pending)
            .await
            .unwrap();
    });
    let extra = format!(
        r#", "token_store": "sqlite:{}", "token_store_plaintext": "1", "redirect_uri": "{}""#,
        db.display(),
        emu.config().redirect_uris[0]
    );
    let json = emulator_json(&emu, "")
        .to_str()
        .unwrap()
        .replace(r#", "token_store": "memory""#, "")
        .replace('}', "")
        + &extra
        + "}";
    let mut client: *mut ZoomClientHandle = null_mut();
    let mut out: *mut c_char = null_mut();
    let done = AtomicU64::new(0);
    unsafe {
        assert_eq!(
            zoom_client_new_from_json(c(&json).as_ptr(), &mut client),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        let r = zoom_integration_sync(
            client,
            c("app-user").as_ptr(),
            c(r#"{"recordings_days": 120, "page_size": 2}"#).as_ptr(),
            Some(on_progress),
            &done as *const AtomicU64 as *mut c_void,
            &mut out,
        );
        assert_eq!(r, ZoomResult::Ok, "{:?}", last());
        let report: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(report["outcome"], "completed");
        assert!(
            done.load(Ordering::SeqCst) >= 2,
            "the callback saw the pages"
        );
        assert_eq!(
            zoom_integration_search(
                client,
                c("app-user").as_ptr(),
                c("sync OR review OR call").as_ptr(),
                c(r#"{"page_size": 5}"#).as_ptr(),
                &mut out
            ),
            ZoomResult::Ok
        );
        let page: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert!(page["hits"].is_array());
        assert_eq!(
            zoom_skill(
                client,
                c("get_user_profile").as_ptr(),
                c("app-user").as_ptr(),
                null(),
                &mut out
            ),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        let me: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(me["email"], "user0@example.com");
        assert_eq!(
            zoom_skill(
                client,
                c("list_meetings").as_ptr(),
                c("app-user").as_ptr(),
                c(r#"{"limit": 2}"#).as_ptr(),
                &mut out
            ),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(&take(out))
                .unwrap()
                .as_array()
                .unwrap()
                .len()
                <= 2
        );
        let past = c(
            r#"{"topic": "Too late", "start": {"at": "2001-01-01T00:00:00Z"}, "duration_minutes": 30}"#,
        );
        assert_eq!(
            zoom_skill(
                client,
                c("schedule_meeting").as_ptr(),
                c("app-user").as_ptr(),
                past.as_ptr(),
                &mut out
            ),
            ZoomResult::InvalidInput,
            "{:?}",
            last()
        );
        assert!(last().0.contains("past"), "{:?}", last());
        // Recordings: a page, then one file downloaded with progress.
        let q = c(&format!(
            r#"{{"from": "{}", "to": "{}", "page_size": 300}}"#,
            day(-30),
            day(0)
        ));
        assert_eq!(
            zoom_recordings_list(client, c("app-user").as_ptr(), q.as_ptr(), &mut out),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        let page: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        let file = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["recording_files"].as_array().unwrap().clone())
            .min_by_key(|f| f["file_size"].as_u64().unwrap())
            .expect("a recording file in the last 30 days");
        let target = dir.join("file.bin");
        let got = AtomicU64::new(0);
        let url = c(file["download_url"].as_str().unwrap());
        let r = zoom_recording_download(
            client,
            c("app-user").as_ptr(),
            url.as_ptr(),
            c(target.to_str().unwrap()).as_ptr(),
            Some(on_bytes),
            &got as *const AtomicU64 as *mut c_void,
            &mut out,
        );
        assert_eq!(r, ZoomResult::Ok, "{:?}", last());
        let report: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(report["bytes"], file["file_size"]);
        assert_eq!(
            std::fs::metadata(&target).unwrap().len(),
            file["file_size"].as_u64().unwrap()
        );
        assert_eq!(
            got.load(Ordering::SeqCst),
            file["file_size"].as_u64().unwrap()
        );
        assert_eq!(
            zoom_recordings_list(
                client,
                c("app-user").as_ptr(),
                c(r#"{"from": "soon"}"#).as_ptr(),
                &mut out
            ),
            ZoomResult::InvalidJson
        );

        // Many threads on one client at once.
        let shared = client as usize;
        let threads: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(move || {
                    for _ in 0..10 {
                        let mut out: *mut c_char = null_mut();
                        let cl = shared as *const ZoomClientHandle;
                        let r = zoom_meetings_list(cl, c("app-user").as_ptr(), null(), &mut out);
                        assert_eq!(r, ZoomResult::Ok, "{:?}", last());
                        take(out);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }

        // Refresh, then disconnect: the user must connect again.
        assert_eq!(
            zoom_refresh(client, c("app-user").as_ptr()),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        assert_eq!(
            zoom_disconnect(client, c("app-user").as_ptr()),
            ZoomResult::Ok,
            "{:?}",
            last()
        );
        assert_eq!(
            zoom_skill(
                client,
                c("get_user_profile").as_ptr(),
                c("app-user").as_ptr(),
                null(),
                &mut out
            ),
            ZoomResult::NotConnected
        );
        assert_eq!(
            zoom_refresh(client, c("app-user").as_ptr()),
            ZoomResult::NotConnected,
            "{:?}",
            last()
        );
        assert_eq!(zoom_client_free(client), ZoomResult::Ok);
    }
}

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

extern "C" fn on_bytes(downloaded: u64, _total: i64, user_data: *mut c_void) {
    // SAFETY: the test passes a pointer to an AtomicU64 that outlives the download.
    let n = unsafe { &*(user_data as *const AtomicU64) };
    n.fetch_max(downloaded, Ordering::SeqCst);
}

fn chrono_now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}
