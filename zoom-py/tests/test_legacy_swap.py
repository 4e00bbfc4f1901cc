"""The swap without reconnecting anyone: the backend's ``zoom_oauth_tokens`` rows, written the
way the backend writes them (plaintext, and Fernet through Python's ``cryptography`` under
``ENCRYPTION_KEY``), served by the Flask blueprints on the ``legacy-postgres`` store; the SDK's
refresh writes back in the backend's format; ``python -m zoom_sdk.migrate check`` counts
them. Needs PostgreSQL (fails under ZOOM_SDK_REQUIRE_POSTGRES=1 when it is down, skips loudly
otherwise)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, Tuple

import flask
import psycopg
import pytest
from cryptography.fernet import Fernet

import zoom_sdk
from zoom_sdk.flask import mount, resolvers

from conftest import ROOT, Emulator, approve
from test_stores import fresh_database

TABLE = (ROOT / "tests/fixtures/backend_zoom_oauth_tokens.sql").read_text()
FERNET_COLUMNS = "ALTER TABLE zoom_oauth_tokens ADD COLUMN access_token_encrypted TEXT, ADD COLUMN refresh_token_encrypted TEXT"


@pytest.fixture()
def backend_db() -> Iterator[str]:
    """A fresh database holding the backend's table."""
    with fresh_database("legacy") as url:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(TABLE)
            db.execute(FERNET_COLUMNS)
        yield url


def old_backend_grant(emulator: Emulator, login: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """What the old backend's OAuth handler did: authorize (no PKCE), exchange the code with
    Basic auth, look the user up. Its tokens and Zoom profile."""
    c = emulator.config
    redirect = c["redirect_uris"][0]
    q = urllib.parse.urlencode({"response_type": "code", "client_id": c["client_id"], "redirect_uri": redirect, "login": login})
    code = approve(f"{emulator.url}/oauth/authorize?{q}")["code"]
    basic = base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
    form = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}).encode()
    req = urllib.request.Request(f"{emulator.url}/oauth/token", data=form, headers={"Authorization": f"Basic {basic}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        tokens = json.loads(r.read())
    me_req = urllib.request.Request(f"{c['api_base_url']}/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    with urllib.request.urlopen(me_req, timeout=10) as r:
        me = json.loads(r.read())
    return tokens, me


def test_the_backends_rows_serve_the_blueprints_without_reconnecting(
    emulator: Emulator, backend_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = Fernet.generate_key()
    fernet = Fernet(key)
    users = emulator.get("/_emulator/users")
    plain_tokens, plain_me = old_backend_grant(emulator, users[0]["email"])
    enc_tokens, enc_me = old_backend_grant(emulator, users[1]["email"])
    with psycopg.connect(backend_db, autocommit=True) as db:
        # The first module: plaintext columns, a token valid for 50 more minutes.
        db.execute(
            "INSERT INTO zoom_oauth_tokens (user_id, zoom_user_id, email, access_token, refresh_token, scope, expires_at) "
            "VALUES ('42', %s, %s, %s, %s, %s, NOW() + interval '50 minutes')",
            (plain_me["id"], plain_me["email"], plain_tokens["access_token"], plain_tokens["refresh_token"], plain_tokens["scope"]),
        )
        # The Fernet module: encrypted columns only, and the access token already expired, so
        # the first call refreshes with the decrypted refresh token.
        db.execute(
            "INSERT INTO zoom_oauth_tokens (user_id, zoom_user_id, email, access_token, refresh_token, scope, expires_at, "
            "access_token_encrypted, refresh_token_encrypted) VALUES ('43', %s, %s, '', NULL, %s, NOW() - interval '5 minutes', %s, %s)",
            (enc_me["id"], enc_me["email"], enc_tokens["scope"], fernet.encrypt(enc_tokens["access_token"].encode()).decode(),
             fernet.encrypt(enc_tokens["refresh_token"].encode()).decode()),
        )

    settings = emulator.settings(token_store=f"legacy-postgres:{backend_db}", encryption_key=key.decode(), index="memory")
    client = zoom_sdk.Client(**settings)
    app = flask.Flask("swap")
    mount(app, client, resolve_user=resolvers.trusting_user_id_field)
    http = app.test_client()
    for user, me in (("42", plain_me), ("43", enc_me)):
        st = http.post("/api/integrations/zoom/status", json={"user_id": user}).get_json()
        assert st["data"]["state"] == "connected", st
        meetings = http.post("/api/integrations/zoom/meetings/list", json={"user_id": user, "type": "scheduled"})
        assert meetings.status_code == 200, meetings.get_json()
        profile = http.post("/api/integrations/zoom/users/profile", json={"user_id": user}).get_json()
        assert profile["data"]["id"] == me["id"]

    # The refresh was written back the backend's way: Fernet, readable by its own code, rotated.
    with psycopg.connect(backend_db) as db:
        row = db.execute("SELECT refresh_token_encrypted, access_token_encrypted, expires_at > NOW() FROM zoom_oauth_tokens WHERE user_id = '43'").fetchone()
    assert row is not None and row[2] is True
    new_refresh = fernet.decrypt(row[0].encode()).decode()
    assert new_refresh and new_refresh != enc_tokens["refresh_token"]
    assert fernet.decrypt(row[1].encode()).decode() != enc_tokens["access_token"]

    # The migration check counts both as usable.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env.update({f"ZOOM_{k.upper()}": str(v) for k, v in settings.items() if k != "encryption_key"})
    env["ENCRYPTION_KEY"] = key.decode()
    out = subprocess.run([sys.executable, "-m", "zoom_sdk.migrate", "check", "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr + out.stdout
    report = json.loads(out.stdout)
    assert report["counts"]["total"] == 2 and report["usable"] == 2 and report["must_reconnect"] == 0
    assert key.decode() not in out.stdout and new_refresh not in out.stdout

    # A Fernet row without the key is unreadable: the check says so and exits 1.
    env.pop("ENCRYPTION_KEY")
    out = subprocess.run([sys.executable, "-m", "zoom_sdk.migrate", "check"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "ENCRYPTION_KEY" in out.stdout and "user:43" in out.stdout and "ATTENTION" in out.stdout
