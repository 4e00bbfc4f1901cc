//! The JSON the C ABI and the Python module hand to the core: settings objects and sync
//! options. Any JSON is a value or an InvalidInput error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use zoom_sdk::bindings::{Service, SyncRequest};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let serde_json::Value::Object(map) = &value {
        if let Ok(vars) = Service::vars_from_json(map) {
            let lookup = |k: &str| vars.get(k).cloned();
            let _ = zoom_sdk::ZoomConfig::from_lookup(lookup);
            let _ = zoom_sdk::store::StoreSpec::from_lookup(lookup);
        }
    }
    if let Ok(req) = serde_json::from_value::<SyncRequest>(value) {
        let _ = req.into_options();
    }
});
