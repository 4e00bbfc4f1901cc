//! Webinars.

use super::int_enum;
use super::meeting::{zoom_time, Recurrence};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

int_enum! {
    /// A webinar's `type`.
    WebinarType {
        /// 5: a webinar.
        Webinar = 5,
        /// 6: recurring, no fixed time.
        RecurringNoFixedTime = 6,
        /// 9: recurring with a fixed time.
        RecurringFixedTime = 9,
    }
}

/// A webinar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Webinar {
    /// The webinar number: what `/webinars/{webinarId}` takes.
    pub id: u64,
    /// Instance UUID.
    #[serde(default)]
    pub uuid: String,
    /// Host id.
    #[serde(default)]
    pub host_id: String,
    /// Host email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_email: Option<String>,
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Type.
    #[serde(rename = "type")]
    pub webinar_type: WebinarType,
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Agenda.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub created_at: Option<DateTime<Utc>>,
    /// Join URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_url: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of `POST /users/{userId}/webinars`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateWebinar {
    /// Topic (at most 200 characters).
    pub topic: String,
    /// Type.
    #[serde(rename = "type")]
    pub webinar_type: WebinarType,
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Agenda.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Recurrence (types 6 and 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Settings, as Zoom names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Map<String, Value>>,
}

impl CreateWebinar {
    /// A one-off webinar (type 5).
    pub fn scheduled(
        topic: impl Into<String>,
        start: DateTime<Utc>,
        duration_minutes: i64,
    ) -> Self {
        Self {
            topic: topic.into(),
            webinar_type: WebinarType::Webinar,
            start_time: Some(start),
            duration: Some(duration_minutes),
            timezone: None,
            agenda: None,
            recurrence: None,
            settings: None,
        }
    }

    /// Set the agenda.
    pub fn agenda(mut self, v: impl Into<String>) -> Self {
        self.agenda = Some(v.into());
        self
    }

    /// Check what Zoom would refuse, before sending.
    pub fn validate(&self) -> Result<()> {
        if self.topic.chars().count() > 200 {
            return Err(Error::invalid("topic", "at most 200 characters"));
        }
        if self.duration.is_some_and(|d| d <= 0) {
            return Err(Error::invalid(
                "duration",
                "must be a positive number of minutes",
            ));
        }
        if self.webinar_type == WebinarType::RecurringFixedTime && self.recurrence.is_none() {
            return Err(Error::invalid(
                "recurrence",
                "a recurring webinar with a fixed time (type 9) needs a recurrence",
            ));
        }
        Ok(())
    }
}

/// The body of `PATCH /webinars/{webinarId}`: only the fields set change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UpdateWebinar {
    /// Topic (at most 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Start.
    #[serde(skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Agenda.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Settings, as Zoom names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<Map<String, Value>>,
}

impl UpdateWebinar {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }
    /// Change the topic.
    pub fn topic(mut self, v: impl Into<String>) -> Self {
        self.topic = Some(v.into());
        self
    }
    /// Move the start.
    pub fn start_time(mut self, v: DateTime<Utc>) -> Self {
        self.start_time = Some(v);
        self
    }
    /// Change the duration.
    pub fn duration(mut self, minutes: i64) -> Self {
        self.duration = Some(minutes);
        self
    }
    /// Change the agenda.
    pub fn agenda(mut self, v: impl Into<String>) -> Self {
        self.agenda = Some(v.into());
        self
    }

    /// Check what Zoom would refuse, before sending.
    pub fn validate(&self) -> Result<()> {
        if self.topic.as_ref().is_some_and(|t| t.chars().count() > 200) {
            return Err(Error::invalid("topic", "at most 200 characters"));
        }
        if self.duration.is_some_and(|d| d <= 0) {
            return Err(Error::invalid(
                "duration",
                "must be a positive number of minutes",
            ));
        }
        Ok(())
    }
}
