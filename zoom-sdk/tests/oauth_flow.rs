//! OAuth against the emulator: code exchange with PKCE, state, rotation, revocation, S2S.

mod common;

use common::*;
use secrecy::ExposeSecret;
use zoom_sdk::{Error, TokenKey, TokenStatus};

#[tokio::test]
async fn authorization_code_flow_stores_a_grant_with_the_zoom_user() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let t = client
        .store()
        .load(&TokenKey::user(USER))
        .await
        .unwrap()
        .unwrap();
    let owner = &emu.users()[0];
    assert_eq!(t.zoom_user_id.as_deref(), Some(owner.id.as_str()));
    assert_eq!(t.email.as_deref(), Some(owner.email.as_str()));
    assert!(t.refresh_token.is_some());
    assert_eq!(emu.stats().authorization_code_grants, 1);
    assert_eq!(
        emu.stats().refresh_grants,
        0,
        "a fresh grant is not refreshed"
    );
}

#[tokio::test]
async fn pkce_with_a_wrong_verifier_is_refused_by_the_emulator() {
    let emu = emulator().await;
    let client = client(&emu);
    let (code, state, _right) = authorize(&client).await;
    // Another authorization request's verifier, with this request's state.
    let mut wrong = client.authorization_url().unwrap().pending;
    wrong.state = state.clone();
    let err = client
        .complete_authorization(USER, &code, &state, &wrong)
        .await
        .unwrap_err();
    match err {
        Error::OAuth {
            status,
            error,
            description,
        } => {
            assert_eq!(status, 400);
            assert_eq!(error, "invalid_request");
            assert_eq!(description.as_deref(), Some("Invalid code_verifier"));
        }
        other => panic!("expected an OAuth error, got {other:?}"),
    }
    assert_eq!(emu.stats().authorization_code_failures, 1);
    assert!(client
        .store()
        .load(&TokenKey::user(USER))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_callback_with_a_foreign_state_is_refused_before_any_exchange() {
    let emu = emulator().await;
    let client = client(&emu);
    let (code, _state, pending) = authorize(&client).await;
    let err = client
        .complete_authorization(USER, &code, "forged-state", &pending)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::StateMismatch), "{err:?}");
    assert_eq!(emu.stats().token_requests, 0);
}

#[tokio::test]
async fn a_rotated_refresh_token_cannot_be_reused_and_the_sdk_never_reuses_it() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let key = TokenKey::user(USER);
    let first = client.store().load(&key).await.unwrap().unwrap();
    let rt1 = first.refresh_token.clone().unwrap();

    for _ in 0..3 {
        client.tokens().force_refresh(&key).await.unwrap();
        client.user(USER).users().me().await.unwrap();
    }
    let now = client.store().load(&key).await.unwrap().unwrap();
    let rt_now = now.refresh_token.clone().unwrap();
    assert_ne!(
        rt1.expose_secret(),
        rt_now.expose_secret(),
        "Zoom rotated the refresh token"
    );
    assert!(!emu.refresh_token_is_valid(rt1.expose_secret()));
    assert!(emu.refresh_token_is_valid(rt_now.expose_secret()));
    assert_eq!(emu.stats().refresh_grants, 3);
    assert_eq!(
        emu.stats().refresh_failures,
        0,
        "the SDK never sent a spent refresh token"
    );

    // Re-using the first refresh token fails at "Zoom" exactly as Zoom fails.
    let resp = spend_refresh_token(&emu, rt1.expose_secret()).await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"reason": "Invalid Token!", "error": "invalid_grant"})
    );
}

#[tokio::test]
async fn invalid_grant_marks_the_user_for_reauthorization_and_stops_further_refreshes() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let key = TokenKey::user(USER);
    let rt = client
        .store()
        .load(&key)
        .await
        .unwrap()
        .unwrap()
        .refresh_token
        .unwrap();
    // Someone else spends the refresh token behind the SDK's back.
    let resp = spend_refresh_token(&emu, rt.expose_secret()).await;
    assert_eq!(resp.status(), 200);
    expire_stored(&client).await;

    let err = client.user(USER).users().me().await.unwrap_err();
    assert!(
        matches!(err, Error::ReauthorizationRequired { .. }),
        "{err:?}"
    );
    let stored = client.store().load(&key).await.unwrap().unwrap();
    assert_eq!(stored.status, TokenStatus::ReauthorizationRequired);
    let token_requests = emu.stats().token_requests;
    let again = client.user(USER).users().me().await.unwrap_err();
    assert!(matches!(again, Error::ReauthorizationRequired { .. }));
    assert_eq!(
        emu.stats().token_requests,
        token_requests,
        "no second attempt with a dead refresh token"
    );
}

#[tokio::test]
async fn disconnect_revokes_at_zoom_and_removes_the_grant() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let key = TokenKey::user(USER);
    let at = client
        .store()
        .load(&key)
        .await
        .unwrap()
        .unwrap()
        .access_token;
    client.disconnect(USER).await.unwrap();
    assert_eq!(emu.stats().revocations, 1);
    assert!(client.store().load(&key).await.unwrap().is_none());
    let resp = reqwest::Client::new()
        .get(format!("{}/users/me", emu.api_base_url()))
        .bearer_auth(at.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401, "the revoked token no longer works");
    let err = client.user(USER).users().me().await.unwrap_err();
    assert!(
        matches!(&err, Error::NotConnected { user_id, .. } if user_id == USER),
        "a disconnected user is not connected: {err:?}"
    );
}

#[tokio::test]
async fn server_to_server_tokens_are_fetched_again_not_refreshed() {
    let emu = emulator().await;
    let client = client(&emu);
    let account = client.account().unwrap();
    let me = account.users().me().await.unwrap();
    assert_eq!(me.id, emu.users()[0].id);
    let key = account.key().clone();
    let stored = client.store().load(&key).await.unwrap().unwrap();
    assert!(stored.refresh_token.is_none());
    emu.expire_access_tokens(None);
    account.users().me().await.unwrap();
    let s = emu.stats();
    assert_eq!(s.account_credentials_grants, 2);
    assert_eq!(s.refresh_grants, 0);
}

#[tokio::test]
async fn wrong_client_secret_is_an_oauth_error_naming_invalid_client() {
    let emu = emulator().await;
    let client =
        zoom_sdk::ZoomClient::new(config(&emu).client_secret("wrong-secret").build().unwrap())
            .unwrap();
    let err = client.account().unwrap().users().me().await.unwrap_err();
    assert!(
        matches!(err, Error::OAuth { status: 401, ref error, .. } if error == "invalid_client"),
        "{err:?}"
    );
    assert!(!err.to_string().contains("wrong-secret"));
}
