//! Zoom's answers, decoded into every model and listing page: an error or a value, never a
//! panic, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use zoom_sdk::models::*;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Meeting>(data);
    let _ = serde_json::from_slice::<MeetingSummary>(data);
    let _ = serde_json::from_slice::<User>(data);
    let _ = serde_json::from_slice::<Webinar>(data);
    let _ = serde_json::from_slice::<MeetingRecording>(data);
    let _ = serde_json::from_slice::<RecordingFile>(data);
    let _ = from_zoom_answer::<MeetingSummary>(data);
    let _ = from_zoom_answer::<MeetingRecording>(data);
    let _ = from_zoom_answer::<Webinar>(data);
    let _ = from_zoom_answer::<User>(data);
    let _ = from_zoom_answer::<Participant>(data);
    // What decodes re-encodes.
    if let Ok(m) = serde_json::from_slice::<Meeting>(data) {
        let _ = serde_json::to_vec(&m).expect("a decoded meeting encodes");
    }
});
