"""Python and Rust processes share one token store (a SQLite file, and separately a
PostgreSQL database) and all meet the same expired access tokens at the same instant: exactly
one refresh per user reaches Zoom, none spends a rotated refresh token, and the store is left
holding a live refresh token (a second expiry refreshes cleanly again). The Rust processes are
tests/multiprocess's ``refresh-worker``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any, Dict, List


import zoom_sdk

from conftest import ROOT, Emulator, approve
from test_stores import fresh_database

KEY = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4="
USERS = ["mixed-a", "mixed-b", "mixed-c"]
PY_PROCESSES = 4
RUST_PROCESSES = 4

WORKER = """
import sys, time, threading, zoom_sdk
settings, start, users = eval(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
client = zoom_sdk.Client(**settings)
time.sleep(max(0.0, start - time.time()))
errors = []
def call(u):
    try:
        client.user(u).users.me()
    except Exception as e:
        errors.append(f"{u}: {e!r}")
threads = [threading.Thread(target=call, args=(u,)) for u in users]
for t in threads: t.start()
for t in threads: t.join()
print("errors" if errors else "ok", *errors)
sys.exit(1 if errors else 0)
"""


def rust_worker() -> str:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "-q", "-p", "zoom-multiprocess-tests", "--bin", "refresh-worker"], cwd=ROOT, check=True)
    return str(target / "debug" / "refresh-worker")


def stats(emulator: Emulator) -> Dict[str, Any]:
    return dict(emulator.get("/_emulator/stats"))


def race(emulator: Emulator, spec: str) -> None:
    settings = emulator.settings(token_store=spec, token_encryption_key=KEY, index="memory", token_cache_secs=0)
    setup = zoom_sdk.Client(**settings)
    logins = [u["email"] for u in emulator.get("/_emulator/users")]
    for i, u in enumerate(USERS):
        url = setup.integration.add(u).url + "&login=" + urllib.parse.quote(logins[i % len(logins)])
        cb = approve(url)
        setup.integration.complete(cb["state"], cb["code"])
    emulator.send("POST", "/_emulator/expire-tokens", {})
    emulator.send("POST", "/_emulator/stats/reset")

    c = emulator.config
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update(
        ZOOM_CLIENT_ID=c["client_id"], ZOOM_CLIENT_SECRET=c["client_secret"],
        ZOOM_REDIRECT_URI=c["redirect_uris"][0], ZOOM_API_BASE_URL=c["api_base_url"],
        ZOOM_OAUTH_BASE_URL=c["oauth_base_url"], ZOOM_TOKEN_ENCRYPTION_KEY=KEY,
    )
    start = time.time() + 2.5
    procs: List[subprocess.Popen[str]] = []
    for _ in range(PY_PROCESSES):
        procs.append(subprocess.Popen([sys.executable, "-c", WORKER, repr(settings), str(start), *USERS], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    binary = rust_worker()
    for _ in range(RUST_PROCESSES):
        procs.append(subprocess.Popen([binary, spec, str(int(start * 1000)), *USERS], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    s = stats(emulator)
    print(f"{spec.split(':')[0]}: {PY_PROCESSES} Python + {RUST_PROCESSES} Rust processes x {len(USERS)} users -> "
          f"{s['refresh_grants']} refreshes reached the emulator, {s['refresh_failures']} refused")
    for p, out in zip(procs, outputs):
        assert p.returncode == 0, out
    assert s["refresh_grants"] == len(USERS), s
    assert s["refresh_failures"] == 0, "a process spent a rotated refresh token"

    # The store holds each user's live refresh token: another expiry refreshes cleanly.
    emulator.send("POST", "/_emulator/expire-tokens", {})
    emulator.send("POST", "/_emulator/stats/reset")
    after = zoom_sdk.Client(**settings)
    for u in USERS:
        after.user(u).users.me()
    s = stats(emulator)
    assert (s["refresh_grants"], s["refresh_failures"]) == (len(USERS), 0), s


def test_python_and_rust_processes_share_a_sqlite_file(emulator: Emulator, tmp_path: Path) -> None:
    race(emulator, f"sqlite:{tmp_path / 'tokens.db'}")


def test_python_and_rust_processes_share_postgres(emulator: Emulator) -> None:
    with fresh_database("race") as url:
        race(emulator, "postgres:" + url)
