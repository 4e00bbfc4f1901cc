//! The REST API by area. Each area is a borrowed view over a [`crate::ZoomSession`]; requests
//! are built here, with their idempotency, and sent through the shared pipeline.

pub mod meetings;
pub mod users;

pub use meetings::{DeleteMeetingOptions, ListMeetings, MeetingsApi};
pub use users::UsersApi;
