#!/usr/bin/env bash
# Drive zoom-emulator the way another language's test suite does: through its command line and
# its HTTP control endpoints only. Needs curl and python3. Prints "N passed, M failed".
set -uo pipefail
BIN="${ZOOM_EMULATOR_BIN:?set ZOOM_EMULATOR_BIN to the zoom-emulator binary}"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
passed=0 failed=0
check() { # check NAME COMMAND...
  local name="$1"; shift
  if "$@" >"$work/last" 2>&1; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$work/last" | head -20; fi
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

check "--help exits 0 and documents --config" bash -c '"$0" --help | grep -q -- "--config"' "$BIN"
check "--port 70000 is refused" bash -c '! "$0" --port 70000 && "$0" --port 70000 2>&1 | grep -qi "70000"' "$BIN"
check "--users 0 is refused" bash -c '! "$0" --users 0' "$BIN"
check "a missing --config file is refused" bash -c '! "$0" --config /nonexistent/zoom.json'  "$BIN"

cat >"$work/config.json" <<'JSON'
{"client_id": "cli-app", "client_secret": "cli-secret-0123456789", "account_id": "cliAccount01",
 "seed": {"seed": 7, "users": 2, "meetings_per_user": 4}, "request_log": true,
 "faults": {"omit_tracking_id": true}}
JSON
"$BIN" --port 0 --config "$work/config.json" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 100); do grep -q '^ZOOM_EMULATOR_URL=' "$work/out" 2>/dev/null && break; sleep 0.05; done
url="$(sed -n 's/^ZOOM_EMULATOR_URL=//p' "$work/out" | head -1)"
check "it prints ZOOM_EMULATOR_URL on start" test -n "$url"

check "GET /_emulator lists the control endpoints" bash -c \
  "curl -sf '$url/_emulator' | python3 -c 'import json,sys; assert len(json.load(sys.stdin)) >= 10'"
check "--config set the app" bash -c \
  "curl -sf '$url/_emulator/config' | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"client_id\"]==\"cli-app\", d'"
check "--config set the data set" bash -c \
  "curl -sf '$url/_emulator/users' | python3 -c 'import json,sys; assert len(json.load(sys.stdin))==2'"

token="$(curl -sf -u cli-app:cli-secret-0123456789 -X POST \
  "$url/oauth/token?grant_type=account_credentials&account_id=cliAccount01" | json 'print(d["access_token"])')"
check "Server-to-Server OAuth answers a token" test -n "$token"
check "the API answers with the token" curl -sf -H "Authorization: Bearer $token" "$url/v2/users/me"
check "--config switched faults on (no tracking id)" bash -c \
  "! curl -sfi -H 'Authorization: Bearer $token' '$url/v2/users/me' | grep -qi '^x-zm-trackingid'"
check "the request log shows the call, filterable by route and status" bash -c \
  "curl -sf -G '$url/_emulator/requests' --data-urlencode 'route=/users/{userId}' --data-urlencode status=200 \
   | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r)==2 and r[0][\"method\"]==\"GET\", r'"
check "PUT /_emulator/faults injects a 503" bash -c \
  "curl -sf -X PUT -H 'content-type: application/json' -d '{\"fail_next\": 1}' '$url/_emulator/faults' \
   && test \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $token' '$url/v2/users/me')\" = 503"
check "the log records the 503" bash -c \
  "curl -sf '$url/_emulator/requests?status=503' | python3 -c 'import json,sys; assert len(json.load(sys.stdin))==1'"
check "DELETE /_emulator/requests empties the log" bash -c \
  "curl -sf -X DELETE '$url/_emulator/requests' && curl -sf '$url/_emulator/requests' | python3 -c 'import json,sys; assert json.load(sys.stdin)==[]'"
check "stats count the API calls" bash -c \
  "curl -sf '$url/_emulator/stats' | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"api_requests\"]==3'"

kill -TERM "$pid"
stopped=1
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { stopped=0; break; }; sleep 0.05; done
wait "$pid"; code=$?
pid=""
check "SIGTERM stops it cleanly (exit 0)" test "$stopped" = 0 -a "$code" = 0

echo "emulator-cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
