//! Secrets never appear in logs, Debug output or error messages.
//!
//! This file holds one test on purpose: `tracing` caches callsite interest process-wide, so a
//! concurrent test without a subscriber could hide events from this test's thread-local one.

mod common;

use common::*;
use secrecy::ExposeSecret;
use std::io::Write;
use std::sync::{Arc, Mutex};
use zoom_sdk::models::CreateMeeting;
use zoom_sdk::TokenKey;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Current-thread runtime, so the thread-local subscriber sees every task, the SDK's and the
/// HTTP stack's alike, at TRACE level.
#[tokio::test]
async fn a_whole_flow_logged_at_trace_level_never_shows_a_secret() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = emulator().await;
    let mut secrets = vec![emu.config().client_secret];
    let client = client(&emu);
    let (code, state, pending) = authorize(&client).await;
    secrets.push(pending.pkce_verifier.expose_secret().to_string());
    secrets.push(code.clone());
    client
        .complete_authorization(USER, &code, &state, &pending)
        .await
        .unwrap();
    let key = TokenKey::user(USER);
    let grab = |t: zoom_sdk::StoredToken| {
        vec![
            t.access_token.expose_secret().to_string(),
            t.refresh_token.unwrap().expose_secret().to_string(),
        ]
    };
    secrets.extend(grab(client.store().load(&key).await.unwrap().unwrap()));
    let session = client.user(USER);
    session
        .meetings()
        .create("me", &CreateMeeting::instant("logged"))
        .await
        .unwrap();
    emu.expire_access_tokens(None);
    session.users().me().await.unwrap();
    secrets.extend(grab(client.store().load(&key).await.unwrap().unwrap()));
    let err = session.meetings().get(1).await.unwrap_err();
    client.disconnect(USER).await.unwrap();
    let s2s = client.account().unwrap();
    s2s.users().me().await.unwrap();
    secrets.push(
        client
            .store()
            .load(s2s.key())
            .await
            .unwrap()
            .unwrap()
            .access_token
            .expose_secret()
            .to_string(),
    );

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("zoom.request"), "the flow was logged at all");
    assert!(
        logs.contains("/users/{userId}/meetings"),
        "spans name path templates"
    );
    let shown = format!(
        "{client:?} {:?} {err:?} {err} {}",
        client.config(),
        serde_json::to_string(&err).unwrap()
    );
    for s in &secrets {
        assert!(s.len() >= 8, "a real secret: {s:?}");
        assert!(!logs.contains(s.as_str()), "a secret leaked into the logs");
        assert!(
            !shown.contains(s.as_str()),
            "a secret leaked into Debug or error output"
        );
    }
}
