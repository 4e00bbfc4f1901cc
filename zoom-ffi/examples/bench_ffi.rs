//! The cost the C ABI adds to a call: the same calls made through the exported functions (as C
//! makes them: C strings in, a JSON string out, freed) and directly in Rust (blocking on a
//! runtime, as a C caller's thread does), in one run. Target: under 2 µs added per call.
//!
//! `cargo run --release -p zoom-ffi --example bench_ffi` (also in `scripts/bench.sh`).

use std::ffi::{c_char, CString};
use std::ptr::{null, null_mut};
use std::time::Instant;
use zoom_sdk::integration::{Integration, LocalIndex, SearchFilters};
use zoom_sdk::{ZoomClient, ZoomConfig};
use zoom_sdk_ffi::*;

const N: u32 = 20_000;

fn per_call(f: impl FnMut()) -> f64 {
    let mut f = f;
    for _ in 0..1_000 {
        f();
    }
    let t = Instant::now();
    for _ in 0..N {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / f64::from(N)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let json = CString::new(
        r#"{"client_id": "bench", "client_secret": "bench-secret", "account_id": "acct", "api_base_url": "http://127.0.0.1:9", "oauth_base_url": "http://127.0.0.1:9", "token_store": "memory", "index": "memory"}"#,
    )?;
    let mut client: *mut ZoomClientHandle = null_mut();
    // SAFETY: valid arguments, as a C caller passes them.
    let r = unsafe { zoom_client_new_from_json(json.as_ptr(), &mut client) };
    assert_eq!(r, ZoomResult::Ok);
    let user = CString::new("bench-user")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let config = ZoomConfig::builder()
        .client_id("bench")
        .client_secret("bench-secret")
        .account_id("acct")
        .api_base_url("http://127.0.0.1:9")
        .oauth_base_url("http://127.0.0.1:9")
        .build()?;
    let rust = rt.block_on(async {
        let index = LocalIndex::open_memory().await?;
        Ok::<_, zoom_sdk::Error>(Integration::new(ZoomClient::new(config)?).with_index(index))
    })?;
    let filters = SearchFilters::new();

    println!("per-call cost, {N} calls each (release build)");
    for (label, query) in [
        ("search, no words (no database query)", "*"),
        ("search, one word (SQLite in memory)", "budget"),
    ] {
        let q = CString::new(query)?;
        let c_cost = per_call(|| {
            let mut out: *mut c_char = null_mut();
            // SAFETY: valid arguments; the result is freed below.
            let r = unsafe {
                zoom_integration_search(client, user.as_ptr(), q.as_ptr(), null(), &mut out)
            };
            assert_eq!(r, ZoomResult::Ok);
            // SAFETY: a string from the library, freed once.
            unsafe { zoom_string_free(out) };
        });
        let rust_cost = per_call(|| {
            let page = rt
                .block_on(rust.search("bench-user", query, &filters))
                .expect("search");
            // What a Rust caller would do with it: read it (the C caller gets JSON).
            std::hint::black_box(page);
        });
        println!(
            "  {label:<40} C ABI {c_cost:>7.2} µs   Rust {rust_cost:>7.2} µs   added {:>6.2} µs ({:.2}x)",
            c_cost - rust_cost,
            c_cost / rust_cost
        );
    }
    let bad = per_call(|| {
        let mut out: *mut c_char = null_mut();
        // SAFETY: a NULL client on purpose.
        let r = unsafe { zoom_integration_search(null(), user.as_ptr(), null(), null(), &mut out) };
        assert_eq!(r, ZoomResult::NullArgument);
    });
    println!(
        "  {:<40} C ABI {bad:>7.2} µs (the guard, the check and the error message)",
        "a refused call (NULL client)"
    );
    // SAFETY: the client from above, freed once.
    unsafe { zoom_client_free(client) };
    Ok(())
}
