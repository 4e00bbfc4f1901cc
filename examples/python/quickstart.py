"""zoom_sdk quickstart: against real Zoom when ZOOM_CLIENT_ID is set (Server-to-Server app:
ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_ACCOUNT_ID), otherwise against the bundled emulator
started as a process (ZOOM_EMULATOR_BIN, or target/debug/zoom-emulator).

    python examples/python/quickstart.py
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, List, Optional
from contextlib import contextmanager

import zoom_sdk
from zoom_sdk import models

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def zoom() -> Iterator[zoom_sdk.Client]:
    if os.environ.get("ZOOM_CLIENT_ID"):
        yield zoom_sdk.Client.from_env()
        return
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = os.environ.get("ZOOM_EMULATOR_BIN", str(target / "debug" / "zoom-emulator"))
    proc = subprocess.Popen([binary, "--port", "0", "--no-request-log"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().split("=", 1)[1]
        with urllib.request.urlopen(url + "/_emulator/config") as r:
            cfg = json.load(r)
        print(f"no ZOOM_CLIENT_ID: using the Zoom emulator at {url}")
        yield zoom_sdk.Client(
            client_id=cfg["client_id"], client_secret=cfg["client_secret"], account_id=cfg["account_id"],
            api_base_url=cfg["api_base_url"], oauth_base_url=cfg["oauth_base_url"],
            token_store="memory", index="memory",
        )
    finally:
        proc.terminate()
        proc.wait()


async def fetch_concurrently(client: zoom_sdk.Client, ids: List[int]) -> List[models.Meeting]:
    account = client.aio.account()
    return list(await asyncio.gather(*(account.meetings.get(i) for i in ids)))


def main() -> None:
    with zoom() as client:
        account = client.account()
        me = account.users.me()
        print(f"account user: {me.email}")
        start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=2)
        meeting = account.meetings.create({"topic": "zoom_sdk quickstart", "type": 2, "start_time": start, "duration": 30, "timezone": "UTC"})
        print(f"created meeting {meeting.id} at {meeting.start_time}: {meeting.join_url}")
        upcoming = [m.topic for m in account.meetings.iter(type="upcoming")]
        print(f"{len(upcoming)} upcoming meetings")
        fetched = asyncio.run(fetch_concurrently(client, [meeting.id] * 8))
        assert all(m == fetched[0] for m in fetched)
        account.meetings.delete(meeting.id)
        try:
            account.meetings.get(meeting.id)
        except zoom_sdk.NotFoundError as e:
            print(f"deleted: get now raises NotFoundError (HTTP {e.status}, Zoom code {e.code})")
        health: Optional[str] = client.health().status
        print(f"health: {health}")


if __name__ == "__main__":
    main()
