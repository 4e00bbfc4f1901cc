//! Webhooks: signatures over raw bytes (checked against Python's hmac), replay window, URL
//! validation byte for byte, typed events, dispatch, and app_deauthorized.

mod common;

use common::*;
use proptest::prelude::*;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use zoom_sdk::webhooks::{
    EventPayload, WebhookDispatcher, WebhookError, WebhookEvent, WebhookReceiver, WebhookRequest,
    WebhookVerifier,
};
use zoom_sdk::{ExposeSecret, TokenKey, TokenStatus};

const SECRET: &str = "whsec-Zoom-Secret-Token-1234";
const NOW: i64 = 1_764_086_400;

/// HMAC-SHA256 hex computed by Python's standard library, independently of the SDK.
fn python_hmac(key: &str, message: &[u8]) -> String {
    let script = "import hmac,hashlib,sys; k=sys.argv[1].encode(); m=sys.stdin.buffer.read(); print(hmac.new(k,m,hashlib.sha256).hexdigest())";
    let mut child = Command::new("python3")
        .args(["-c", script, key])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is installed by scripts/test-all.sh");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(message).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn req<'a>(ts: &'a str, sig: &'a str, body: &'a [u8]) -> WebhookRequest<'a> {
    WebhookRequest {
        timestamp: Some(ts),
        signature: Some(sig),
        body,
    }
}

/// A body as Zoom sends it: the raw bytes matter (spacing, escapes, key order).
const BODY: &[u8] = br#"{"event":"meeting.started","payload":{"account_id":"AAA","object":{"uuid":"4444AAAiAAAAAiAiAiiAii==","id":"6962400003","host_id":"x1yCzABCDEfg23HiJKl4mN","topic":"Caf\u00e9 \"sync\"","type":2,"start_time":"2026-11-25T16:00:00Z","timezone":"UTC","duration":60}},"event_ts":1764086400000}"#;

#[test]
fn the_signature_matches_one_computed_independently_by_python() {
    let ts = NOW.to_string();
    let mut message = format!("v0:{ts}:").into_bytes();
    message.extend_from_slice(BODY);
    let expected = format!("v0={}", python_hmac(SECRET, &message));
    let v = WebhookVerifier::new(SECRET);
    assert_eq!(v.sign(&ts, BODY), expected);
    assert_eq!(v.verify_at(&req(&ts, &expected, BODY), NOW), Ok(()));
}

#[test]
fn the_raw_body_is_signed_never_re_serialised_json() {
    let ts = NOW.to_string();
    let v = WebhookVerifier::new(SECRET);
    let sig = v.sign(&ts, BODY);
    let reserialised =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(BODY).unwrap()).unwrap();
    assert_ne!(reserialised, BODY, "re-serialising changes the bytes");
    assert_eq!(
        v.verify_at(&req(&ts, &sig, &reserialised), NOW),
        Err(WebhookError::BadSignature)
    );
    assert_eq!(v.verify_at(&req(&ts, &sig, BODY), NOW), Ok(()));
}

#[test]
fn tampered_stale_future_and_unsigned_requests_are_rejected() {
    let v = WebhookVerifier::new(SECRET);
    let ts = NOW.to_string();
    let sig = v.sign(&ts, BODY);
    let mut body = BODY.to_vec();
    body[40] ^= 1;
    assert_eq!(
        v.verify_at(&req(&ts, &sig, &body), NOW),
        Err(WebhookError::BadSignature)
    );
    let other_ts = (NOW + 1).to_string();
    assert_eq!(
        v.verify_at(&req(&other_ts, &sig, BODY), NOW),
        Err(WebhookError::BadSignature)
    );
    let mut bad_sig = sig.clone().into_bytes();
    let last = bad_sig.len() - 1;
    bad_sig[last] = if bad_sig[last] == b'0' { b'1' } else { b'0' };
    assert_eq!(
        v.verify_at(&req(&ts, std::str::from_utf8(&bad_sig).unwrap(), BODY), NOW),
        Err(WebhookError::BadSignature)
    );
    assert_eq!(
        WebhookVerifier::new("another-secret").verify_at(&req(&ts, &sig, BODY), NOW),
        Err(WebhookError::BadSignature)
    );
    // Replays: a correct signature, but 6 minutes old or 6 minutes ahead.
    assert!(matches!(
        v.verify_at(&req(&ts, &sig, BODY), NOW + 360),
        Err(WebhookError::StaleTimestamp { .. })
    ));
    assert!(matches!(
        v.verify_at(&req(&ts, &sig, BODY), NOW - 360),
        Err(WebhookError::StaleTimestamp { .. })
    ));
    assert_eq!(v.verify_at(&req(&ts, &sig, BODY), NOW + 299), Ok(()));
    // Unsigned and malformed.
    let none = WebhookRequest {
        timestamp: Some(&ts),
        signature: None,
        body: BODY,
    };
    assert_eq!(
        v.verify_at(&none, NOW),
        Err(WebhookError::MissingHeader("x-zm-signature"))
    );
    let no_ts = WebhookRequest {
        timestamp: None,
        signature: Some(&sig),
        body: BODY,
    };
    assert_eq!(
        v.verify_at(&no_ts, NOW),
        Err(WebhookError::MissingHeader("x-zm-request-timestamp"))
    );
    assert!(matches!(
        v.verify_at(&req("+1764086400", &sig, BODY), NOW),
        Err(WebhookError::BadHeader { .. })
    ));
    assert!(matches!(
        v.verify_at(&req(&ts, &sig[3..], BODY), NOW),
        Err(WebhookError::BadHeader { .. })
    ));
    assert_eq!(WebhookError::BadSignature.http_status(), 401);
}

fn signed_now(v: &WebhookVerifier, body: &[u8]) -> (String, String) {
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = v.sign(&ts, body);
    (ts, sig)
}

#[tokio::test]
async fn url_validation_is_answered_byte_exactly_and_only_when_signed() {
    let v = WebhookVerifier::new(SECRET);
    let receiver = WebhookReceiver::new(v.clone(), WebhookDispatcher::new());
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let (ts, sig) = signed_now(&v, body);
    let reply = receiver.handle(&req(&ts, &sig, body)).await.unwrap();
    let expected = format!(
        r#"{{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"{}"}}"#,
        python_hmac(SECRET, b"qgg8vlvZRS6UYooatFL8Aw")
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, expected);
    let err = receiver.handle(&req(&ts, "v0=00", body)).await.unwrap_err();
    assert_eq!(err, WebhookError::BadSignature);
}

#[tokio::test]
async fn url_validation_is_no_signing_oracle() {
    let v = WebhookVerifier::new(SECRET);
    let receiver = WebhookReceiver::new(v.clone(), WebhookDispatcher::new());
    // An attacker asks the app to "encrypt" the very message an event signature covers.
    let forged_event = br#"{"event":"app_deauthorized","payload":{"user_id":"victim"}}"#;
    let ts = NOW.to_string();
    let oracle_token = format!("v0:{ts}:{}", std::str::from_utf8(forged_event).unwrap());
    assert!(matches!(
        receiver.url_validation_reply(&oracle_token),
        Err(WebhookError::BadPlainToken(_))
    ));
    assert!(matches!(
        receiver.url_validation_reply(&"a".repeat(129)),
        Err(WebhookError::BadPlainToken(_))
    ));
    assert!(matches!(
        receiver.url_validation_reply(""),
        Err(WebhookError::BadPlainToken(_))
    ));
    assert!(receiver.url_validation_reply(&"a".repeat(128)).is_ok());
    // Even a signed challenge carrying such a token is refused.
    let challenge = serde_json::json!({"event": "endpoint.url_validation", "event_ts": 1, "payload": {"plainToken": oracle_token}}).to_string();
    let (ts2, sig2) = signed_now(&v, challenge.as_bytes());
    let err = receiver
        .handle(&req(&ts2, &sig2, challenge.as_bytes()))
        .await
        .unwrap_err();
    assert!(matches!(err, WebhookError::BadPlainToken(_)), "{err:?}");
}

#[test]
fn typed_events_parse_zoom_s_shapes_and_unknown_events_pass_through_whole() {
    let created = br#"{"event":"meeting.created","event_ts":1,"payload":{"account_id":"A","operator":"o@x.com","operator_id":"op","object":{"uuid":"u==","id":85746065432,"host_id":"h","topic":"T","type":2,"duration":30,"join_url":"https://x","settings":{}}}}"#;
    let e = WebhookEvent::parse(created).unwrap();
    match &e.payload {
        EventPayload::Meeting(m) => {
            assert_eq!(m.object.id, Some(85_746_065_432));
            assert_eq!(m.object.extra["join_url"], "https://x");
            assert_eq!(m.operator_id.as_deref(), Some("op"));
        }
        other => panic!("{other:?}"),
    }
    let ended = WebhookEvent::parse(BODY).unwrap();
    assert!(
        matches!(&ended.payload, EventPayload::Meeting(m) if m.object.id == Some(6_962_400_003)),
        "string ids decode"
    );

    let rec = br#"{"event":"recording.completed","event_ts":2,"download_token":"dl-token-secret-123","payload":{"account_id":"A","object":{"id":1,"uuid":"u","host_id":"h","topic":"T","total_size":10,"recording_files":[{"id":"f","file_type":"MP4","file_size":10,"download_url":"https://d","status":"completed","recording_type":"active_speaker"}]}}}"#;
    let r = WebhookEvent::parse(rec).unwrap();
    assert_eq!(
        r.download_token.as_ref().unwrap().expose_secret(),
        "dl-token-secret-123"
    );
    assert!(!format!("{r:?}").contains("dl-token-secret-123"));
    assert!(!serde_json::to_string(&r)
        .unwrap()
        .replace("\"raw\"", "")
        .is_empty());
    match &r.payload {
        EventPayload::Recording(p) => assert_eq!(
            p.object.recording_files[0].extra["recording_type"],
            "active_speaker"
        ),
        other => panic!("{other:?}"),
    }

    let unknown = br#"{"event":"meeting.some_future_event","event_ts":3,"payload":{"anything":[1,{"deep":true}]}}"#;
    let u = WebhookEvent::parse(unknown).unwrap();
    assert_eq!(u.payload, EventPayload::Other);
    assert_eq!(
        u.raw,
        serde_json::from_slice::<serde_json::Value>(unknown).unwrap()
    );

    assert!(matches!(
        WebhookEvent::parse(br#"{"event":"meeting.created","payload":"nope"}"#),
        Err(WebhookError::BadBody(_))
    ));
    assert!(matches!(
        WebhookEvent::parse(b"[]"),
        Err(WebhookError::BadBody(_))
    ));
}

#[tokio::test]
async fn the_dispatcher_routes_by_event_and_to_catch_all_handlers() {
    let v = WebhookVerifier::new(SECRET);
    let started = Arc::new(AtomicUsize::new(0));
    let all = Arc::new(AtomicUsize::new(0));
    let mut d = WebhookDispatcher::new();
    let s = started.clone();
    d.on("meeting.started", move |e| {
        let s = s.clone();
        async move {
            assert_eq!(e.event, zoom_sdk::webhooks::EventName::MeetingStarted);
            s.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let a = all.clone();
    d.on_any(move |_| {
        let a = a.clone();
        async move {
            a.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    assert!(WebhookDispatcher::understood_events()
        .contains(&zoom_sdk::webhooks::EventName::RecordingCompleted));
    assert_eq!(
        zoom_sdk::webhooks::EventName::parse("meeting.some_future_event"),
        zoom_sdk::webhooks::EventName::Unknown("meeting.some_future_event".into())
    );
    let receiver = WebhookReceiver::new(v.clone(), d);
    let (ts, sig) = signed_now(&v, BODY);
    let reply = receiver.handle(&req(&ts, &sig, BODY)).await.unwrap();
    assert_eq!(
        (reply.status, reply.event.as_deref()),
        (200, Some("meeting.started"))
    );
    let other = br#"{"event":"meeting.participant_joined","event_ts":1,"payload":{}}"#;
    let (ts, sig) = signed_now(&v, other);
    receiver.handle(&req(&ts, &sig, other)).await.unwrap();
    assert_eq!(started.load(Ordering::SeqCst), 1);
    assert_eq!(all.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn app_deauthorized_wipes_the_user_s_tokens_and_marks_them_disconnected() {
    let emu = emulator().await;
    let client =
        zoom_sdk::ZoomClient::new(config(&emu).webhook_secret_token(SECRET).build().unwrap())
            .unwrap();
    connect(&client, USER).await;
    let zoom_user = emu.users()[0].id.clone();
    let receiver = client.webhook_receiver(WebhookDispatcher::new()).unwrap();
    let body = serde_json::json!({
        "event": "app_deauthorized",
        "event_ts": 1,
        "payload": {"account_id": emu.config().account_id, "user_id": zoom_user, "client_id": emu.config().client_id, "deauthorization_time": "2026-11-25T16:00:00Z", "signature": "legacy"}
    })
    .to_string();
    let v = WebhookVerifier::new(SECRET);
    let (ts, sig) = signed_now(&v, body.as_bytes());
    receiver
        .handle(&req(&ts, &sig, body.as_bytes()))
        .await
        .unwrap();
    let t = client
        .store()
        .load(&TokenKey::user(USER))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.status, TokenStatus::Revoked);
    assert!(t.refresh_token.is_none());
    assert!(t.access_token.expose_secret().is_empty());
    let err = client.user(USER).users().me().await.unwrap_err();
    assert!(
        matches!(err, zoom_sdk::Error::ReauthorizationRequired { .. }),
        "{err:?}"
    );
    assert_eq!(
        emu.stats().token_requests,
        1,
        "no refresh was attempted for a deauthorized user"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_input_panics_the_verifier_or_the_parser(
        ts in proptest::option::of(".{0,20}"),
        sig in proptest::option::of(".{0,80}"),
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let v = WebhookVerifier::new(SECRET);
        let r = WebhookRequest { timestamp: ts.as_deref(), signature: sig.as_deref(), body: &body };
        prop_assert!(v.verify_at(&r, NOW).is_err());
        let _ = WebhookEvent::parse(&body);
    }

    #[test]
    fn a_one_byte_change_anywhere_is_rejected(
        body in proptest::collection::vec(any::<u8>(), 1..256),
        idx in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        target in 0usize..3,
    ) {
        let v = WebhookVerifier::new(SECRET);
        let ts = NOW.to_string();
        let sig = v.sign(&ts, &body);
        prop_assert_eq!(v.verify_at(&req(&ts, &sig, &body), NOW), Ok(()));
        match target {
            0 => {
                let mut b = body.clone();
                let i = idx.index(b.len());
                b[i] ^= flip;
                prop_assert!(v.verify_at(&req(&ts, &sig, &b), NOW).is_err());
            }
            1 => {
                let mut t = ts.clone().into_bytes();
                let i = idx.index(t.len());
                t[i] = b'0' + ((t[i] - b'0' + 1 + flip % 9) % 10);
                let t = String::from_utf8(t).unwrap();
                prop_assert!(v.verify_at(&req(&t, &sig, &body), NOW).is_err());
            }
            _ => {
                let mut s = sig.clone().into_bytes();
                let i = 3 + idx.index(s.len() - 3);
                s[i] = if s[i] == b'a' { b'b' } else { b'a' };
                let s = String::from_utf8(s).unwrap();
                prop_assert!(v.verify_at(&req(&ts, &s, &body), NOW).is_err());
            }
        }
    }
}
