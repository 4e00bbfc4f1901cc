#!/usr/bin/env bash
# The Python module's checks, as a user gets it: a fresh venv, `pip install ./zoom-py` (maturin
# from PyPI builds the abi3 wheel in release), then mypy --strict on the package, its tests and
# the example, stubtest of the stubs against the built module, the pytest suite against the
# emulator process, and the example run. Called by scripts/test-all.sh; runs alone too.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

section() { printf '\n==> %s\n' "$*"; }

venv="$CARGO_TARGET_DIR/py-venv"
section "fresh venv $venv: pip install ./zoom-py (release build of the native module)"
rm -rf "$venv"
python3 -m venv "$venv" || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv "$venv"; }
"$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install -q --disable-pip-version-check ./zoom-py
"$venv/bin/pip" install -q --disable-pip-version-check pytest mypy typing_extensions flask "psycopg[binary]" cryptography

cargo build -q -p zoom-emulator --bin zoom-emulator
export ZOOM_EMULATOR_BIN="$CARGO_TARGET_DIR/debug/zoom-emulator"

section "mypy --strict (package, tests, example)"
"$venv/bin/mypy" --strict zoom-py/python/zoom_sdk
"$venv/bin/mypy" --strict zoom-py/tests examples/python examples/flask_app

section "stubtest (the stubs against the built module)"
(cd "$CARGO_TARGET_DIR" && "$venv/bin/python" -m mypy.stubtest zoom_sdk)

section "pytest (against the emulator process)"
log="$(mktemp)"
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider zoom-py/tests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "==> Python: $(grep -E '^[0-9]+ (passed|failed)' "$log" | tail -1)"
rm -f "$log"
[ "$status" -eq 0 ] || exit "$status"

section "Python quickstart against the emulator"
"$venv/bin/python" examples/python/quickstart.py
