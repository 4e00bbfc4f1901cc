#!/usr/bin/env bash
# Benchmarks (release build): the SDK against bare reqwest + serde_json on the emulator, and
# token store throughput (memory, SQLite, PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p zoom-emulator -p zoom-examples --bin zoom-emulator --bin bench_api --bin bench_store --bin bench_refresh
./target/release/bench_api
echo
./target/release/bench_store
echo
./target/release/bench_refresh
