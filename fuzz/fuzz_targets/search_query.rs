//! Search box text: parsed into terms and rendered for SQLite FTS5 and PostgreSQL
//! websearch, never a panic, and never a query that escapes its quoting.
#![no_main]
use libfuzzer_sys::fuzz_target;
use zoom_sdk::fuzzing::Query;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let q = Query::parse(text);
    let fts = q.to_fts5();
    let web = q.to_websearch();
    // Every double quote in the FTS5 form is part of a quoted term: balanced.
    assert_eq!(fts.matches('"').count() % 2, 0, "unbalanced quotes in {fts:?}");
    assert!(fts.len() <= 64 * 1024 && web.len() <= 64 * 1024, "bounded output");
    let _ = q.is_empty();
});
