"""The asyncio API: the same calls as coroutines, ``async for``, concurrency, cancellation."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any, Coroutine, List, TypeVar

import pytest

import zoom_sdk
from zoom_sdk import models

from conftest import Emulator, approve


T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_async_calls_iteration_and_errors(client: zoom_sdk.Client) -> None:
    async def main() -> None:
        s = client.aio.account()
        me = await s.users.me()
        assert isinstance(me, models.User)
        start = (datetime.now(timezone.utc) + timedelta(days=1)).replace(microsecond=0)
        m = await s.meetings.create({"topic": "async", "type": 2, "start_time": start, "duration": 15})
        assert (await s.meetings.get(m.id)).start_time == start
        await s.meetings.update(m.id, {"agenda": "from asyncio"})
        ids = [x.id async for x in s.meetings.iter()]
        assert m.id in ids and len(ids) > 300
        await s.meetings.delete(m.id)
        with pytest.raises(zoom_sdk.NotFoundError):
            await s.meetings.get(m.id)
        today = date.today()
        recs = [r async for r in s.recordings.iter(today - timedelta(days=29), today)]
        assert recs and isinstance(await s.recordings.get(recs[0].id), models.MeetingRecording)
        assert (await client.aio.health()).status
        assert (await client.aio.service_descriptor()).name
        assert (await s.request("GET", "/users/me"))["id"] == me.id

    run(main())


def test_sixty_four_calls_in_flight(client: zoom_sdk.Client) -> None:
    s = client.account()
    first = s.meetings.list(page_size=64).items

    async def main() -> List[models.Meeting]:
        a = client.aio.account()
        return await asyncio.gather(*(a.meetings.get(m.id) for m in first))

    got = run(main())
    assert [m.id for m in got] == [m.id for m in first]


def test_integration_and_skills_async(client: zoom_sdk.Client) -> None:
    async def main() -> None:
        start = await client.aio.integration.add("async-user")
        cb = approve(start.url)
        done = await client.aio.integration.complete(cb["state"], cb["code"])
        assert done.user_id == "async-user"
        progress: List[models.SyncProgress] = []
        report = await client.aio.integration.sync("async-user", progress=progress.append)
        # The callback is delivered through the loop: let it run.
        await asyncio.sleep(0)
        assert report.outcome == "completed" and progress
        page = await client.aio.integration.search("async-user", "meeting OR standup")
        assert isinstance(page, models.SearchPage)
        assert (await client.aio.skills.get_user_profile("async-user")).email
        assert len(await client.aio.skills.list_meetings("async-user", limit=3)) == 3
        with pytest.raises(zoom_sdk.NotConnectedError):
            await client.aio.skills.get_user_profile("nobody")

    run(main())


def test_cancelling_an_awaitable_stops_the_work_and_keeps_the_grant(
    client: zoom_sdk.Client, emulator: Emulator, connected: str
) -> None:
    user = client.aio.user(connected)
    before = client.token_status(connected)
    assert before is not None
    # Expire the access token so the next call refreshes, and slow every API answer.
    emulator.send("POST", "/_emulator/expire-tokens", {})
    emulator.faults(latency_ms=1500)

    async def main() -> float:
        t = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(user.users.me(), timeout=0.3)
        return time.monotonic() - t

    waited = run(main())
    assert waited < 1.0, "wait_for returned at its timeout, not when Zoom answered"
    emulator.clear_faults()
    # The grant is intact (refreshed or not, never lost): the user needs no new connection.
    assert client.user(connected).users.me().email
    after = client.token_status(connected)
    assert after is not None and after.status == "active"


def test_a_progress_callback_may_not_call_the_blocking_api(client: zoom_sdk.Client, connected: str) -> None:
    errors: List[BaseException] = []

    def progress(p: models.SyncProgress) -> None:
        try:
            client.account().users.me()
        except zoom_sdk.ZoomError as e:
            errors.append(e)

    client.integration.sync(connected, progress=progress)
    assert errors and isinstance(errors[0], zoom_sdk.InvalidInputError)
