//! Debug and JSON forms of the SDK's types are redacted.

mod common;

use common::*;
use secrecy::ExposeSecret;
use zoom_sdk::TokenKey;

#[tokio::test]
async fn debug_of_config_pending_authorization_and_stored_token_is_redacted() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let stored = client
        .store()
        .load(&TokenKey::user(USER))
        .await
        .unwrap()
        .unwrap();
    let pending = client.authorization_url().unwrap().pending;
    let dbg = format!(
        "{:?} {:?} {:?} {:?}",
        client.config(),
        stored,
        pending,
        client.tokens()
    );
    assert!(!dbg.contains(&emu.config().client_secret));
    assert!(!dbg.contains(stored.access_token.expose_secret()));
    assert!(!dbg.contains(stored.refresh_token.as_ref().unwrap().expose_secret()));
    assert!(!dbg.contains(pending.pkce_verifier.expose_secret()));
    let json = serde_json::to_string(&stored).unwrap();
    assert!(!json.contains(stored.access_token.expose_secret()));
}
