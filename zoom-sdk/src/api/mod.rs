//! The REST API by area. Each area is a borrowed view over a [`crate::ZoomSession`]; requests
//! are built here, with their idempotency, and sent through the shared pipeline.

pub mod download;
pub mod meetings;
mod pagination;
pub mod raw;
pub mod recordings;
pub mod users;
pub mod webinars;

pub use download::{DownloadAuth, DownloadProgress, DownloadReport};
pub use meetings::{
    DeleteMeetingOptions, ListMeetings, ListParticipants, MeetingAction, MeetingsApi,
};
pub(crate) use pagination::page_query;
pub use pagination::PageQuery;
pub use raw::RawRequest;
pub use recordings::{ListRecordings, MeetingRef, RecordingDeleteAction, RecordingsApi};
pub use users::{ListUsers, UserStatus, UsersApi};
pub use webinars::{DeleteWebinarOptions, ListWebinars, WebinarsApi};
