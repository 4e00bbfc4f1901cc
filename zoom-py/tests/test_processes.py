"""Threads and fork: one client shared by threads; a client made before ``fork`` used in the
child (gunicorn pre-fork), with a SQLite token store both processes share."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import List

import zoom_sdk

from conftest import Emulator, approve


def test_one_client_many_threads(client: zoom_sdk.Client) -> None:
    ids = [m.id for m in client.account().meetings.list(page_size=40).items]
    failures: List[BaseException] = []
    got: List[int] = []
    lock = threading.Lock()

    def work(chunk: List[int]) -> None:
        try:
            for i in chunk:
                m = client.account().meetings.get(i)
                with lock:
                    got.append(m.id)
        except BaseException as e:  # noqa: BLE001 - reported below
            failures.append(e)

    threads = [threading.Thread(target=work, args=(ids[k::8],)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures and sorted(got) == sorted(ids)


def test_a_client_made_before_fork_works_in_the_child(emulator: Emulator, tmp_path: Path) -> None:
    settings = emulator.settings(
        token_store=f"sqlite:{tmp_path / 'tokens.db'}", token_store_plaintext=True, index="memory"
    )
    client = zoom_sdk.Client(**settings)
    start = client.integration.add("forked")
    cb = approve(start.url)
    client.integration.complete(cb["state"], cb["code"])
    email = client.user("forked").users.me().email
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            # New runtime and pools in the child; the grant comes from the shared file.
            ok = client.user("forked").users.me().email == email
            client.refresh("forked")
            ok = ok and client.user("forked").users.me().email == email
            code = 0 if ok else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    # The parent still works, with the grant the child refreshed (read from the store).
    assert client.user("forked").users.me().email == email
    fresh = zoom_sdk.Client(**settings)
    assert fresh.user("forked").users.me().email == email
