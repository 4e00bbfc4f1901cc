#!/usr/bin/env bash
# The Python benchmark (benchmarks/python_bench.py): zoom_sdk built in release and installed
# with pip into .venv-bench beside zoomus and requests from PyPI, the emulator and the Rust
# SDK's point benchmark in release, all against one emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-bench
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip >/dev/null
"$venv/bin/pip" install -q zoomus requests
"$venv/bin/pip" install -q ./zoom-py
cargo build --release -q -p zoom-emulator --bin zoom-emulator -p zoom-examples --bin bench_point
"$venv/bin/python" benchmarks/python_bench.py
