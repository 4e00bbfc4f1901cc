//! Webhook events applied to the local index, so a search reflects a change at once: meetings
//! and webinars created, updated and deleted, recordings completed, recovered, trashed and
//! deleted, and `app_deauthorized` (the user's rows go with their tokens).
//!
//! An event names a Zoom user (`host_id`); the application users it concerns are those whose
//! grant belongs to that Zoom user, plus any user whose index already holds the item.

use super::item::{clean, IndexedFile, IndexedItem, ItemDetails, ItemKind};
use super::Integration;
use crate::error::Result;
use crate::token::TokenKey;
use crate::webhooks::{
    EventName, EventPayload, MeetingEventObject, RecordingEventObject, WebhookEvent,
};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn text(extra: &Map<String, Value>, key: &str) -> Option<String> {
    extra.get(key).and_then(Value::as_str).map(str::to_string)
}

fn meeting_item(kind: ItemKind, o: &MeetingEventObject, email: &str) -> Option<IndexedItem> {
    let id = o.id?;
    Some(IndexedItem {
        kind,
        item_id: id.to_string(),
        zoom_id: Some(id),
        uuid: o.uuid.clone(),
        topic: clean(o.topic.as_deref().unwrap_or_default()),
        agenda: clean(&text(&o.extra, "agenda").unwrap_or_default()),
        host_email: clean(email),
        start_time: time(o.start_time.as_deref()),
        duration: o.duration,
        timezone: o.timezone.clone(),
        join_url: text(&o.extra, "join_url"),
        details: ItemDetails {
            zoom_type: o
                .meeting_type
                .as_ref()
                .and_then(|t| serde_json::to_value(t).ok())
                .and_then(|v| v.as_i64()),
            ..ItemDetails::default()
        },
    })
}

/// The fields a `*.updated` event carries, over the indexed item.
fn patch(item: &mut IndexedItem, o: &MeetingEventObject) {
    if let Some(t) = &o.topic {
        item.topic = clean(t);
    }
    if let Some(a) = text(&o.extra, "agenda") {
        item.agenda = clean(&a);
    }
    if let Some(t) = time(o.start_time.as_deref()) {
        item.start_time = Some(t);
    }
    if o.duration.is_some() {
        item.duration = o.duration;
    }
    if o.timezone.is_some() {
        item.timezone = o.timezone.clone();
    }
    if let Some(u) = text(&o.extra, "join_url") {
        item.join_url = Some(u);
    }
}

fn recording_item(o: &RecordingEventObject, email: &str) -> Option<IndexedItem> {
    let uuid = o.uuid.clone()?;
    let files = o
        .recording_files
        .iter()
        .map(|f| IndexedFile {
            id: f.id.clone(),
            file_type: f.file_type.clone(),
            file_size: f.file_size,
            play_url: text(&f.extra, "play_url"),
            download_url: f.download_url.clone(),
            recording_start: time(f.extra.get("recording_start").and_then(Value::as_str)),
            status: f.status.clone(),
        })
        .collect();
    Some(IndexedItem {
        kind: ItemKind::Recording,
        item_id: uuid.clone(),
        zoom_id: o.id,
        uuid: Some(uuid),
        topic: clean(o.topic.as_deref().unwrap_or_default()),
        agenda: String::new(),
        host_email: clean(email),
        start_time: time(o.start_time.as_deref()),
        duration: o.extra.get("duration").and_then(Value::as_i64),
        timezone: text(&o.extra, "timezone"),
        join_url: None,
        details: ItemDetails {
            zoom_type: o.extra.get("type").and_then(Value::as_i64),
            share_url: text(&o.extra, "share_url"),
            files,
        },
    })
}

/// What an event did to the index.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct IndexUpdate {
    /// The application users concerned.
    pub users: Vec<String>,
    /// Rows written (inserted or changed).
    pub written: u64,
    /// Rows removed.
    pub removed: u64,
}

impl Integration {
    /// The application users whose grant belongs to Zoom user `zoom_user_id`.
    async fn users_of(&self, zoom_user_id: Option<&str>) -> Result<BTreeSet<String>> {
        let mut users = BTreeSet::new();
        if let Some(z) = zoom_user_id.filter(|z| !z.is_empty()) {
            for key in self.client().store().find_by_zoom_user_id(z).await? {
                if let TokenKey::User(u) = key {
                    users.insert(u);
                }
            }
        }
        Ok(users)
    }

    async fn email_of(&self, user_id: &str) -> Result<String> {
        Ok(self
            .client()
            .store()
            .load(&TokenKey::user(user_id))
            .await?
            .and_then(|t| t.email)
            .unwrap_or_default())
    }

    /// Apply a webhook event to the index. Events that do not concern it (`meeting.started`,
    /// unknown events, users not connected here) change nothing.
    pub async fn apply_event(&self, event: &WebhookEvent) -> Result<IndexUpdate> {
        let index = self.index().await?;
        let mut update = IndexUpdate::default();
        match &event.payload {
            EventPayload::Meeting(p) => {
                let kind = if event.event.as_str().starts_with("webinar.") {
                    ItemKind::Webinar
                } else {
                    ItemKind::Meeting
                };
                let Some(id) = p.object.id else {
                    return Ok(update);
                };
                let mut users = self.users_of(p.object.host_id.as_deref()).await?;
                users.extend(index.owners(kind, &id.to_string()).await?);
                let created = matches!(
                    event.event,
                    EventName::MeetingCreated | EventName::WebinarCreated
                );
                let updated = matches!(
                    event.event,
                    EventName::MeetingUpdated | EventName::WebinarUpdated
                );
                let deleted = matches!(
                    event.event,
                    EventName::MeetingDeleted | EventName::WebinarDeleted
                );
                // Deleting one occurrence of a recurring meeting leaves the meeting.
                let occurrence = p.object.extra.contains_key("occurrences")
                    || p.object.extra.contains_key("occurrence_id");
                for user in &users {
                    if created {
                        let email = self.email_of(user).await?;
                        if let Some(item) = meeting_item(kind, &p.object, &email) {
                            if index.put(user, &item).await? {
                                update.written += 1;
                            }
                        }
                    } else if updated {
                        if let Some(mut item) = index.get(user, kind, &id.to_string()).await? {
                            patch(&mut item, &p.object);
                            if index.put(user, &item).await? {
                                update.written += 1;
                            }
                        }
                    } else if deleted
                        && !occurrence
                        && index.remove(user, kind, &id.to_string()).await?
                    {
                        update.removed += 1;
                    }
                }
                update.users = users.into_iter().collect();
            }
            EventPayload::Recording(p) => {
                let Some(uuid) = p.object.uuid.clone() else {
                    return Ok(update);
                };
                let mut users = self.users_of(p.object.host_id.as_deref()).await?;
                users.extend(index.owners(ItemKind::Recording, &uuid).await?);
                for user in &users {
                    match event.event {
                        EventName::RecordingCompleted | EventName::RecordingRecovered => {
                            let mut email = self.email_of(user).await?;
                            if email.is_empty() {
                                email = p.object.host_email.clone().unwrap_or_default();
                            }
                            if let Some(item) = recording_item(&p.object, &email) {
                                if index.put(user, &item).await? {
                                    update.written += 1;
                                }
                            }
                        }
                        EventName::RecordingDeleted | EventName::RecordingTrashed => {
                            update.removed +=
                                u64::from(index.remove(user, ItemKind::Recording, &uuid).await?);
                        }
                        _ => {}
                    }
                }
                update.users = users.into_iter().collect();
            }
            EventPayload::Deauthorization(d) => {
                let users = self.users_of(Some(&d.user_id)).await?;
                for user in &users {
                    update.removed += index.forget(user).await?;
                }
                update.users = users.into_iter().collect();
            }
            _ => {}
        }
        Ok(update)
    }
}
