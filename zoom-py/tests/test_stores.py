"""Token stores from Python: a grant connected through one client is used by another client
(another process would do the same) over SQLite and PostgreSQL. The backend's legacy table
(`legacy-postgres:URL`) is the same store setting; its own suite is zoom-sdk/tests/legacy_table.rs,
which creates the backend's schema first."""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

import zoom_sdk

from conftest import Emulator, approve

PG = os.environ.get("ZOOM_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def postgres_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


def need_postgres() -> None:
    if not postgres_up():
        if os.environ.get("ZOOM_SDK_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (ZOOM_SDK_REQUIRE_POSTGRES=1) but 127.0.0.1:5432 does not answer")
        pytest.skip("NO POSTGRESQL on 127.0.0.1:5432: the PostgreSQL store tests did not run")


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped afterwards (needs PostgreSQL)."""
    need_postgres()
    import psycopg

    name = f"zoom_py_{label}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_grant_stored_by_one_client_serves_another(kind: str, emulator: Emulator, tmp_path: Path) -> None:
    extra = {"token_store_plaintext": True}
    if kind == "sqlite":
        spec = f"sqlite:{tmp_path / 'tokens.db'}"
    else:
        need_postgres()
        spec = f"{kind}:{PG}"
    settings = emulator.settings(token_store=spec, index="memory", **extra)
    user = f"py-{kind}-{uuid.uuid4().hex[:8]}"
    first = zoom_sdk.Client(**settings)
    start = first.integration.add(user)
    cb = approve(start.url)
    # Completed by a second client: the pending request lives in the store too.
    second = zoom_sdk.Client(**settings)
    second.integration.complete(cb["state"], cb["code"])
    assert first.user(user).users.me().email == second.user(user).users.me().email
    second.refresh(user)
    assert first.user(user).users.me().email
    first.disconnect(user)
    assert second.token_status(user) is None
