//! The public surface reads the same across areas: query, page, stream, rest of a page, and the
//! raw call, against the emulator.

mod common;

use common::*;
use futures_util::TryStreamExt;
use zoom_emulator::FaultConfig;
use zoom_sdk::api::{
    ListMeetings, ListParticipants, ListUsers, ListWebinars, RawRequest, RecordingDeleteAction,
};
use zoom_sdk::models::{CreateMeeting, CreateWebinar, ListMeetingsType, UpdateWebinar};
use zoom_sdk::Error;

fn soon() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::Duration::days(2)
}

#[tokio::test]
async fn every_list_pages_the_same_way_first_page_rest_and_from_a_callers_token() {
    let emu = emulator().await;
    let client = client(&emu);
    let account = client.account().unwrap();
    let all: Vec<_> = account
        .users()
        .list_all(ListUsers::new().page_size(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), emu.users().len());
    // A page fetched by the caller, then the rest: the same users, in order, once each.
    let q = ListUsers::new().page_size(2);
    let first = account.users().list(&q).await.unwrap();
    assert!(first.has_next());
    let rest: Vec<_> = account
        .users()
        .list_rest(q.clone(), first.clone())
        .try_collect()
        .await
        .unwrap();
    let ids = |v: &[zoom_sdk::models::User]| v.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&rest), ids(&all));
    // list_all from the caller's token continues where the page left off.
    let tail: Vec<_> = account
        .users()
        .list_all(q.next_page_token(first.next_page_token.clone().unwrap()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&tail), ids(&all[first.items.len()..]));

    // The same shape for meetings.
    let owner = emu.users()[0].id.clone();
    let mq = ListMeetings::new().page_size(3);
    let page = account.meetings().list(&owner, &mq).await.unwrap();
    let every: Vec<_> = account
        .meetings()
        .list_all(&owner, mq.clone())
        .try_collect()
        .await
        .unwrap();
    let rest: Vec<_> = account
        .meetings()
        .list_rest(&owner, mq, page)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|m| m.id).collect::<Vec<_>>(),
        every.iter().map(|m| m.id).collect::<Vec<_>>()
    );

    // A user-level grant may not list the account's users: Zoom's "No permission".
    let alice = connected(&emu).await;
    assert!(matches!(
        alice.user(USER).users().list(&ListUsers::new()).await,
        Err(Error::PermissionDenied(_))
    ));
}

#[tokio::test]
async fn a_meeting_has_an_invitation_an_end_and_past_participants() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let alice = client.user(USER);
    let m = alice
        .meetings()
        .create("me", &CreateMeeting::scheduled("Sync", soon(), 30))
        .await
        .unwrap();
    let text = alice.meetings().invitation(m.id).await.unwrap();
    assert!(text.contains(m.join_url.as_deref().unwrap()), "{text}");
    alice.meetings().end(m.id).await.unwrap();
    assert!(matches!(
        alice.meetings().end(999).await,
        Err(Error::NotFound(_))
    ));

    let past = alice
        .meetings()
        .list(
            "me",
            &ListMeetings::new().meeting_type(ListMeetingsType::PreviousMeetings),
        )
        .await
        .unwrap();
    let p = past.items.first().expect("the seed has past meetings");
    let instances = alice.meetings().past_instances(p.id).await.unwrap();
    assert_eq!(instances.len(), 1);
    let everyone: Vec<_> = alice
        .meetings()
        .participants_all(p.id, ListParticipants::new().page_size(4))
        .try_collect()
        .await
        .unwrap();
    let first = alice
        .meetings()
        .participants(
            zoom_sdk::api::MeetingRef::Uuid(instances[0].uuid.clone()),
            &ListParticipants::new(),
        )
        .await
        .unwrap();
    assert_eq!(Some(everyone.len() as u64), first.total_records);
    assert!(everyone.len() > 4, "several pages were followed");
}

#[tokio::test]
async fn a_webinar_is_created_read_updated_and_deleted() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let alice = client.user(USER);
    let w = alice
        .webinars()
        .create("me", &CreateWebinar::scheduled("Launch", soon(), 60))
        .await
        .unwrap();
    alice
        .webinars()
        .update(w.id, &UpdateWebinar::new().topic("Launch v2").duration(75))
        .await
        .unwrap();
    let read = alice.webinars().get(w.id).await.unwrap();
    assert_eq!(read.topic, "Launch v2");
    assert_eq!(read.duration, Some(75));
    assert!(matches!(
        alice
            .webinars()
            .update(w.id, &UpdateWebinar::new().duration(0))
            .await,
        Err(Error::InvalidInput { .. })
    ));
    alice
        .webinars()
        .delete(w.id, &Default::default())
        .await
        .unwrap();
    assert!(matches!(
        alice.webinars().get(w.id).await,
        Err(Error::NotFound(_))
    ));
    let left: Vec<_> = alice
        .webinars()
        .list_all("me", ListWebinars::new())
        .try_collect()
        .await
        .unwrap();
    assert!(left.iter().all(|x| x.id != w.id));
}

#[tokio::test]
async fn recordings_are_deleted_whole_or_file_by_file() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let alice = client.user(USER);
    let today = chrono::Utc::now().date_naive();
    let recs: Vec<_> = alice
        .recordings()
        .list_all(
            "me",
            zoom_sdk::api::ListRecordings::new(today - chrono::Duration::days(90), today),
        )
        .try_collect()
        .await
        .unwrap();
    assert!(recs.len() >= 2, "the seed has recordings");
    let (a, b) = (&recs[0], &recs[1]);
    let file = a.recording_files[0].id.clone().unwrap();
    alice
        .recordings()
        .delete_file(a.id, &file, RecordingDeleteAction::Trash)
        .await
        .unwrap();
    let after = alice.recordings().get(a.id).await.unwrap();
    assert_eq!(after.recording_files.len(), a.recording_files.len() - 1);
    alice
        .recordings()
        .delete(b.id, RecordingDeleteAction::Delete)
        .await
        .unwrap();
    assert!(matches!(
        alice.recordings().get(b.id).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn the_raw_call_goes_through_the_same_pipeline() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let alice = client.user(USER);
    let me = alice.raw(&RawRequest::get("/users/me")).await.unwrap();
    assert_eq!(me["id"], alice.users().me().await.unwrap().id);
    // Retried like a typed GET.
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        fail_next: 2,
        ..Default::default()
    });
    alice.raw(&RawRequest::get("/users/me")).await.unwrap();
    assert_eq!(route(&emu, "GET /users/{userId}"), 3);
    // A POST that may have reached Zoom is not resent.
    emu.reset_stats();
    emu.set_faults(FaultConfig {
        reset_next: 1,
        reset_after_processing: true,
        ..Default::default()
    });
    let body = serde_json::to_value(CreateMeeting::scheduled("Raw", soon(), 30)).unwrap();
    let err = alice
        .raw(&RawRequest::new("POST", "/users/me/meetings").body(body))
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
    assert_eq!(route(&emu, "POST /users/{userId}/meetings"), 1);
    // A 204 answer is JSON null; a path that would leave the API is refused unsent.
    let m = alice
        .meetings()
        .create("me", &CreateMeeting::scheduled("x", soon(), 30))
        .await
        .unwrap();
    let deleted = alice
        .raw(&RawRequest::new("DELETE", format!("/meetings/{}", m.id)))
        .await
        .unwrap();
    assert!(deleted.is_null());
    assert!(matches!(
        alice.raw(&RawRequest::get("/users/../oauth/token")).await,
        Err(Error::InvalidInput { .. })
    ));
}
