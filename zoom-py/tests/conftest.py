"""The emulator as a process for the whole session (through its command line), and clients
pointed at it. ``ZOOM_EMULATOR_BIN`` names the binary; without it, ``cargo build`` makes one."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

import zoom_sdk

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "py-webhook-secret-0123456789"


def _emulator_bin() -> str:
    given = os.environ.get("ZOOM_EMULATOR_BIN")
    if given:
        return given
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(
        ["cargo", "build", "-q", "-p", "zoom-emulator", "--bin", "zoom-emulator"],
        cwd=ROOT,
        check=True,
    )
    return str(target / "debug" / "zoom-emulator")


class Emulator:
    def __init__(self, url: str) -> None:
        self.url = url
        self.config: Dict[str, Any] = self.get("/_emulator/config")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def send(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def faults(self, **faults: Any) -> None:
        self.send("PUT", "/_emulator/faults", faults)

    def clear_faults(self) -> None:
        self.send("DELETE", "/_emulator/faults")

    def settings(self, **extra: Any) -> Dict[str, Any]:
        c = self.config
        s: Dict[str, Any] = {
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
            "account_id": c["account_id"],
            "redirect_uri": c["redirect_uris"][0],
            "api_base_url": c["api_base_url"],
            "oauth_base_url": c["oauth_base_url"],
            "token_store": "memory",
            "index": "memory",
            "webhook_secret_token": WEBHOOK_SECRET,
            "request_timeout_secs": 10,
        }
        s.update(extra)
        return s


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    proc = subprocess.Popen(
        [
            _emulator_bin(),
            "--port",
            "0",
            "--no-request-log",
            "--meetings-per-user",
            "310",
            "--recordings-per-user",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line.startswith("ZOOM_EMULATOR_URL="), f"emulator said {line!r}"
    try:
        yield Emulator(line.split("=", 1)[1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def _no_faults(emulator: Emulator) -> Iterator[None]:
    emulator.clear_faults()
    yield
    emulator.clear_faults()


@pytest.fixture()
def client(emulator: Emulator) -> zoom_sdk.Client:
    return zoom_sdk.Client(**emulator.settings())


def approve(url: str) -> Dict[str, str]:
    """Follow Zoom's authorize URL as a browser would, up to the redirect to the app: the
    callback's query (``code``, ``state``)."""
    import urllib.parse

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url, timeout=10)
        raise AssertionError("the authorize page did not redirect")
    except urllib.error.HTTPError as e:
        location = e.headers["location"]
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


@pytest.fixture()
def connected(client: zoom_sdk.Client) -> str:
    """An application user connected through the integration (user OAuth with PKCE)."""
    start = client.integration.add("py-user")
    cb = approve(start.url)
    client.integration.complete(cb["state"], cb["code"])
    return "py-user"
