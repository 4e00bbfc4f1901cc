#!/usr/bin/env bash
# The peer benchmark (benchmarks/peers.py): builds the emulator and the Rust and C ABI clients
# in release, installs zoom_sdk (release wheel), zoomus and requests into .venv-bench and
# @zoom/rivet from npm, then measures everything against one emulator and writes
# docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-bench
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip >/dev/null
"$venv/bin/pip" install -q zoomus requests
"$venv/bin/pip" install -q ./zoom-py
cargo build --release -q -p zoom-emulator --bin zoom-emulator -p zoom-examples --bin bench_peer
cargo build --release -q -p zoom-ffi --example bench_peer_ffi
(cd benchmarks/rivet && npm install --no-audit --no-fund --loglevel=error)
"$venv/bin/python" benchmarks/peers.py
