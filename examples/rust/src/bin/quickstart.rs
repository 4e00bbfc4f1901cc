//! The quickstart: authorize → exchange the code → create a meeting → list meetings → force
//! expiry and refresh → revoke, printing each step.
//!
//! With no Zoom credentials in the environment it starts the bundled Zoom emulator in-process
//! and runs against it. With `ZOOM_CLIENT_ID` and `ZOOM_CLIENT_SECRET` set it talks to Zoom:
//! Server-to-Server OAuth when `ZOOM_ACCOUNT_ID` is set, otherwise user OAuth (it prints the
//! authorization URL and reads the URL Zoom redirected to from standard input).

use std::error::Error;
use std::io::BufRead;
use zoom_emulator::{Emulator, EmulatorConfig};
use zoom_sdk::models::CreateMeeting;
use zoom_sdk::{ZoomClient, ZoomConfig, ZoomSession};

type Res<T> = Result<T, Box<dyn Error>>;

const APP_USER: &str = "quickstart-user";

fn step(n: u32, text: &str) {
    println!("[{n}/6] {text}");
}

fn query_value(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Steps 3 and 4, the same against the emulator and against Zoom.
async fn create_and_list(session: &ZoomSession) -> Res<Option<u64>> {
    step(3, "create a meeting");
    let start = chrono::Utc::now() + chrono::Duration::hours(24);
    let meeting = session
        .meetings()
        .create(
            "me",
            &CreateMeeting::scheduled("zoom-sdk quickstart", start, 30).timezone("UTC"),
        )
        .await?;
    println!(
        "      created meeting {} \"{}\" at {}; join: {}",
        meeting.id,
        meeting.topic,
        meeting
            .start_time
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
        meeting.join_url.as_deref().unwrap_or("-")
    );

    step(4, "list meetings");
    let page = session.meetings().list("me", &Default::default()).await?;
    println!(
        "      {} meetings on the first page, {} in all",
        page.items.len(),
        page.total_records.unwrap_or(page.items.len() as u64)
    );
    for m in page.items.iter().take(3) {
        println!("      - {} {}", m.id, m.topic);
    }
    Ok(Some(meeting.id))
}

async fn emulated() -> Res<()> {
    println!("No ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET in the environment: using the bundled Zoom emulator.");
    let emu = Emulator::start(EmulatorConfig::default()).await?;
    let ec = emu.config();
    println!(
        "      emulator: OAuth at {}, API at {}",
        emu.oauth_base_url(),
        emu.api_base_url()
    );
    let config = ZoomConfig::builder()
        .client_id(ec.client_id.clone())
        .client_secret(ec.client_secret.clone())
        .redirect_uri(ec.redirect_uris[0].clone())
        .api_base_url(emu.api_base_url())
        .oauth_base_url(emu.oauth_base_url())
        .build()?;
    let client = ZoomClient::new(config)?;

    step(1, "authorize");
    let auth = client.authorization_url()?;
    println!("      send the user to {}", auth.url);
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let resp = browser.get(auth.url.clone()).send().await?;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("the emulator did not redirect")?;
    let callback = url::Url::parse(location)?;
    let code = query_value(&callback, "code").ok_or("no code in the callback")?;
    let state = query_value(&callback, "state").ok_or("no state in the callback")?;
    println!(
        "      the user approved; Zoom redirected to {}?code=…&state=…",
        callback.path()
    );

    step(2, "exchange the code (state and PKCE checked)");
    let stored = client
        .complete_authorization(APP_USER, &code, &state, &auth.pending)
        .await?;
    println!(
        "      connected Zoom user {} ({}); access token valid until {}",
        stored.email.as_deref().unwrap_or("?"),
        stored.zoom_user_id.as_deref().unwrap_or("?"),
        stored.expires_at.to_rfc3339()
    );

    let session = client.user(APP_USER);
    create_and_list(&session).await?;

    step(5, "force expiry and refresh");
    let expired = emu.expire_access_tokens(None);
    println!("      the emulator expired {expired} access token(s); the SDK still thinks its token is valid");
    let me = session.users().me().await?;
    let s = emu.stats();
    println!(
        "      Zoom answered 401 (code 124) {} time(s); the SDK refreshed {} time(s) and the call succeeded for {}",
        s.unauthorized, s.refresh_grants, me.email
    );

    step(6, "revoke");
    client.disconnect(APP_USER).await?;
    match session.users().me().await {
        Err(e) => println!("      disconnected; the next call says: {e}"),
        Ok(_) => return Err("a call succeeded after revocation".into()),
    }
    println!(
        "Quickstart finished: {} API requests, {} token requests reached the emulator.",
        emu.stats().api_requests,
        emu.stats().token_requests
    );
    Ok(())
}

async fn real_zoom(config: ZoomConfig) -> Res<()> {
    let client = ZoomClient::new(config)?;
    let (session, user_oauth) = if client.config().account_id().is_some() {
        println!("Using Zoom with Server-to-Server OAuth (ZOOM_ACCOUNT_ID is set).");
        step(
            1,
            "authorize: Server-to-Server apps are authorized by the account admin; nothing to do",
        );
        step(2, "fetch an account token (account_credentials grant)");
        let session = client.account()?;
        let me = session.users().me().await?;
        println!("      acting as {} ({})", me.email, me.id);
        (session, false)
    } else {
        println!("Using Zoom with user OAuth.");
        step(1, "authorize");
        let auth = client.authorization_url()?;
        println!("      open this URL, approve, then paste the URL your browser was redirected to:\n      {}", auth.url);
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let callback = url::Url::parse(line.trim())?;
        let code = query_value(&callback, "code").ok_or("no code in that URL")?;
        let state = query_value(&callback, "state").ok_or("no state in that URL")?;
        step(2, "exchange the code (state and PKCE checked)");
        let stored = client
            .complete_authorization(APP_USER, &code, &state, &auth.pending)
            .await?;
        println!(
            "      connected Zoom user {}",
            stored.email.as_deref().unwrap_or("?")
        );
        (client.user(APP_USER), true)
    };
    let created = create_and_list(&session).await?;
    step(5, "force a refresh");
    client.tokens().force_refresh(session.key()).await?;
    session.users().me().await?;
    println!(
        "      refreshed ({} refresh(es) so far) and called Zoom again",
        client.metrics().refreshes
    );
    if let Some(id) = created {
        session.meetings().delete(id, &Default::default()).await?;
        println!("      deleted the quickstart meeting {id}");
    }
    step(6, "revoke");
    if user_oauth {
        client.disconnect(APP_USER).await?;
        println!("      revoked the user's grant and removed it from the store");
    } else {
        println!("      Server-to-Server tokens are not revoked; they expire within the hour");
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let has_credentials = ["ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"]
        .iter()
        .all(|k| std::env::var(k).is_ok_and(|v| !v.trim().is_empty()));
    let result = if has_credentials {
        match ZoomConfig::from_env() {
            Ok(config) => real_zoom(config).await,
            Err(e) => Err(e.into()),
        }
    } else {
        emulated().await
    };
    if let Err(e) = result {
        eprintln!("quickstart failed: {e}");
        std::process::exit(1);
    }
}
