#!/usr/bin/env bash
# The fuzz targets (fuzz/fuzz_targets: API JSON into every model, webhook verification and
# parsing, the bindings' JSON, configuration, search queries), each for SECONDS (default 10) on
# a scratch corpus seeded from fuzz/seeds/TARGET. A crash, a hang (-timeout) or a runaway
# allocation (-rss_limit_mb, -malloc_limit_mb) fails the run and leaves the input in
# fuzz/artifacts/TARGET/; turn it into a regression test. A longer run: bash scripts/fuzz.sh 600
#
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets this machine's stable toolchain take
# them. cargo-fuzz is installed from crates.io when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
fuzz_target_dir="$CARGO_TARGET_DIR/fuzz"
export RUSTC_BOOTSTRAP=1

section() { printf '\n==> %s\n' "$*"; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  section "installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi

section "cargo fuzz build (release, with sanitizers)"
(cd fuzz && CARGO_TARGET_DIR="$fuzz_target_dir" cargo fuzz build -O)

total=0
for target in $(cd fuzz && cargo fuzz list); do
  scratch="$(mktemp -d)"
  mkdir -p "fuzz/artifacts/$target"
  log="$(mktemp)"
  set +e
  (cd fuzz && CARGO_TARGET_DIR="$fuzz_target_dir" cargo fuzz run -O "$target" "$scratch" "seeds/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="artifacts/$target/") >"$log" 2>&1
  status=$?
  set -e
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
  corpus=$(ls "$scratch" | wc -l)
  printf '    %-14s %8s executions in %ss, corpus %s inputs, exit %s\n' "$target" "${runs:-?}" "$seconds" "$corpus" "$status"
  if [ "$status" -ne 0 ]; then
    tail -40 "$log"
    echo "fuzz target $target failed: the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  total=$((total + ${runs:-0}))
  rm -rf "$scratch" "$log"
done
echo "==> Fuzz: $(cd fuzz && cargo fuzz list | wc -l) targets, $total executions, nothing found"
