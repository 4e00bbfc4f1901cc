//! The skills facade against the emulator: every skill works for a connected user, and a user
//! who is not connected (or must reconnect) gets a typed error carrying the URL to connect.

mod common;

use common::*;
use zoom_sdk::integration::Integration;
use zoom_sdk::skills::{
    ListMeetingsOptions, MeetingStart, RecordingRange, ScheduleMeeting, Skills,
};
use zoom_sdk::{Error, ErrorKind, ExposeSecret, TokenKey};

async fn connect(skills_client: &zoom_sdk::ZoomClient, user: &str) {
    let (code, state, pending) = authorize(skills_client).await;
    skills_client
        .complete_authorization(user, &code, &state, &pending)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_skill_works_for_a_connected_user() {
    let emu = emulator().await;
    let client = client(&emu);
    connect(&client, "desk-1").await;
    let skills = Skills::new(Integration::new(client.clone()));

    let me = skills.get_user_profile("desk-1").await.unwrap();
    assert_eq!(me.id, emu.users()[0].id);

    let next_year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) + 1;
    let local = chrono::NaiveDate::from_ymd_opt(next_year, 7, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let m = skills
        .schedule_meeting(
            "desk-1",
            &ScheduleMeeting::new("Roadmap", MeetingStart::local(local, "Europe/Paris"), 45)
                .agenda("Q3 plans"),
        )
        .await
        .unwrap();
    let stored = client.user("desk-1").meetings().get(m.id).await.unwrap();
    assert_eq!(
        stored
            .start_time
            .map(|t| t.format("%H:%M").to_string())
            .as_deref(),
        Some("08:00"),
        "10:00 in Paris in July is 08:00 UTC"
    );
    assert_eq!(stored.timezone.as_deref(), Some("Europe/Paris"));

    let upcoming = skills
        .list_meetings(
            "desk-1",
            &serde_json::from_str::<ListMeetingsOptions>(r#"{"limit": 3}"#).unwrap(),
        )
        .await
        .unwrap();
    assert!(upcoming.len() <= 3 && !upcoming.is_empty());

    let today = chrono::Utc::now().date_naive();
    let recs = skills
        .get_recordings(
            "desk-1",
            &RecordingRange::new(today - chrono::Duration::days(120), today),
        )
        .await
        .unwrap();
    assert!(!recs.is_empty());

    let past = skills
        .schedule_meeting(
            "desk-1",
            &ScheduleMeeting::new("Late", MeetingStart::At(chrono::Utc::now()), 30),
        )
        .await
        .unwrap_err();
    assert!(matches!(past, Error::InvalidInput { ref field, .. } if field == "start"));
}

#[tokio::test]
async fn a_user_who_is_not_connected_gets_the_url_to_connect() {
    let emu = emulator().await;
    let client = client(&emu);
    let skills = Skills::new(Integration::new(client));
    let err = skills.get_user_profile("stranger").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotConnected);
    let Error::NotConnected {
        connect_url: Some(url),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(
        url.starts_with(&format!("{}/oauth/authorize", emu.oauth_base_url())),
        "{url}"
    );
    assert_eq!(
        emu.stats().api_requests,
        0,
        "nothing was sent for a user without a grant"
    );
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["kind"], "not_connected");
    assert_eq!(json["connect_url"], url.as_str());
}

#[tokio::test]
async fn a_user_whose_grant_zoom_refused_gets_the_url_to_reconnect() {
    let emu = emulator().await;
    let client = client(&emu);
    connect(&client, "desk-2").await;
    let key = TokenKey::user("desk-2");
    let rt = client
        .store()
        .load(&key)
        .await
        .unwrap()
        .unwrap()
        .refresh_token
        .unwrap();
    // Another program spent the refresh token; then the access token expires.
    assert!(spend_refresh_token(&emu, rt.expose_secret())
        .await
        .status()
        .is_success());
    emu.expire_access_tokens(None);
    client.tokens().forget(&key);
    let skills = Skills::new(Integration::new(client));
    let err = skills.get_user_profile("desk-2").await.unwrap_err();
    assert!(
        matches!(&err, Error::ReauthorizationRequired { connect_url: Some(u), .. } if u.contains("/oauth/authorize")),
        "{err:?}"
    );
    // Next time the stored state alone says so, before any call.
    let again = skills
        .list_meetings("desk-2", &Default::default())
        .await
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::ReauthorizationRequired);
}
