#!/usr/bin/env bash
# Build the C example against the installed library (scripts/install-c.sh, debug build, into a
# scratch prefix), start the emulator as a process, connect a user the way a browser would
# (curl follows nothing: it reads the redirect), and run the example under valgrind: any leak
# or invalid access fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
work="$(mktemp -d)"
trap 'kill "${emu_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

PROFILE=debug bash scripts/install-c.sh "$work/prefix" >/dev/null
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
make -s -C examples/c OUT="$work"
cc -std=c11 -Wall -Wextra -Werror -pedantic examples/c/example.c -o "$work/example-static" \
  $(pkg-config --cflags zoom_sdk) "$work/prefix/lib/libzoom_sdk.a" $(pkg-config --static --libs-only-l zoom_sdk | sed 's/-lzoom_sdk//')
echo "built the C and C++ examples with pkg-config (shared) and the C example static"

cargo build -q -p zoom-emulator --bin zoom-emulator
"$target/debug/zoom-emulator" --port 0 --no-request-log > "$work/emulator.out" 2>/dev/null &
emu_pid=$!
for _ in $(seq 100); do grep -q ZOOM_EMULATOR_URL "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
base="$(sed -n 's/^ZOOM_EMULATOR_URL=//p' "$work/emulator.out")"
cfg="$(curl -sf "$base/_emulator/config")"
field() { printf '%s' "$cfg" | python3 -c "import json,sys; v=json.load(sys.stdin)$1; print(v)"; }
export ZOOM_CLIENT_ID="$(field "['client_id']")"
export ZOOM_CLIENT_SECRET="$(field "['client_secret']")"
export ZOOM_ACCOUNT_ID="$(field "['account_id']")"
export ZOOM_REDIRECT_URI="$(field "['redirect_uris'][0]")"
export ZOOM_API_BASE_URL="$(field "['api_base_url']")"
export ZOOM_OAUTH_BASE_URL="$(field "['oauth_base_url']")"
export ZOOM_TOKEN_STORE="sqlite:$work/zoom.db"
export ZOOM_TOKEN_STORE_PLAINTEXT=1
export ZOOM_WEBHOOK_SECRET_TOKEN=example-secret

url="$("$work/example" connect c-user | python3 -c "import json,sys; print(json.load(sys.stdin)['url'])")"
callback="$(curl -s -o /dev/null -w '%{redirect_url}' "$url")"
query() { python3 -c "import sys,urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)['$1'][0])" "$callback"; }
"$work/example-static" complete "$(query state)" "$(query code)"

valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --error-exitcode=3 "$work/example" run c-user
echo "C example: passed under valgrind (no definite leak, no invalid access)"
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --error-exitcode=3 "$work/example-cpp" c-user
echo "C++ example (RAII handles): passed under valgrind"

# The ABI's bad-input test under valgrind too: NULLs, strangers, invalid UTF-8 and JSON, frees.
abi_test="$(cargo test -q -p zoom-ffi --test abi --no-run --message-format=json 2>/dev/null \
  | python3 -c "import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get('reason') == 'compiler-artifact' and m.get('executable') and m['target']['name'] == 'abi':
        print(m['executable'])")"
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --error-exitcode=3 "$abi_test" --exact null_and_garbage_arguments_are_codes_with_messages --test-threads=1 -q
echo "ABI bad-input test: passed under valgrind"
