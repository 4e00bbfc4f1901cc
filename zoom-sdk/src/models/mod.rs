//! serde models of Zoom's objects. Every model keeps fields it does not know in `extra`, so a
//! field Zoom adds tomorrow survives a read-modify-write, and every enum has an `Unknown`
//! variant, so a value Zoom adds tomorrow breaks nobody.

pub mod meeting;
pub mod page;
pub mod past;
pub mod recording;
pub mod user;
pub mod webinar;

pub use meeting::{
    ApprovalType, Audio, AutoRecording, CreateMeeting, ListMeetingsType, Meeting, MeetingSettings,
    MeetingStatus, MeetingSummary, MeetingType, Recurrence, RecurrenceType, UpdateMeeting,
};
pub use page::{from_zoom_answer, Listed, Page};
pub use past::{Participant, PastInstance, PastInstances};
pub use recording::{MeetingRecording, RecordingFile, RecordingFileType, RecordingStatus};
pub use user::User;
pub use webinar::{CreateWebinar, UpdateWebinar, Webinar, WebinarType};

/// Define an integer-coded Zoom enum with an `Unknown(i64)` fallback.
macro_rules! int_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $n:expr),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $v,)+
            /// A value this SDK version does not know.
            Unknown(i64),
        }

        impl $name {
            /// Zoom's numeric code.
            pub fn code(self) -> i64 {
                match self { $(Self::$v => $n,)+ Self::Unknown(n) => n }
            }
            /// From Zoom's numeric code.
            pub fn from_code(n: i64) -> Self {
                match n { $($n => Self::$v,)+ other => Self::Unknown(other) }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Zoom sends some codes as strings ("2") in places.
                #[derive(serde::Deserialize)]
                #[serde(untagged)]
                enum Raw { N(i64), S(String) }
                match Raw::deserialize(d)? {
                    Raw::N(n) => Ok(Self::from_code(n)),
                    Raw::S(s) => s.trim().parse::<i64>().map(Self::from_code)
                        .map_err(|_| serde::de::Error::custom(format!("not a {} code: {s:?}", stringify!($name)))),
                }
            }
        }
    };
}

/// Define a string-coded Zoom enum with an `Unknown(String)` fallback.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:expr),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $v,)+
            /// A value this SDK version does not know.
            Unknown(String),
        }

        impl $name {
            /// Every value this SDK version knows.
            pub const KNOWN: &'static [$name] = &[$(Self::$v),+];

            /// Zoom's string value.
            pub fn as_str(&self) -> &str {
                match self { $(Self::$v => $s,)+ Self::Unknown(s) => s }
            }

            /// From Zoom's string value (`Unknown` for a value this version does not know).
            pub fn parse(s: &str) -> Self {
                match s { $($s => Self::$v,)+ _ => Self::Unknown(s.to_string()) }
            }

            /// Whether this version knows the value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(match s.as_str() { $($s => Self::$v,)+ _ => Self::Unknown(s) })
            }
        }
    };
}

pub(crate) use int_enum;
pub(crate) use str_enum;
