//! Retries, resets, rate limits and malformed answers against the emulator's fault injection.

mod common;

use common::*;
use std::time::{Duration, Instant};
use zoom_emulator::FaultConfig;
use zoom_sdk::models::{CreateMeeting, UpdateMeeting};
use zoom_sdk::{Error, RateLimitType};

const CREATE: &str = "POST /users/{userId}/meetings";
const GET_USER: &str = "GET /users/{userId}";

fn tomorrow() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::Duration::days(1)
}

#[tokio::test]
async fn get_is_retried_on_5xx_until_it_succeeds() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        fail_next: 2,
        ..Default::default()
    });
    client.user(USER).users().me().await.unwrap();
    assert_eq!(route(&emu, GET_USER), 3);
    assert_eq!(client.metrics().retries, 2);
}

#[tokio::test]
async fn get_gives_up_after_the_policy_s_retries_with_the_5xx_error() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        fail_next: 10,
        ..Default::default()
    });
    let err = client.user(USER).users().me().await.unwrap_err();
    assert!(
        matches!(err, Error::Api(ref a) if a.status == 503 && a.tracking_id.is_some()),
        "{err:?}"
    );
    assert_eq!(route(&emu, GET_USER), 4, "1 attempt + 3 retries");
}

#[tokio::test]
async fn create_meeting_whose_connection_reset_after_processing_is_not_sent_twice() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let host = emu.users()[0].id.clone();
    let before = emu.meeting_count(&host);
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        reset_next: 1,
        reset_after_processing: true,
        only_route: Some(CREATE.into()),
        ..Default::default()
    });
    let err = client
        .user(USER)
        .meetings()
        .create("me", &CreateMeeting::scheduled("Reset me", tomorrow(), 30))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                maybe_sent: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        route(&emu, CREATE),
        1,
        "the POST reached Zoom once and was not resent"
    );
    assert_eq!(
        emu.meeting_count(&host),
        before + 1,
        "Zoom did create it: exactly one meeting"
    );
}

#[tokio::test]
async fn create_meeting_on_503_is_not_retried() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        fail_next: 1,
        only_route: Some(CREATE.into()),
        ..Default::default()
    });
    let err = client
        .user(USER)
        .meetings()
        .create("me", &CreateMeeting::instant("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api(ref a) if a.status == 503),
        "{err:?}"
    );
    assert_eq!(route(&emu, CREATE), 1);
}

#[tokio::test]
async fn get_whose_connection_reset_is_retried() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        reset_next: 1,
        ..Default::default()
    });
    client.user(USER).users().me().await.unwrap();
    assert_eq!(route(&emu, GET_USER), 2);
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        rate_limit_next: 1,
        retry_after_secs: 1,
        ..Default::default()
    });
    let started = Instant::now();
    client.user(USER).users().me().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(route(&emu, GET_USER), 2);
    assert_eq!(client.metrics().rate_limited, 1);
}

#[tokio::test]
async fn a_create_meeting_429_is_retried_because_zoom_did_not_act() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        rate_limit_next: 1,
        retry_after_secs: 1,
        only_route: Some(CREATE.into()),
        ..Default::default()
    });
    client
        .user(USER)
        .meetings()
        .create("me", &CreateMeeting::instant("x"))
        .await
        .unwrap();
    assert_eq!(route(&emu, CREATE), 2);
}

#[tokio::test]
async fn a_daily_limit_429_is_returned_with_its_reset_not_retried() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        daily_limit_next: 1,
        ..Default::default()
    });
    let err = client.user(USER).users().me().await.unwrap_err();
    match &err {
        Error::RateLimited {
            retry_after,
            limit_type,
            category,
            ..
        } => {
            assert_eq!(*limit_type, RateLimitType::Daily);
            assert_eq!(*category, Some(zoom_sdk::http::RateCategory::Light));
            let wait = retry_after.expect("reset time parsed");
            assert!(
                wait <= Duration::from_secs(2 * 86_400) && wait > Duration::ZERO,
                "{wait:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(route(&emu, GET_USER), 1);
}

#[tokio::test]
async fn malformed_json_is_retried_for_get_and_reported_for_post() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        malformed_next: 1,
        ..Default::default()
    });
    client.user(USER).users().me().await.unwrap();
    assert_eq!(route(&emu, GET_USER), 2);

    emu.set_faults(FaultConfig {
        malformed_next: 1,
        only_route: Some(CREATE.into()),
        ..Default::default()
    });
    let err = client
        .user(USER)
        .meetings()
        .create("me", &CreateMeeting::instant("x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert_eq!(route(&emu, CREATE), 1);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_retried_transparently() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    emu.expire_access_tokens(None);
    emu.reset_stats();
    let me = client.user(USER).users().me().await.unwrap();
    assert_eq!(me.id, emu.users()[0].id);
    let s = emu.stats();
    assert_eq!((s.unauthorized, s.refresh_grants), (1, 1));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_that_reached_nobody() {
    let emu = emulator().await;
    let cfg = config(&emu)
        .api_base_url("http://127.0.0.1:1/v2")
        .build()
        .unwrap();
    let client = zoom_sdk::ZoomClient::new(cfg).unwrap();
    let err = client.account().unwrap().users().me().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                maybe_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(client.metrics().attempts, 4);
}

#[tokio::test]
async fn a_slow_create_times_out_and_is_not_resent() {
    let emu = emulator().await;
    let cfg = config(&emu)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let client = zoom_sdk::ZoomClient::new(cfg).unwrap();
    let account = client.account().unwrap();
    account.users().me().await.unwrap();
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        latency_ms: 1000,
        only_route: Some(CREATE.into()),
        ..Default::default()
    });
    let err = account
        .meetings()
        .create("me", &CreateMeeting::instant("slow"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                maybe_sent: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(route(&emu, CREATE), 1);
}

#[tokio::test]
async fn zoom_errors_keep_status_code_message_and_tracking_id() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let err = client
        .user(USER)
        .meetings()
        .get(12345678901)
        .await
        .unwrap_err();
    match err {
        Error::NotFound(a) => {
            assert_eq!((a.status, a.code), (404, Some(3001)));
            assert_eq!(a.message, "Meeting does not exist: 12345678901.");
            assert!(a.tracking_id.unwrap().starts_with("v=2.0"));
        }
        other => panic!("{other:?}"),
    }
    let bad_page = zoom_sdk::api::ListMeetings::new().next_page_token("not-a-token");
    let err = client
        .user(USER)
        .meetings()
        .list("me", &bad_page)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref a) if a.code == Some(300)),
        "{err:?}"
    );
}

#[tokio::test]
async fn meetings_crud_round_trip() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let session = client.user(USER);
    let meetings = session.meetings();
    let created = meetings
        .create(
            "me",
            &CreateMeeting::scheduled("Quarterly review", tomorrow(), 45).agenda("numbers"),
        )
        .await
        .unwrap();
    assert!(created.join_url.is_some());
    meetings
        .update(
            created.id,
            &UpdateMeeting::new().topic("Renamed").duration(60),
        )
        .await
        .unwrap();
    let got = meetings.get(created.id).await.unwrap();
    assert_eq!((got.topic.as_str(), got.duration), ("Renamed", Some(60)));
    assert_eq!(got.agenda.as_deref(), Some("numbers"));
    let mut seen = 0;
    let mut query = zoom_sdk::api::ListMeetings::new().page_size(2);
    loop {
        let page = meetings.list("me", &query).await.unwrap();
        seen += page.items.len();
        match page.next_page_token {
            Some(t) => query = query.next_page_token(t),
            None => break,
        }
    }
    assert_eq!(seen, emu.meeting_count(&emu.users()[0].id));
    meetings
        .delete(created.id, &Default::default())
        .await
        .unwrap();
    assert!(matches!(
        meetings.get(created.id).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn one_accounts_daily_limit_does_not_close_the_category_for_another_account() {
    let emu = emulator().await;
    let client = zoom_sdk::ZoomClient::new(
        config(&emu)
            .rate_limits(zoom_sdk::http::RateLimits::pro())
            .build()
            .unwrap(),
    )
    .unwrap();
    for user in ["in-account-a", "in-account-b"] {
        connect(&client, user).await;
    }
    // The second grant belongs to another Zoom account (a multi-account app).
    let key_b = zoom_sdk::TokenKey::user("in-account-b");
    let mut b = client.store().load(&key_b).await.unwrap().unwrap();
    b.account_id = Some("another-account".into());
    client.store().save(&key_b, &b).await.unwrap();
    client.tokens().forget(&key_b);

    emu.set_faults(FaultConfig {
        daily_limit_next: 1,
        ..Default::default()
    });
    let err = client.user("in-account-a").users().me().await.unwrap_err();
    assert!(matches!(
        err,
        Error::RateLimited {
            limit_type: RateLimitType::Daily,
            ..
        }
    ));
    emu.reset_stats();
    assert!(
        client.user("in-account-a").users().me().await.is_err(),
        "account A stays closed until its reset"
    );
    assert_eq!(emu.stats().api_requests, 0, "and nothing was sent for it");
    client
        .user("in-account-b")
        .users()
        .me()
        .await
        .expect("account B is not affected");
    assert_eq!(emu.stats().api_requests, 1);
}
