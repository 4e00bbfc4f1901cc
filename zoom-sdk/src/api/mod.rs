//! The REST API by area. Each area is a borrowed view over a [`crate::ZoomSession`]; requests
//! are built here, with their idempotency, and sent through the shared pipeline.

pub mod meetings;
mod pagination;
pub mod recordings;
pub mod users;
pub mod webinars;

pub use meetings::{DeleteMeetingOptions, ListMeetings, MeetingsApi};
pub use recordings::{ListRecordings, MeetingRef, RecordingsApi};
pub use users::UsersApi;
pub use webinars::WebinarsApi;
