#!/usr/bin/env bash
# Benchmarks (release build): the SDK against bare reqwest + serde_json on the emulator, and
# token store throughput (memory, SQLite, PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_TARGET_DIR:-$PWD/target}/release"
cargo build --release -q -p zoom-emulator -p zoom-examples --bin zoom-emulator --bin bench_api --bin bench_store --bin bench_refresh --bin bench_sync
"$bin"/bench_api
echo
"$bin"/bench_store
echo
"$bin"/bench_refresh

echo
"$bin"/bench_sync

echo
cargo run --release -q -p zoom-ffi --example bench_ffi
