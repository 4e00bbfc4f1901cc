//! Meetings: the full object, the list item, settings, recurrence and the create and update
//! requests.

use super::{int_enum, str_enum};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

int_enum! {
    /// A meeting's `type`.
    MeetingType {
        /// 1: instant.
        Instant = 1,
        /// 2: scheduled.
        Scheduled = 2,
        /// 3: recurring, no fixed time.
        RecurringNoFixedTime = 3,
        /// 4: a personal meeting id (PMI) meeting.
        PersonalMeetingId = 4,
        /// 8: recurring with a fixed time.
        RecurringFixedTime = 8,
        /// 10: screen share only.
        ScreenShareOnly = 10,
    }
}

str_enum! {
    /// A meeting's `status`.
    MeetingStatus {
        /// Not started.
        Waiting = "waiting",
        /// In progress.
        Started = "started",
    }
}

str_enum! {
    /// The `type` filter of `GET /users/{userId}/meetings`.
    ListMeetingsType {
        /// Every valid previous, live and upcoming scheduled meeting (Zoom's default).
        Scheduled = "scheduled",
        /// Ongoing meetings.
        Live = "live",
        /// Upcoming meetings, live ones included.
        Upcoming = "upcoming",
        /// Upcoming meetings, live ones included.
        UpcomingMeetings = "upcoming_meetings",
        /// Previous meetings.
        PreviousMeetings = "previous_meetings",
    }
}

str_enum! {
    /// `settings.auto_recording`: where Zoom records automatically.
    AutoRecording {
        /// On the host's computer.
        Local = "local",
        /// In Zoom's cloud.
        Cloud = "cloud",
        /// Not automatically.
        None = "none",
    }
}

str_enum! {
    /// `settings.audio`: how participants join the audio.
    Audio {
        /// Telephone and computer audio.
        Both = "both",
        /// Telephone only.
        Telephony = "telephony",
        /// Computer audio only.
        Voip = "voip",
        /// A third-party audio conference.
        ThirdParty = "thirdParty",
    }
}

int_enum! {
    /// `settings.approval_type`: registration.
    ApprovalType {
        /// 0: registrants are approved automatically.
        Automatic = 0,
        /// 1: the host approves registrants.
        Manual = 1,
        /// 2: no registration required.
        NoRegistration = 2,
    }
}

int_enum! {
    /// `recurrence.type`.
    RecurrenceType {
        /// 1: daily.
        Daily = 1,
        /// 2: weekly.
        Weekly = 2,
        /// 3: monthly.
        Monthly = 3,
    }
}

/// Zoom's timestamps: RFC 3339 (`2026-11-25T16:00:00Z`), or a local time without offset, which
/// Zoom pairs with `timezone`; the latter is read as UTC.
pub(crate) mod zoom_time {
    use super::*;

    pub fn parse(s: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                    .ok()
                    .map(|n| n.and_utc())
            })
    }

    pub fn format(t: &DateTime<Utc>) -> String {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    pub fn serialize<S: Serializer>(
        t: &Option<DateTime<Utc>>,
        s: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&format(t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> std::result::Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => parse(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("not a Zoom timestamp: {s:?}"))),
        }
    }
}

/// Meeting settings. Only the common ones are typed; the rest stay in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingSettings {
    /// Start with the host's video on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_video: Option<bool>,
    /// Start with participants' video on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_video: Option<bool>,
    /// Let participants join before the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_before_host: Option<bool>,
    /// Mute participants on entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_upon_entry: Option<bool>,
    /// Waiting room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_room: Option<bool>,
    /// Automatic recording: local, cloud or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_recording: Option<AutoRecording>,
    /// Audio options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<Audio>,
    /// Registration approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_type: Option<ApprovalType>,
    /// Only authenticated users may join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_authentication: Option<bool>,
    /// Every other setting, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MeetingSettings {
    /// Empty settings (Zoom's defaults).
    pub fn new() -> Self {
        Self::default()
    }
    /// Set `waiting_room`.
    pub fn waiting_room(mut self, v: bool) -> Self {
        self.waiting_room = Some(v);
        self
    }
    /// Set `join_before_host`.
    pub fn join_before_host(mut self, v: bool) -> Self {
        self.join_before_host = Some(v);
        self
    }
    /// Set `mute_upon_entry`.
    pub fn mute_upon_entry(mut self, v: bool) -> Self {
        self.mute_upon_entry = Some(v);
        self
    }
    /// Set `auto_recording`.
    pub fn auto_recording(mut self, v: AutoRecording) -> Self {
        self.auto_recording = Some(v);
        self
    }
    /// Set `audio`.
    pub fn audio(mut self, v: Audio) -> Self {
        self.audio = Some(v);
        self
    }
    /// Set `approval_type`.
    pub fn approval_type(mut self, v: ApprovalType) -> Self {
        self.approval_type = Some(v);
        self
    }
}

/// A recurring meeting's schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recurrence {
    /// Daily, weekly or monthly.
    #[serde(rename = "type")]
    pub recurrence_type: RecurrenceType,
    /// Every N days, weeks or months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<i64>,
    /// Weekly: days as "1,3,5" (1 = Sunday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_days: Option<String>,
    /// Monthly: day of the month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_day: Option<i64>,
    /// How many occurrences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_times: Option<i64>,
    /// Or until when.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub end_date_time: Option<DateTime<Utc>>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Recurrence {
    /// A schedule of `recurrence_type`, every `interval` days, weeks or months, `times` times.
    pub fn new(recurrence_type: RecurrenceType, interval: i64, times: i64) -> Self {
        Self {
            recurrence_type,
            repeat_interval: Some(interval),
            weekly_days: None,
            monthly_day: None,
            end_times: Some(times),
            end_date_time: None,
            extra: Map::new(),
        }
    }
    /// Every `interval` days, `times` times.
    pub fn daily(interval: i64, times: i64) -> Self {
        Self::new(RecurrenceType::Daily, interval, times)
    }
    /// Every `interval` weeks on `days` (1 = Sunday ... 7 = Saturday), `times` times.
    pub fn weekly(interval: i64, days: &[u8], times: i64) -> Self {
        let mut r = Self::new(RecurrenceType::Weekly, interval, times);
        r.weekly_days = Some(days.iter().map(u8::to_string).collect::<Vec<_>>().join(","));
        r
    }
    /// Every `interval` months on day `day`, `times` times.
    pub fn monthly(interval: i64, day: i64, times: i64) -> Self {
        let mut r = Self::new(RecurrenceType::Monthly, interval, times);
        r.monthly_day = Some(day);
        r
    }
}

/// A meeting as `GET /meetings/{meetingId}` and `POST /users/{userId}/meetings` return it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Meeting {
    /// Meeting number (a 64-bit integer; 10 or 11 digits today).
    pub id: u64,
    /// Unique id of this meeting instance.
    #[serde(default)]
    pub uuid: String,
    /// Host's Zoom user id.
    #[serde(default)]
    pub host_id: String,
    /// Host's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_email: Option<String>,
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Type.
    #[serde(rename = "type")]
    pub meeting_type: MeetingType,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MeetingStatus>,
    /// Start time (absent for recurring meetings without a fixed time).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// Scheduled duration in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Time zone of `start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Agenda.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub created_at: Option<DateTime<Utc>>,
    /// URL for participants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_url: Option<String>,
    /// URL that starts the meeting as host. It carries a host credential (ZAK): give it only
    /// to the host, never log it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_url: Option<String>,
    /// Meeting passcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<MeetingSettings>,
    /// Recurrence, for recurring meetings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Every other field Zoom sent, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A meeting as `GET /users/{userId}/meetings` lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeetingSummary {
    /// The meeting number: what `/meetings/{meetingId}` takes and what people type to join. Up
    /// to 11 digits, beyond JavaScript's safe integers: bindings keep it a 64-bit integer.
    pub id: u64,
    /// Instance UUID.
    #[serde(default)]
    pub uuid: String,
    /// Host's Zoom user id.
    #[serde(default)]
    pub host_id: String,
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Type.
    #[serde(rename = "type")]
    pub meeting_type: MeetingType,
    /// Start time.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// Duration in minutes.
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
    /// URL for participants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_url: Option<String>,
    /// Every other field Zoom sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of `POST /users/{userId}/meetings`. Start from one of the constructors, which
/// make the type and its required fields agree.
///
/// ```
/// use zoom_sdk::models::{CreateMeeting, MeetingSettings};
/// let start = chrono::Utc::now() + chrono::Duration::days(1);
/// let req = CreateMeeting::scheduled("Design review", start, 45)
///     .agenda("Q3 roadmap")
///     .settings(MeetingSettings::new().waiting_room(true));
/// assert!(req.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateMeeting {
    /// Topic (at most 200 characters).
    pub topic: String,
    /// Type.
    #[serde(rename = "type")]
    pub meeting_type: MeetingType,
    /// Start time.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// Duration in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Time zone (IANA name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Agenda (at most 2,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Passcode (at most 10 characters: letters, digits, `@ - _ *`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Schedule on behalf of this user (email or id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_for: Option<String>,
    /// Recurrence (types 3 and 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<MeetingSettings>,
}

impl CreateMeeting {
    fn base(topic: impl Into<String>, t: MeetingType) -> Self {
        Self {
            topic: topic.into(),
            meeting_type: t,
            start_time: None,
            duration: None,
            timezone: None,
            agenda: None,
            password: None,
            schedule_for: None,
            recurrence: None,
            settings: None,
        }
    }

    /// An instant meeting (type 1), starting now.
    pub fn instant(topic: impl Into<String>) -> Self {
        Self::base(topic, MeetingType::Instant)
    }

    /// A scheduled meeting (type 2).
    pub fn scheduled(
        topic: impl Into<String>,
        start: DateTime<Utc>,
        duration_minutes: i64,
    ) -> Self {
        let mut m = Self::base(topic, MeetingType::Scheduled);
        m.start_time = Some(start);
        m.duration = Some(duration_minutes);
        m
    }

    /// A recurring meeting without a fixed time (type 3).
    pub fn recurring_no_fixed_time(topic: impl Into<String>) -> Self {
        Self::base(topic, MeetingType::RecurringNoFixedTime)
    }

    /// A recurring meeting with a fixed time (type 8).
    pub fn recurring(
        topic: impl Into<String>,
        first_start: DateTime<Utc>,
        duration_minutes: i64,
        recurrence: Recurrence,
    ) -> Self {
        let mut m = Self::base(topic, MeetingType::RecurringFixedTime);
        m.start_time = Some(first_start);
        m.duration = Some(duration_minutes);
        m.recurrence = Some(recurrence);
        m
    }

    /// Set the agenda.
    pub fn agenda(mut self, v: impl Into<String>) -> Self {
        self.agenda = Some(v.into());
        self
    }
    /// Set the time zone.
    pub fn timezone(mut self, v: impl Into<String>) -> Self {
        self.timezone = Some(v.into());
        self
    }
    /// Set the passcode.
    pub fn password(mut self, v: impl Into<String>) -> Self {
        self.password = Some(v.into());
        self
    }
    /// Schedule for another user.
    pub fn schedule_for(mut self, v: impl Into<String>) -> Self {
        self.schedule_for = Some(v.into());
        self
    }
    /// Set the settings.
    pub fn settings(mut self, v: MeetingSettings) -> Self {
        self.settings = Some(v);
        self
    }

    /// Check what Zoom would refuse, before sending.
    pub fn validate(&self) -> Result<()> {
        validate_common(
            Some(&self.topic),
            self.duration,
            self.agenda.as_deref(),
            self.password.as_deref(),
        )?;
        if self.meeting_type == MeetingType::Instant && self.schedule_for.is_some() {
            return Err(Error::invalid(
                "schedule_for",
                "instant meetings cannot be scheduled for another user",
            ));
        }
        if self.meeting_type == MeetingType::RecurringFixedTime && self.recurrence.is_none() {
            return Err(Error::invalid(
                "recurrence",
                "a recurring meeting with a fixed time (type 8) needs a recurrence",
            ));
        }
        if !matches!(
            self.meeting_type,
            MeetingType::Instant
                | MeetingType::Scheduled
                | MeetingType::RecurringNoFixedTime
                | MeetingType::RecurringFixedTime
        ) {
            return Err(Error::invalid(
                "type",
                "only types 1, 2, 3 and 8 can be created",
            ));
        }
        Ok(())
    }
}

fn validate_common(
    topic: Option<&str>,
    duration: Option<i64>,
    agenda: Option<&str>,
    password: Option<&str>,
) -> Result<()> {
    if let Some(t) = topic {
        if t.chars().count() > 200 {
            return Err(Error::invalid("topic", "at most 200 characters"));
        }
    }
    if let Some(d) = duration {
        if d <= 0 {
            return Err(Error::invalid(
                "duration",
                "must be a positive number of minutes",
            ));
        }
    }
    if let Some(a) = agenda {
        if a.chars().count() > 2000 {
            return Err(Error::invalid("agenda", "at most 2,000 characters"));
        }
    }
    if let Some(p) = password {
        if p.chars().count() > 10
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "@-_*".contains(c))
        {
            return Err(Error::invalid(
                "password",
                "at most 10 characters: letters, digits and @ - _ *",
            ));
        }
    }
    Ok(())
}

/// The body of `PATCH /meetings/{meetingId}`: only the fields that are set are sent.
///
/// ```
/// use zoom_sdk::models::UpdateMeeting;
/// let patch = UpdateMeeting::new().topic("Renamed").duration(30);
/// assert_eq!(serde_json::to_value(&patch).unwrap(), serde_json::json!({"topic": "Renamed", "duration": 30}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UpdateMeeting {
    /// New topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// New type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub meeting_type: Option<MeetingType>,
    /// New start time.
    #[serde(skip_serializing_if = "Option::is_none", with = "zoom_time")]
    pub start_time: Option<DateTime<Utc>>,
    /// New duration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// New time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// New agenda.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// New passcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// New recurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Settings to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<MeetingSettings>,
}

impl UpdateMeeting {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }
    /// Change the topic.
    pub fn topic(mut self, v: impl Into<String>) -> Self {
        self.topic = Some(v.into());
        self
    }
    /// Change the start time.
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
    /// Change settings.
    pub fn settings(mut self, v: MeetingSettings) -> Self {
        self.settings = Some(v);
        self
    }

    /// Check what Zoom would refuse, before sending.
    pub fn validate(&self) -> Result<()> {
        if self == &Self::default() {
            return Err(Error::invalid("update", "nothing to change"));
        }
        validate_common(
            self.topic.as_deref(),
            self.duration,
            self.agenda.as_deref(),
            self.password.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_enum_values_survive_a_round_trip() {
        let raw = serde_json::json!({
            "id": 85746065432u64, "uuid": "aDYlohsHRtCd4ii1uC2+hA==", "host_id": "h", "topic": "t",
            "type": 99, "status": "paused", "start_time": "2026-11-25T16:00:00Z",
            "brand_new_field": {"nested": [1, 2]},
            "settings": {"waiting_room": true, "future_setting": "x"}
        });
        let m: Meeting = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(m.meeting_type, MeetingType::Unknown(99));
        assert_eq!(m.status, Some(MeetingStatus::Unknown("paused".into())));
        assert_eq!(m.extra["brand_new_field"], raw["brand_new_field"]);
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back, raw);
    }

    #[test]
    fn create_meeting_serialises_zoom_field_names() {
        let start = zoom_time::parse("2026-12-01T09:30:00Z").unwrap();
        let v = serde_json::to_value(CreateMeeting::scheduled("Sync", start, 30).timezone("UTC"))
            .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"topic": "Sync", "type": 2, "start_time": "2026-12-01T09:30:00Z", "duration": 30, "timezone": "UTC"})
        );
    }

    #[test]
    fn create_meeting_validation_catches_what_zoom_refuses() {
        let now = Utc::now();
        assert!(CreateMeeting::scheduled("x".repeat(201), now, 30)
            .validate()
            .is_err());
        assert!(CreateMeeting::scheduled("ok", now, 0).validate().is_err());
        assert!(CreateMeeting::instant("ok")
            .schedule_for("a@b.c")
            .validate()
            .is_err());
        assert!(CreateMeeting::instant("ok")
            .password("has space")
            .validate()
            .is_err());
        assert!(UpdateMeeting::new().validate().is_err());
    }

    #[test]
    fn meeting_ids_beyond_32_bits_decode() {
        let s: MeetingSummary =
            serde_json::from_str(r#"{"id": 98765432109, "type": "2"}"#).unwrap();
        assert_eq!(s.id, 98_765_432_109);
        assert_eq!(s.meeting_type, MeetingType::Scheduled);
    }
}

#[cfg(test)]
mod json_input_tests {
    use super::*;

    #[test]
    fn requests_come_from_json_as_bindings_send_them() {
        let c: CreateMeeting = serde_json::from_value(serde_json::json!({
            "topic": "From Python", "type": 2, "start_time": "2026-12-01T09:00:00Z", "duration": 30,
            "settings": {"waiting_room": true}
        }))
        .unwrap();
        assert_eq!(c.meeting_type, MeetingType::Scheduled);
        assert!(c.validate().is_ok());
        let u: UpdateMeeting = serde_json::from_value(serde_json::json!({"topic": "x"})).unwrap();
        assert_eq!(u.topic.as_deref(), Some("x"));
        let q: crate::api::ListMeetings =
            serde_json::from_value(serde_json::json!({"type": "upcoming", "page_size": 50}))
                .unwrap();
        assert_eq!(q.meeting_type, Some(ListMeetingsType::Upcoming));
        let r: crate::api::MeetingRef =
            serde_json::from_value(serde_json::json!("/abc//d==")).unwrap();
        assert_eq!(r, crate::api::MeetingRef::Uuid("/abc//d==".into()));
        let r: crate::api::MeetingRef =
            serde_json::from_value(serde_json::json!(85746065432u64)).unwrap();
        assert_eq!(r, crate::api::MeetingRef::Id(85746065432));
        let bad = serde_json::from_value::<CreateMeeting>(serde_json::json!({"type": 2}));
        assert!(bad.is_err(), "a topic is required");
    }
}
