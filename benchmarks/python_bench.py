"""Python benchmark: `meetings.get` calls per second and 300-item `meetings.list` pages per
second through zoom_sdk (blocking, and asyncio with 64 calls in flight), zoomus (from PyPI)
and a bare `requests.Session`, against one emulator started once for the whole run; the Rust
SDK's figures from the same emulator are printed beside them (examples/rust bench_point), so
the cost of the Python layer shows.

Run: `bash scripts/bench-python.sh` (builds in release, installs the peers in .venv).
`ZOOM_BENCH_CALLS` sets calls per measurement (default 2000; zoomus gets a quarter, it is slow).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests
import zoomus

import zoom_sdk

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
CALLS = int(os.environ.get("ZOOM_BENCH_CALLS", "2000"))


def rate(n: int, f: Callable[[], Any]) -> float:
    for _ in range(min(20, n)):
        f()
    t = time.perf_counter()
    for _ in range(n):
        f()
    return n / (time.perf_counter() - t)


def async_rate(n: int, in_flight: int, f: Callable[[], Any]) -> float:
    async def main() -> float:
        for _ in range(20):
            await f()
        sem = asyncio.Semaphore(in_flight)

        async def one() -> None:
            async with sem:
                await f()

        t = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        return n / (time.perf_counter() - t)

    return asyncio.run(main())


def main() -> None:
    emu = subprocess.Popen(
        [str(TARGET / "zoom-emulator"), "--port", "0", "--users", "1", "--meetings-per-user", "400",
         "--recordings-per-user", "0", "--no-rate-limits", "--no-request-log"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert emu.stdout is not None
    url = emu.stdout.readline().strip().split("=", 1)[1]
    try:
        run(url)
    finally:
        emu.terminate()
        emu.wait()


def run(url: str) -> None:
    cfg: Dict[str, Any] = requests.get(url + "/_emulator/config", timeout=10).json()
    client = zoom_sdk.Client(
        client_id=cfg["client_id"], client_secret=cfg["client_secret"], account_id=cfg["account_id"],
        api_base_url=cfg["api_base_url"], oauth_base_url=cfg["oauth_base_url"],
        token_store="memory", index="memory", rate_limit_plan="off",
    )
    account = client.account()
    mid = account.meetings.list(page_size=1).items[0].id

    rows: List[Tuple[str, float, Optional[float]]] = []
    sdk_get = rate(CALLS, lambda: account.meetings.get(mid))
    sdk_list = rate(max(CALLS // 20, 10), lambda: account.meetings.list(page_size=300))
    rows.append(("zoom_sdk blocking", sdk_get, sdk_list))
    aio = client.aio.account()
    rows.append(("zoom_sdk asyncio, 64 in flight", async_rate(CALLS, 64, lambda: aio.meetings.get(mid)),
                 async_rate(max(CALLS // 20, 10), 64, lambda: aio.meetings.list(page_size=300))))

    zc = zoomus.ZoomClient(cfg["client_id"], cfg["client_secret"], cfg["account_id"],
                           base_uri=cfg["api_base_url"], oauth_uri=cfg["oauth_base_url"] + "/oauth/token")
    z_calls = max(CALLS // 4, 50)

    def zoomus_get() -> None:
        r = zc.meeting.get(id=mid)
        r.raise_for_status()
        r.json()

    def zoomus_list() -> None:
        r = zc.meeting.list(user_id="me", page_size=300)
        r.raise_for_status()
        assert len(r.json()["meetings"]) == 300

    rows.append(("zoomus", rate(z_calls, zoomus_get), rate(max(z_calls // 20, 10), zoomus_list)))

    token = requests.post(cfg["oauth_base_url"] + "/oauth/token",
                          params={"grant_type": "account_credentials", "account_id": cfg["account_id"]},
                          auth=(cfg["client_id"], cfg["client_secret"]), timeout=10).json()["access_token"]
    session = requests.Session()
    session.headers["authorization"] = f"Bearer {token}"

    def bare_get() -> None:
        r = session.get(f"{cfg['api_base_url']}/meetings/{mid}", timeout=10)
        r.raise_for_status()
        r.json()

    def bare_list() -> None:
        r = session.get(f"{cfg['api_base_url']}/users/me/meetings", params={"page_size": 300}, timeout=10)
        r.raise_for_status()
        r.json()

    rows.append(("requests.Session (no SDK)", rate(CALLS, bare_get), rate(max(CALLS // 20, 10), bare_list)))

    rust = json.loads(subprocess.run([str(TARGET / "bench_point")], env={**os.environ, "ZOOM_EMULATOR_URL": url, "ZOOM_BENCH_CALLS": str(CALLS)},
                                     check=True, capture_output=True, text=True).stdout)
    rows.append(("Rust SDK (same emulator)", rust["get_per_s"], rust["list300_per_s"]))
    rows.append(("Rust SDK, 64 in flight", rust["get_64_per_s"], None))

    zoomus_get_rate = rows[2][1]
    print(f"Python benchmark: {CALLS} calls per figure (zoomus {z_calls}), Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs, emulator on loopback")
    print(f"{'client':34} {'meetings.get/s':>15} {'x zoomus':>9} {'list(300)/s':>12}")
    for name, get, lst in rows:
        print(f"{name:34} {get:15.0f} {get / zoomus_get_rate:9.1f} {'' if lst is None else f'{lst:12.0f}'}")
    blocking, asyncio64 = rows[0][1] / zoomus_get_rate, rows[1][1] / zoomus_get_rate
    print(f"targets: blocking >= 3x zoomus: {blocking:.1f}x ({'met' if blocking >= 3 else 'MISSED'}); "
          f"asyncio 64 in flight >= 10x zoomus: {asyncio64:.1f}x ({'met' if asyncio64 >= 10 else 'MISSED'})")
    print(f"Python layer cost: blocking get {rows[0][1] / rust['get_per_s']:.2f}x the Rust SDK's rate; "
          f"asyncio 64 in flight {rows[1][1] / rust['get_64_per_s']:.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
