//! Webhook requests: any headers and body are refused or accepted by the signature check, and
//! any body parses to an event or an error, never a panic. Half the inputs carry a valid
//! signature, so the event parser sees every body.
#![no_main]
use libfuzzer_sys::fuzz_target;
use zoom_sdk::webhooks::{WebhookEvent, WebhookRequest, WebhookVerifier};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let verifier = WebhookVerifier::new("fuzz-secret-token");
    let now = 1_760_000_000_i64;
    let (timestamp, signature, body) = if mode & 1 == 0 {
        let ts = now.to_string();
        let sig = verifier.sign(&ts, rest);
        (ts, sig, rest)
    } else {
        // Arbitrary header values: the first two lines of the input, the rest is the body.
        let mut parts = rest.splitn(3, |b| *b == b'\n');
        let ts = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        let sig = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
        (ts, sig, parts.next().unwrap_or_default())
    };
    let req = WebhookRequest {
        timestamp: Some(&timestamp),
        signature: Some(&signature),
        body,
    };
    let verified = verifier.verify_at(&req, now);
    if mode & 1 == 0 {
        assert!(verified.is_ok(), "a body signed with the secret verifies");
    }
    let _ = WebhookEvent::parse(body);
});
