#!/usr/bin/env bash
# Every check and test suite of the project: formatting, clippy, and the Rust suites (unit,
# integration against the Zoom emulator on loopback, the quickstart, doc tests). Suites for the
# Python module, the C ABI and the TypeScript skills join here as those parts land.
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

# pyo3 (zoom-py) needs a Python 3 interpreter to build.
if ! command -v python3 >/dev/null; then
  section "installing python3"
  apt-get update -qq && apt-get install -y -qq python3
fi

section "cargo fmt --check"
cargo fmt --all -- --check

section "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

section "cargo test (Rust suites)"
cargo test --workspace
