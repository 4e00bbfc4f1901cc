//! The skills: what a desktop assistant calls, keyed by the application's user id. Each skill
//! loads the user's grant, refreshes it when needed and returns typed results. A user who never
//! connected gets [`Error::NotConnected`], and one whose grant Zoom refused gets
//! [`Error::ReauthorizationRequired`]; both carry the URL to connect, made by
//! [`Integration::add`].
//!
//! [`Skills::schedule_meeting`] takes a start as an instant or as a local time in an IANA time
//! zone (resolved with the `chrono-tz` database), and says in plain words what is wrong: a start
//! in the past, a zero duration, an unknown zone, a local time that does not exist because the
//! clocks skip it (a daylight-saving gap).

use crate::api::{ListMeetings, ListRecordings};
use crate::error::{Error, Result};
use crate::integration::Integration;
use crate::models::{
    CreateMeeting, ListMeetingsType, Meeting, MeetingRecording, MeetingSummary, Recurrence, User,
};
use crate::ZoomSession;
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

/// The skills of one application.
///
/// ```no_run
/// # async fn demo(client: zoom_sdk::ZoomClient) -> zoom_sdk::Result<()> {
/// use zoom_sdk::integration::Integration;
/// use zoom_sdk::skills::{MeetingStart, ScheduleMeeting, Skills};
/// let skills = Skills::new(Integration::new(client));
/// let start = MeetingStart::local("2026-12-01T10:00:00".parse().unwrap(), "Europe/Paris");
/// let m = skills
///     .schedule_meeting("42", &ScheduleMeeting::new("Planning", start, 30))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Skills {
    integration: Integration,
}

/// The longest meeting the scheduling skill accepts, in minutes (a day; the backend's old
/// scheduling API had the same bound).
pub const MAX_DURATION_MINUTES: i64 = 1440;

/// When a meeting starts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MeetingStart {
    /// An instant (`{"at": "2026-12-01T09:00:00Z"}`).
    At(DateTime<Utc>),
    /// A wall-clock time in an IANA time zone (`{"local": {"time": "2026-12-01T10:00:00",
    /// "time_zone": "Europe/Paris"}}`).
    Local {
        /// The local date and time.
        time: NaiveDateTime,
        /// The IANA zone name.
        time_zone: String,
    },
}

impl MeetingStart {
    /// A local time in an IANA zone.
    pub fn local(time: NaiveDateTime, time_zone: impl Into<String>) -> Self {
        Self::Local {
            time,
            time_zone: time_zone.into(),
        }
    }

    /// The instant, and the zone to show it in. A local time that falls twice (when the clocks
    /// go back) is the first of the two.
    pub fn resolve(&self) -> Result<(DateTime<Utc>, Option<String>)> {
        match self {
            Self::At(t) => Ok((*t, None)),
            Self::Local { time, time_zone } => {
                let tz: chrono_tz::Tz = time_zone.trim().parse().map_err(|_| {
                    Error::invalid(
                        "time_zone",
                        format!("{time_zone:?} is not a time zone: use an IANA name such as Europe/Paris or America/New_York"),
                    )
                })?;
                match tz.from_local_datetime(time) {
                    LocalResult::Single(t) => Ok((t.with_timezone(&Utc), Some(tz.name().to_string()))),
                    LocalResult::Ambiguous(first, _) => {
                        Ok((first.with_timezone(&Utc), Some(tz.name().to_string())))
                    }
                    LocalResult::None => Err(Error::invalid(
                        "start",
                        format!(
                            "{} does not exist in {}: the clocks skip that time (daylight saving); choose a time outside the gap",
                            time.format("%Y-%m-%d %H:%M"),
                            tz.name()
                        ),
                    )),
                }
            }
        }
    }
}

/// What [`Skills::schedule_meeting`] takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScheduleMeeting {
    /// The topic.
    pub topic: String,
    /// When it starts.
    pub start: MeetingStart,
    /// How long, in minutes.
    pub duration_minutes: i64,
    /// An agenda.
    #[serde(default)]
    pub agenda: Option<String>,
    /// A passcode (at most 10 characters: letters, digits, `@ - _ *`).
    #[serde(default)]
    pub passcode: Option<String>,
    /// A recurrence, for a recurring meeting with a fixed time.
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

impl ScheduleMeeting {
    /// A meeting of `duration_minutes` about `topic`, starting at `start`.
    pub fn new(topic: impl Into<String>, start: MeetingStart, duration_minutes: i64) -> Self {
        Self {
            topic: topic.into(),
            start,
            duration_minutes,
            agenda: None,
            passcode: None,
            recurrence: None,
        }
    }
    /// With an agenda.
    pub fn agenda(mut self, v: impl Into<String>) -> Self {
        self.agenda = Some(v.into());
        self
    }
    /// With a passcode.
    pub fn passcode(mut self, v: impl Into<String>) -> Self {
        self.passcode = Some(v.into());
        self
    }
    /// Recurring.
    pub fn recurrence(mut self, r: Recurrence) -> Self {
        self.recurrence = Some(r);
        self
    }

    /// The request Zoom gets, or what is wrong, in plain words (checked against `now`).
    pub fn to_request(&self, now: DateTime<Utc>) -> Result<CreateMeeting> {
        if self.topic.trim().is_empty() {
            return Err(Error::invalid("topic", "a meeting needs a topic"));
        }
        if self.duration_minutes <= 0 {
            return Err(Error::invalid(
                "duration",
                "a meeting lasts at least one minute",
            ));
        }
        if self.duration_minutes > MAX_DURATION_MINUTES {
            return Err(Error::invalid(
                "duration",
                "a scheduled meeting lasts at most 1440 minutes (24 hours)",
            ));
        }
        let (start, zone) = self.start.resolve()?;
        if start <= now {
            return Err(Error::invalid(
                "start",
                format!("{} is in the past", start.format("%Y-%m-%d %H:%M UTC")),
            ));
        }
        let mut m = match &self.recurrence {
            Some(r) => {
                CreateMeeting::recurring(&self.topic, start, self.duration_minutes, r.clone())
            }
            None => CreateMeeting::scheduled(&self.topic, start, self.duration_minutes),
        };
        m.timezone = zone;
        m.agenda = self.agenda.clone();
        m.password = self.passcode.clone();
        m.validate()?;
        Ok(m)
    }
}

/// Which meetings [`Skills::list_meetings`] returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ListMeetingsOptions {
    /// Which meetings (default: upcoming).
    pub kind: Option<ListMeetingsType>,
    /// At most this many (default 100).
    pub limit: Option<usize>,
}

/// The days [`Skills::get_recordings`] covers (any range; split into Zoom's month windows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordingRange {
    /// First day (UTC).
    pub from: NaiveDate,
    /// Last day (UTC).
    pub to: NaiveDate,
}

impl RecordingRange {
    /// From `from` to `to`, inclusive.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Self { from, to }
    }
}

impl Skills {
    /// The skills over an integration (and its client).
    pub fn new(integration: Integration) -> Self {
        Self { integration }
    }

    async fn session(&self, user_id: &str) -> Result<ZoomSession> {
        Ok(self.integration.session_of(user_id).await?.0)
    }

    async fn with_url<T>(&self, user_id: &str, r: Result<T>) -> Result<T> {
        self.integration.with_connect_url(user_id, r).await
    }

    /// The user's meetings (upcoming unless said otherwise), at most `limit`.
    pub async fn list_meetings(
        &self,
        user_id: &str,
        options: &ListMeetingsOptions,
    ) -> Result<Vec<MeetingSummary>> {
        let s = self.session(user_id).await?;
        let q = ListMeetings::new()
            .meeting_type(options.kind.clone().unwrap_or(ListMeetingsType::Upcoming))
            .page_size(300);
        let limit = options.limit.unwrap_or(100);
        let r = s
            .meetings()
            .list_all("me", q)
            .take(limit)
            .try_collect()
            .await;
        self.with_url(user_id, r).await
    }

    /// Create a meeting as given.
    pub async fn create_meeting(&self, user_id: &str, meeting: &CreateMeeting) -> Result<Meeting> {
        let s = self.session(user_id).await?;
        let r = s.meetings().create("me", meeting).await;
        self.with_url(user_id, r).await
    }

    /// Schedule a meeting from a start, a duration and a topic, checked first.
    pub async fn schedule_meeting(
        &self,
        user_id: &str,
        schedule: &ScheduleMeeting,
    ) -> Result<Meeting> {
        let request = schedule.to_request(Utc::now())?;
        self.create_meeting(user_id, &request).await
    }

    /// The user's cloud recordings over any range.
    pub async fn get_recordings(
        &self,
        user_id: &str,
        range: &RecordingRange,
    ) -> Result<Vec<MeetingRecording>> {
        let s = self.session(user_id).await?;
        let r = s
            .recordings()
            .list_all("me", ListRecordings::new(range.from, range.to))
            .try_collect()
            .await;
        self.with_url(user_id, r).await
    }

    /// The user's Zoom profile.
    pub async fn get_user_profile(&self, user_id: &str) -> Result<User> {
        let s = self.session(user_id).await?;
        let r = s.users().me().await;
        self.with_url(user_id, r).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }
    fn field(e: Error) -> String {
        match e {
            Error::InvalidInput { field, message } => format!("{field}: {message}"),
            other => panic!("{other:?}"),
        }
    }
    const NOW: &str = "2027-01-10T12:00:00Z";

    #[test]
    fn a_local_time_in_a_zone_becomes_the_right_instant_across_daylight_saving() {
        let winter = ScheduleMeeting::new(
            "x",
            MeetingStart::local(local("2027-02-01T10:00"), "Europe/Paris"),
            30,
        );
        let summer = ScheduleMeeting::new(
            "x",
            MeetingStart::local(local("2027-07-01T10:00"), "Europe/Paris"),
            30,
        );
        let w = winter.to_request(at(NOW)).unwrap();
        let s = summer.to_request(at(NOW)).unwrap();
        assert_eq!(
            w.start_time,
            Some(at("2027-02-01T09:00:00Z")),
            "UTC+1 in winter"
        );
        assert_eq!(
            s.start_time,
            Some(at("2027-07-01T08:00:00Z")),
            "UTC+2 in summer"
        );
        assert_eq!(w.timezone.as_deref(), Some("Europe/Paris"));
        // The hour the clocks go back happens twice: the first is taken.
        let twice = ScheduleMeeting::new(
            "x",
            MeetingStart::local(local("2027-10-31T02:30"), "Europe/Paris"),
            30,
        );
        assert_eq!(
            twice.to_request(at(NOW)).unwrap().start_time,
            Some(at("2027-10-31T00:30:00Z"))
        );
    }

    #[test]
    fn what_is_wrong_is_said_in_plain_words() {
        let gap = ScheduleMeeting::new(
            "x",
            MeetingStart::local(local("2027-03-28T02:30"), "Europe/Paris"),
            30,
        );
        let e = field(gap.to_request(at(NOW)).unwrap_err());
        assert!(
            e.starts_with("start:")
                && e.contains("does not exist")
                && e.contains("daylight saving"),
            "{e}"
        );
        let zone = ScheduleMeeting::new(
            "x",
            MeetingStart::local(local("2027-03-01T10:00"), "Mars/Olympus"),
            30,
        );
        assert!(field(zone.to_request(at(NOW)).unwrap_err()).starts_with("time_zone:"));
        let past = ScheduleMeeting::new("x", MeetingStart::At(at("2027-01-09T12:00:00Z")), 30);
        assert!(field(past.to_request(at(NOW)).unwrap_err()).contains("in the past"));
        let zero = ScheduleMeeting::new("x", MeetingStart::At(at("2027-02-09T12:00:00Z")), 0);
        assert!(field(zero.to_request(at(NOW)).unwrap_err()).starts_with("duration:"));
        let topic = ScheduleMeeting::new(" ", MeetingStart::At(at("2027-02-09T12:00:00Z")), 30);
        assert!(field(topic.to_request(at(NOW)).unwrap_err()).starts_with("topic:"));
        let pass = ScheduleMeeting::new("x", MeetingStart::At(at("2027-02-09T12:00:00Z")), 30)
            .passcode("far too long a passcode");
        assert!(pass.to_request(at(NOW)).is_err());
    }

    #[test]
    fn a_schedule_reads_from_json_as_an_assistant_sends_it() {
        let s: ScheduleMeeting = serde_json::from_str(
            r#"{"topic": "Sync", "start": {"local": {"time": "2027-02-01T10:00:00", "time_zone": "America/New_York"}}, "duration_minutes": 45, "agenda": "Q1"}"#,
        )
        .unwrap();
        let m = s.to_request(at(NOW)).unwrap();
        assert_eq!(m.start_time, Some(at("2027-02-01T15:00:00Z")));
        assert_eq!(m.agenda.as_deref(), Some("Q1"));
    }
}
