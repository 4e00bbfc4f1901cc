#!/usr/bin/env bash
# The desktop skills (examples/desktop-skills): compiled by tsc (strict) and tested with
# node --test against the example Flask app (examples/flask_app) running on the emulator, then
# the browser test in Debian's Chromium (playwright-core), which leaves screenshots in
# examples/desktop-skills/artifacts/browser/. Installs Node.js, npm and Chromium with apt-get
# when missing. Needs the Python venv of scripts/test-python.sh (zoom_sdk and Flask); runs
# after it in scripts/test-all.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

section() { printf '\n==> %s\n' "$*"; }

missing=""
command -v node >/dev/null || missing="$missing nodejs"
command -v npm >/dev/null || missing="$missing npm"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="$missing chromium"
if [ -n "$missing" ]; then
  section "installing$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

venv="$CARGO_TARGET_DIR/py-venv"
if ! "$venv/bin/python" -c "import zoom_sdk.flask" 2>/dev/null; then
  echo "no zoom_sdk with Flask in $venv: run scripts/test-python.sh first" >&2
  exit 1
fi
export ZOOM_TEST_PYTHON="$venv/bin/python"
cargo build -q -p zoom-emulator --bin zoom-emulator
export ZOOM_EMULATOR_BIN="$CARGO_TARGET_DIR/debug/zoom-emulator"
# In CI the browser test must run, never skip.
if [ -n "${CI:-}" ]; then export ZOOM_REQUIRE_BROWSER=1; fi

cd examples/desktop-skills
section "npm ci (typescript, @types/node, playwright-core)"
npm ci --no-audit --no-fund --loglevel=error

section "tsc (strict)"
rm -rf build
npx tsc -p .

section "node --test: the skills against the example app, and the browser test"
log="$(mktemp)"
set +e
node --test build/test/skills.test.js build/test/browser.test.js 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
pass=$(awk '/^# pass/ {print $3}' "$log" | tail -1)
fail=$(awk '/^# fail/ {print $3}' "$log" | tail -1)
skip=$(awk '/^# skipped/ {print $3}' "$log" | tail -1)
echo "==> TypeScript: ${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped (screenshots: $PWD/artifacts/browser)"
rm -f "$log"
exit "$status"
