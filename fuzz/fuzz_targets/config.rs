//! Configuration from the environment: any `KEY=VALUE` lines give a configuration or a
//! configuration error naming a variable, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

const NAMES: &[&str] = zoom_sdk::config::ENV_VARIABLES;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut vars: HashMap<String, String> = HashMap::new();
    for line in text.lines() {
        let (k, v) = line.split_once('=').unwrap_or((line, ""));
        // Short names stand for the SDK's variables, so the fuzzer reaches them all.
        let key = match k.parse::<usize>() {
            Ok(i) => NAMES[i % NAMES.len()].to_string(),
            Err(_) => k.to_string(),
        };
        vars.insert(key, v.to_string());
    }
    let lookup = |k: &str| vars.get(k).cloned();
    if let Err(e) = zoom_sdk::ZoomConfig::from_lookup(lookup) {
        assert!(!e.to_string().is_empty());
    }
    let _ = zoom_sdk::store::StoreSpec::from_lookup(lookup);
    let _ = zoom_sdk::store::TokenEncryption::from_lookup(lookup);
});
