#!/usr/bin/env bash
# Every check and test suite of the project: formatting, clippy, and the Rust suites (unit,
# integration against the Zoom emulator on loopback, SQLite and PostgreSQL stores, processes
# racing on one store, compatibility with the Python backend's table, the quickstart, doc
# tests, the C ABI's header and bad-input tests), then the C example built with pkg-config
# and run against the emulator under valgrind, then the Python module (scripts/test-python.sh:
# a fresh venv, pip install ./zoom-py, mypy --strict, stubtest, pytest, the Flask blueprints and
# the setup guide's commands), then the TypeScript desktop skills against the example Flask app
# and the browser test in Chromium (scripts/test-typescript.sh), then every fuzz target for a
# few seconds on its seed corpus (scripts/fuzz.sh).
#
# It installs what it needs on a fresh machine and uses one shared cargo target directory.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"

section() { printf '\n==> %s\n' "$*"; }

need_cargo_component() {
  # rustfmt and clippy ship with the toolchain on our machines; try rustup when missing.
  if ! cargo "$1" --version >/dev/null 2>&1; then
    section "installing the $2 component"
    rustup component add "$2"
  fi
}

command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
need_cargo_component fmt rustfmt
need_cargo_component clippy clippy

# pyo3 (zoom-py) needs a Python 3 interpreter; the compatibility tests with the Python backend
# need `cryptography` (Fernet), kept in the project's .venv.
if ! command -v python3 >/dev/null; then
  section "installing python3"
  apt-get update -qq && apt-get install -y -qq python3 python3-venv
fi
# The emulator's command-line test drives it with curl.
if ! command -v curl >/dev/null; then
  section "installing curl"
  apt-get update -qq && apt-get install -y -qq curl
fi
# The C ABI's tests and example: a C and a C++ compiler, pkg-config, valgrind.
missing=""
for tool in cc:gcc c++:g++ make:make pkg-config:pkg-config valgrind:valgrind; do
  command -v "${tool%%:*}" >/dev/null || missing="$missing ${tool##*:}"
done
if [ -n "$missing" ]; then
  section "installing$missing"
  apt-get update -qq && apt-get install -y -qq $missing
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import cryptography" 2>/dev/null; then
  section "creating .venv with cryptography"
  python3 -m venv .venv || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv .venv; }
  .venv/bin/pip install -q --disable-pip-version-check cryptography
fi
export ZOOM_TEST_PYTHON="$PWD/.venv/bin/python"

# PostgreSQL for the store tests (127.0.0.1:5432, database `test`, or ZOOM_TEST_POSTGRES_URL).
# Start the local cluster if it is installed but down. With ZOOM_SDK_REQUIRE_POSTGRES=1 (CI)
# the PostgreSQL tests fail when no server answers; otherwise they skip loudly.
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    section "starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  else
    section "no PostgreSQL on 127.0.0.1:5432: PostgreSQL tests will skip (or fail under ZOOM_SDK_REQUIRE_POSTGRES=1)"
  fi
fi

# Redis for the shared rate budget test (127.0.0.1:6379, or ZOOM_TEST_REDIS_URL): started when
# installed but down; with ZOOM_SDK_REQUIRE_REDIS=1 (CI) the test fails without it, otherwise
# it skips loudly.
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  if command -v redis-server >/dev/null; then
    section "starting redis-server"
    redis-server --daemonize yes --save "" --appendonly no >/dev/null || true
  else
    section "no Redis on 127.0.0.1:6379: the shared rate budget test will skip (or fail under ZOOM_SDK_REQUIRE_REDIS=1)"
  fi
fi

section "cargo fmt --check"
cargo fmt --all -- --check

section "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

section "cargo doc (broken or private links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet -p zoom-sdk -p zoom-emulator -p zoom-ffi

# cargo test with a line per suite (cargo prints each binary's result) and a total.
rust_tests() {
  local label="$1"; shift
  local log
  log="$(mktemp)"
  set +e
  cargo test "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  awk -v label="$label" '/^     Running|^   Doc-tests/ {name=$2} /^test result:/ {p+=$4; f+=$6; i+=$8; printf "    %-60s %5d passed %3d failed %3d ignored\n", name, $4, $6, $8} END {printf "==> %s: %d passed, %d failed, %d ignored\n", label, p, f, i}' "$log"
  # The proof suites' own counts (seed, operations, refreshes, 429s).
  grep -E '^(fault suite \(|.*processes x .* users ->|.*processes x .* calls at|a daily limit met)' "$log" | sed 's/^/    /' || true
  rm -f "$log"
  return "$status"
}

section "cargo test (Rust suites)"
# Scratch files of earlier runs (the verification tests keep SQLite files outside /tmp).
rm -rf /var/tmp/zoom-sdk-tests
rust_tests "Rust" --workspace --exclude zoom-multiprocess-tests -- --skip seeded_faults_lose_nothing

section "fault-injection, multi-process and shared-budget suites (seeds and counts printed)"
rust_tests "Rust fault suite" -p zoom-sdk --test fault_suite -- --nocapture
rust_tests "Rust multi-process suites" -p zoom-multiprocess-tests -- --nocapture

section "C example against the emulator, under valgrind"
bash examples/c/run.sh

section "Python module (fresh venv, pip install ./zoom-py, mypy, stubtest, pytest)"
bash scripts/test-python.sh

section "TypeScript desktop skills and the browser test (tsc strict, node --test, Chromium)"
bash scripts/test-typescript.sh

section "fuzz targets, 10 s each on the seed corpus (scripts/fuzz.sh; longer: bash scripts/fuzz.sh 600)"
bash scripts/fuzz.sh "${ZOOM_FUZZ_SECONDS:-10}"
