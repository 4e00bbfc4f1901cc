"""The peer benchmark: one emulator, started once, and every client measured against it in the
same run on the same operations (``meetings.get``, the 300-item ``meetings.list``, and a
create/delete pair): the Rust SDK (one call at a time, and 64 in flight), bare reqwest, the C
ABI, the Python module (blocking, and asyncio with 64 in flight), zoomus (PyPI) and @zoom/rivet
(npm). Each client runs in its own process and reports its own peak RSS. Prints a
table with calls/s, p50/p99 latency, peak RSS and the ratio to the Rust SDK, and writes it to
docs/BENCHMARKS.md with the command and the machine.

    bash scripts/bench-peers.sh        (builds in release, installs the peers, runs this)

``ZOOM_BENCH_CALLS`` sets the ``meetings.get`` count (default 2000; lists get 1/20, pairs 1/10;
zoomus and rivet a quarter of each, they are slower).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
CALLS = int(os.environ.get("ZOOM_BENCH_CALLS", "2000"))
OPS = ("get", "list300", "create_delete")


def summary(lat: List[float], secs: float) -> Dict[str, Any]:
    lat = sorted(lat)
    pick = lambda q: lat[round((len(lat) - 1) * q)] * 1000 if lat else 0.0  # noqa: E731
    return {"n": len(lat), "secs": secs, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}


def measure(n: int, f: Callable[[], Any]) -> Dict[str, Any]:
    for _ in range(5):
        f()
    lat = []
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        f()
        lat.append(time.perf_counter() - t)
    return summary(lat, time.perf_counter() - start)


def measure_async(n: int, in_flight: int, f: Callable[[], Awaitable[Any]]) -> Dict[str, Any]:
    async def main() -> Dict[str, Any]:
        for _ in range(5):
            await f()
        sem = asyncio.Semaphore(in_flight)
        lat: List[float] = []

        async def one() -> None:
            async with sem:
                t = time.perf_counter()
                await f()
                lat.append(time.perf_counter() - t)

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        return summary(lat, time.perf_counter() - start)

    return asyncio.run(main())


# ------------------------------------------------------------------ the Python clients


def python_client(kind: str, cfg: Dict[str, Any]) -> Dict[str, Any]:
    start_at = datetime.now(timezone.utc) + timedelta(days=30)
    if kind in ("zoom_sdk", "zoom_sdk_aio"):
        import zoom_sdk

        client = zoom_sdk.Client(
            client_id=cfg["client_id"], client_secret=cfg["client_secret"], account_id=cfg["account_id"],
            api_base_url=cfg["api_base_url"], oauth_base_url=cfg["oauth_base_url"],
            token_store="memory", index="memory", rate_limit_plan="off",
        )
        if kind == "zoom_sdk":
            a = client.account()
            mid = a.meetings.list(page_size=1).items[0].id

            def pair() -> None:
                m = a.meetings.create({"topic": "bench", "type": 2, "start_time": start_at, "duration": 30})
                a.meetings.delete(m.id)

            return {
                "get": measure(CALLS, lambda: a.meetings.get(mid)),
                "list300": measure(CALLS // 20, lambda: a.meetings.list(page_size=300)),
                "create_delete": measure(CALLS // 10, pair),
            }
        aio = client.aio.account()
        mid = client.account().meetings.list(page_size=1).items[0].id

        async def apair() -> None:
            m = await aio.meetings.create({"topic": "bench", "type": 2, "start_time": start_at, "duration": 30})
            await aio.meetings.delete(m.id)

        return {
            "get": measure_async(CALLS, 64, lambda: aio.meetings.get(mid)),
            "list300": measure_async(CALLS // 20, 64, lambda: aio.meetings.list(page_size=300)),
            "create_delete": measure_async(CALLS // 10, 64, apair),
        }
    if kind == "zoomus":
        import zoomus

        zc = zoomus.ZoomClient(cfg["client_id"], cfg["client_secret"], cfg["account_id"],
                               base_uri=cfg["api_base_url"], oauth_uri=cfg["oauth_base_url"] + "/oauth/token")
        mid = zc.meeting.list(user_id="me", page_size=1).json()["meetings"][0]["id"]
        n = max(CALLS // 4, 40)

        def get() -> None:
            r = zc.meeting.get(id=mid)
            r.raise_for_status()
            r.json()

        def lst() -> None:
            r = zc.meeting.list(user_id="me", page_size=300)
            r.raise_for_status()
            assert len(r.json()["meetings"]) == 300

        def pair() -> None:
            r = zc.meeting.create(user_id="me", topic="bench", type=2, start_time=start_at, duration=30)
            r.raise_for_status()
            zc.meeting.delete(id=r.json()["id"]).raise_for_status()

        return {"get": measure(n, get), "list300": measure(max(n // 20, 5), lst), "create_delete": measure(max(n // 10, 5), pair)}
    raise SystemExit(f"unknown client {kind}")


# ------------------------------------------------------------------ the driver


def run_client(name: str, argv: List[str], env: Dict[str, str]) -> Tuple[str, Dict[str, Any], float]:
    """Run one client; its results and its own peak RSS in MB (it reports its high-water mark)."""
    proc = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return name, result, float(result.get("peak_rss_kib", 0)) / 1024


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, Linux {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        import resource

        cfg = json.loads(os.environ["ZOOM_BENCH_CONFIG"])
        out = python_client(sys.argv[2], cfg)
        out["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps(out))
        return
    emu = subprocess.Popen(
        [str(TARGET / "zoom-emulator"), "--port", "0", "--users", "1", "--meetings-per-user", "400",
         "--recordings-per-user", "0", "--no-rate-limits", "--no-request-log"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert emu.stdout is not None
    url = emu.stdout.readline().strip().split("=", 1)[1]
    try:
        drive(url)
    finally:
        emu.terminate()
        emu.wait()


def drive(url: str) -> None:
    import urllib.parse
    import urllib.request

    with urllib.request.urlopen(url + "/_emulator/config", timeout=10) as r:
        cfg = json.load(r)
    form = urllib.parse.urlencode({"grant_type": "account_credentials", "account_id": cfg["account_id"]}).encode()
    import base64

    basic = base64.b64encode(f"{cfg['client_id']}:{cfg['client_secret']}".encode()).decode()
    req = urllib.request.Request(cfg["oauth_base_url"] + "/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        token = json.load(r)["access_token"]
    settings = json.dumps({
        "client_id": cfg["client_id"], "client_secret": cfg["client_secret"], "account_id": cfg["account_id"],
        "api_base_url": cfg["api_base_url"], "oauth_base_url": cfg["oauth_base_url"],
        "token_store": "memory", "index": "memory", "rate_limit_plan": "off",
    })
    env = {"ZOOM_EMULATOR_URL": url, "ZOOM_BENCH_CALLS": str(CALLS), "ZOOM_BENCH_CONFIG": json.dumps(cfg),
           "ZOOM_BENCH_SETTINGS": settings, "ZOOM_BENCH_TOKEN": token}
    py = [sys.executable, str(Path(__file__).resolve()), "--client"]
    clients = [
        ("Rust SDK", [str(TARGET / "bench_peer"), "sdk"], {}),
        ("Rust SDK, 64 in flight", [str(TARGET / "bench_peer"), "sdk64"], {}),
        ("bare reqwest (no SDK)", [str(TARGET / "bench_peer"), "reqwest"], {}),
        ("C ABI (zoom-ffi)", [str(TARGET / "examples" / "bench_peer_ffi")], {}),
        ("Python zoom_sdk, blocking", py + ["zoom_sdk"], {}),
        ("Python zoom_sdk, asyncio 64 in flight", py + ["zoom_sdk_aio"], {}),
        ("zoomus (PyPI)", py + ["zoomus"], {}),
        ("@zoom/rivet (npm)", ["node", str(ROOT / "benchmarks/rivet/bench.mjs")], {"ZOOM_BENCH_CALLS": str(max(CALLS // 4, 40))}),
    ]
    results = [run_client(name, argv, {**env, **extra}) for name, argv, extra in clients]
    base = results[0][1]
    rate = lambda r, op: r[op]["n"] / r[op]["secs"] if r[op]["secs"] else 0.0  # noqa: E731
    header = ("| client | get/s | get p50 ms | get p99 ms | list(300)/s | list p99 ms | create+delete pairs/s "
              "| peak RSS MB | get vs Rust SDK |")
    lines = [header, "|" + "---|" * 9]
    for name, r, rss in results:
        lines.append(
            f"| {name} | {rate(r, 'get'):,.0f} | {r['get']['p50_ms']:.3f} | {r['get']['p99_ms']:.3f} "
            f"| {rate(r, 'list300'):,.0f} | {r['list300']['p99_ms']:.2f} | {rate(r, 'create_delete'):,.0f} "
            f"| {rss:.0f} | {rate(r, 'get') / rate(base, 'get'):.2f}x |"
        )
    table = "\n".join(lines)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(table)
    doc = ROOT / "docs" / "BENCHMARKS.md"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(
        "# Peer benchmark\n\n"
        "Every client against one Zoom emulator on loopback (rate limits off), started once, in one run; "
        "each client in its own process. `get` is `GET /meetings/{id}`, `list(300)` a 300-item "
        "`GET /users/me/meetings` page, a pair is `POST /users/me/meetings` then `DELETE /meetings/{id}`. "
        "One call at a time unless the row says 64 in flight (there, latency includes queueing). "
        "zoomus and @zoom/rivet make a quarter as many calls. Peak RSS is each client process's own "
        "high-water mark (VmHWM / maxrss), the runtime included (Python, Node.js).\n\n"
        f"Reproduce: `bash scripts/bench-peers.sh` (ZOOM_BENCH_CALLS={CALLS}).\n\n"
        f"Ran {when} on {machine()}.\n\n" + table + "\n"
    )
    print(f"\nwritten to {doc.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
