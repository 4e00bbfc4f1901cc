"""The Flask blueprints against the emulator: every route of the backend's contract
(``../shared/backend-contract.md``), success and failure, through Flask's test client with
the SDK talking real HTTP to the emulator."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any, Dict, Iterator, List, Optional, Set

import pytest

import flask

import zoom_sdk
from zoom_sdk.flask import (
    auth_blueprint,
    health_blueprint,
    integration_blueprint,
    mount,
    registry_blueprint,
    resolvers,
    webhooks_blueprint,
)

from conftest import WEBHOOK_SECRET, Emulator, approve

SECRETS: List[str] = []


def either(request: Any) -> Optional[str]:
    """Header first, then the old ``user_id`` field (tests run behind no authentication)."""
    return resolvers.trusting_user_id_header(request) or resolvers.trusting_user_id_field(request)


class App:
    """A Flask app with every blueprint mounted, recording which rules were hit and checking
    that no response carries a secret."""

    def __init__(self, client: zoom_sdk.Client, emulator: Emulator, **kw: Any) -> None:
        self.app = flask.Flask("zoom-test")
        mount(self.app, client, resolve_user=either, **kw)
        self.hit: Set[str] = set()
        self.http = self.app.test_client()
        secrets = [emulator.config["client_secret"], WEBHOOK_SECRET]

        @self.app.after_request
        def check(resp: Any) -> Any:
            if flask.request.url_rule is not None:
                self.hit.add(f"{flask.request.method} {flask.request.url_rule.rule}")
            text = resp.get_data(as_text=True)
            for s in secrets:
                assert s not in text, f"a secret in the answer of {flask.request.path}"
            assert "Traceback" not in text
            for key in ('"access_token"', '"refresh_token"'):
                assert key not in text, f"{key} in the answer of {flask.request.path}"
            return resp

    def call(self, method: str, path: str, body: Any = None, user: Optional[str] = None,
             status: int = 200, **kw: Any) -> Dict[str, Any]:
        headers = dict(kw.pop("headers", {}))
        if user is not None:
            headers["X-User-ID"] = user
        resp = self.http.open(path, method=method, json=body, headers=headers, **kw)
        assert resp.status_code == status, (path, resp.status_code, resp.get_data(as_text=True))
        assert resp.is_json, (path, resp.get_data(as_text=True))
        out: Dict[str, Any] = resp.get_json()
        out["_headers"] = dict(resp.headers)
        return out

    def connect(self, user: str) -> Dict[str, Any]:
        start = self.call("POST", "/api/auth/zoom/authorize", {"user_id": user})
        cb = approve(start["authorization_url"])
        return self.call("GET", "/api/auth/zoom/callback", query_string=cb)

    def rules(self) -> Set[str]:
        out = set()
        for r in self.app.url_map.iter_rules():
            if r.endpoint == "static":
                continue
            for m in r.methods or ():
                if m not in ("HEAD", "OPTIONS"):
                    out.add(f"{m} {r.rule}")
        return out


@pytest.fixture()
def web(client: zoom_sdk.Client, emulator: Emulator) -> Iterator[App]:
    yield App(client, emulator)


def integration_error(out: Dict[str, Any], code: str) -> None:
    assert out["ok"] is False and out["error"]["code"] == code, out
    assert out["error"]["endpoint"].startswith("/api/integrations/zoom/")
    assert out["source"] == "zoom_sdk" and out["timestamp"]


def test_every_route_of_the_contract_success_and_failure(
    web: App, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # ---- auth: authorize (GET with the query, POST with JSON), callback, refresh, revoke
    out = web.call("GET", "/api/auth/zoom/authorize?user_id=alice")
    assert out["ok"] and out["provider"] == "zoom"
    assert out["oauth_url"] == out["authorization_url"] and "code_challenge=" in out["oauth_url"]
    assert out["client_id"] == emulator.config["client_id"][:10] + "..."
    assert out["redirect_uri"] == emulator.config["redirect_uris"][0]
    assert 590 <= out["expires_in"] <= 600 and out["environment"] == "production"
    out = web.call("POST", "/api/auth/zoom/authorize", {}, status=401)
    assert out == {**out, "ok": False, "error": "unauthenticated", "provider": "zoom"}

    got = web.connect("alice")
    assert got["stored"] is True and got["user_id"] == "alice"
    assert got["user_info"]["email"] and got["user_info"]["id"]
    assert set(got["user_info"]) == {"id", "email", "first_name", "last_name", "display_name", "type", "role_name", "account_id"}
    assert got["tokens"]["token_type"].lower() == "bearer" and "meeting:read" in got["tokens"]["scope"]
    assert 3500 < got["tokens"]["expires_in"] <= 3600

    assert web.call("POST", "/api/auth/zoom/callback", {"state": "x"}, status=400)["error"] == "authorization_code_required"
    assert web.call("POST", "/api/auth/zoom/callback", {"code": "x"}, status=400)["error"] == "invalid_state"
    assert web.call("POST", "/api/auth/zoom/callback", {"code": "x", "state": "forged"}, status=400)["error"] == "invalid_state"
    denied = web.call("GET", "/api/auth/zoom/callback?error=access_denied&state=s", status=400)
    assert denied["error"] == "access_denied"
    start = web.call("POST", "/api/auth/zoom/authorize", {"user_id": "bob"})
    cb = approve(start["authorization_url"])
    web.call("POST", "/api/auth/zoom/callback", cb)
    replay = web.call("POST", "/api/auth/zoom/callback", cb, status=400)
    assert replay["error"] == "invalid_state", "a state is single use"

    refreshed = web.call("POST", "/api/auth/zoom/refresh", {"user_id": "alice", "refresh_token": "ignored"})
    assert refreshed["tokens"]["expires_in"] > 3500
    nobody = web.call("POST", "/api/auth/zoom/refresh", {"user_id": "nobody"}, status=401)
    assert nobody["error"] == "not_connected"
    assert web.call("POST", "/api/auth/zoom/revoke", {"user_id": "bob"})["ok"]
    assert web.call("POST", "/api/auth/zoom/refresh", {"user_id": "bob"}, status=401)["error"] == "not_connected"
    h = web.call("GET", "/api/auth/zoom/health")
    assert (h["configuration"], h["database"], h["provider"]) == ("valid", "connected", "zoom")

    # ---- health
    h = web.call("GET", "/api/zoom/health")
    assert h["status"] in ("healthy", "degraded") and h["service"] == "zoom"
    assert {c["name"] for c in h["components"]} >= {"token_store", "oauth_config", "zoom_api"}
    assert h["version"] == zoom_sdk.__version__ and h["metrics"]["calls"] >= 1
    for part in ("tokens", "connection", "configuration", "api", "database", "summary"):
        r = web.call("GET", f"/api/zoom/health/{part}")
        assert set(r) - {"_headers"} == {"status", "timestamp", "data", "service"}, part
    assert web.call("GET", "/api/zoom/health/tokens")["data"]["counts"]["total"] >= 1

    # ---- integration: connect through /add and the frontend's callback forwarder
    add = web.call("POST", "/api/integrations/zoom/add", {"user_id": "carol"})
    cb = approve(add["data"]["authorization_url"])
    wrong = web.call("POST", "/api/integrations/zoom/oauth/callback", {**cb, "verifier": "v"}, user="mallory", status=403)
    integration_error(wrong, "user_mismatch")
    add = web.call("POST", "/api/integrations/zoom/add", {}, user="carol")
    cb = approve(add["data"]["authorization_url"])
    done = web.call("POST", "/api/integrations/zoom/oauth/callback", cb, user="carol")
    assert done["data"]["user_id"] == "carol" and done["data"]["email"]
    st = web.call("GET", "/api/integrations/zoom/status", user="carol")["data"]
    assert st["state"] == "connected" and "read_meetings" in st["capabilities"]
    assert web.call("POST", "/api/integrations/zoom/status", {"user_id": "dave"})["data"]["state"] == "not_connected"
    integration_error(web.call("POST", "/api/integrations/zoom/status", status=401), "unauthenticated")

    # ---- meetings
    listed = web.call("POST", "/api/integrations/zoom/meetings/list", {"user_id": "carol", "type": "scheduled", "page_size": 5})["data"]
    assert len(listed["meetings"]) == 5 and listed["next_page_token"]
    day = listed["meetings"][0]["start_time"][:10]
    ranged = web.call("POST", "/api/integrations/zoom/meetings/list", {"user_id": "carol", "type": "scheduled", "from_date": day, "to_date": day, "page_size": 300})["data"]
    assert ranged["meetings"] and all(m["start_time"][:10] == day for m in ranged["meetings"])
    integration_error(web.call("POST", "/api/integrations/zoom/meetings/list", {"user_id": "carol", "page_size": 0}, status=400), "validation_error")
    integration_error(web.call("POST", "/api/integrations/zoom/meetings/list", {"user_id": "carol", "type": "bogus"}, status=400), "validation_error")
    created = web.call("POST", "/api/integrations/zoom/meetings/create", {"user_id": "carol", "meeting": {"topic": "Quarterly zebra review", "type": 2, "start_time": "2031-05-01T10:00:00Z", "duration": 45}}, status=201)["data"]
    mid = created["id"]
    integration_error(web.call("POST", "/api/integrations/zoom/meetings/create", {"user_id": "carol", "meeting": "nope"}, status=400), "validation_error")
    upd = web.call("POST", "/api/integrations/zoom/meetings/update", {"user_id": "carol", "meeting_id": str(mid), "updates": {"topic": "Quarterly zebra review (moved)"}})["data"]
    assert upd["topic"].endswith("(moved)")
    info = web.call("POST", "/api/integrations/zoom/meetings/info", {"user_id": "carol", "meeting_id": mid})["data"]
    assert info["id"] == mid
    sched = web.call("POST", "/api/integrations/zoom/meetings/schedule", {"user_id": "carol", "meeting": {"topic": "Zebra standup", "start_time": "2031-06-01T09:30:00", "timezone": "Europe/Paris", "duration": 30, "agenda": "stripes"}}, status=201)["data"]
    assert sched["timezone"] == "Europe/Paris" and sched["start_time"].startswith("2031-06-01T07:30")
    for bad in (
        {"topic": "x", "start_time": "2001-01-01T00:00:00Z", "duration": 30},
        {"topic": "x", "start_time": "2031-01-01T00:00:00Z", "duration": 0},
        {"topic": "x", "start_time": "2031-01-01T00:00:00Z", "duration": 1441},
        {"topic": "x", "start_time": "not a time", "duration": 30},
        {"topic": "x", "start_time": "2031-01-01T00:00:00", "timezone": "Mars/Olympus", "duration": 30},
        {"topic": "", "start_time": "2031-01-01T00:00:00Z", "duration": 30},
    ):
        integration_error(web.call("POST", "/api/integrations/zoom/meetings/schedule", {"user_id": "carol", "meeting": bad}, status=400), "validation_error")

    # ---- sync (foreground, background with progress, forced) and search
    rep = web.call("POST", "/api/integrations/zoom/sync", {"user_id": "carol"})["data"]
    assert rep["outcome"] == "completed"
    bg = web.call("POST", "/api/integrations/zoom/sync", {"user_id": "carol", "background": True}, status=202)["data"]
    assert bg["started"] is True
    for _ in range(200):
        s = web.call("POST", "/api/integrations/zoom/sync/status", {"user_id": "carol"})["data"]
        if s["run"]["state"] != "running":
            break
        time.sleep(0.05)
    assert s["run"]["state"] == "finished" and s["run"]["progress"]["steps"] >= 1, s["run"]
    assert web.call("GET", "/api/integrations/zoom/sync/status", user="carol")["data"]["status"]["last_sync"]
    assert web.call("POST", "/api/integrations/zoom/sync/force", {"user_id": "carol"})["data"]["outcome"] == "completed"
    hits = web.call("POST", "/api/integrations/zoom/search", {"user_id": "carol", "query": "zebra"})["data"]["hits"]
    assert {h["topic"] for h in hits} >= {"Quarterly zebra review (moved)", "Zebra standup"}
    assert web.call("GET", "/api/integrations/zoom/search?q=zebra&kinds=meeting", user="carol")["data"]["hits"]
    integration_error(web.call("POST", "/api/integrations/zoom/search", {"user_id": "carol", "query": 5}, status=400), "validation_error")

    web.call("POST", "/api/integrations/zoom/meetings/delete", {"user_id": "carol", "meeting_id": mid})
    gone = web.call("POST", "/api/integrations/zoom/meetings/info", {"user_id": "carol", "meeting_id": mid}, status=404)
    integration_error(gone, "not_found")
    assert gone["error"]["zoom_code"] == 3001

    # ---- recordings, users, webinars
    recs = web.call("POST", "/api/integrations/zoom/recordings/list", {"user_id": "carol", "from_date": time.strftime("%Y-%m-%d", time.gmtime(time.time() - 180 * 86400)), "to_date": time.strftime("%Y-%m-%d")})["data"]
    assert recs["total_records"] >= 1 and recs["meetings"][0]["recording_files"]
    one = recs["meetings"][0]
    by_id = web.call("POST", "/api/integrations/zoom/recordings/list", {"user_id": "carol", "meeting_id": one["id"]})["data"]
    assert by_id["meetings"][0]["uuid"] == one["uuid"]
    integration_error(web.call("POST", "/api/integrations/zoom/recordings/list", {"user_id": "carol", "from_date": "2026-02-01", "to_date": "2026-01-01"}, status=400), "validation_error")
    web.call("POST", "/api/integrations/zoom/recordings/delete", {"user_id": "carol", "meeting_id": one["id"], "recording_id": one["recording_files"][0]["id"]})
    integration_error(web.call("POST", "/api/integrations/zoom/recordings/delete", {"user_id": "carol"}, status=400), "validation_error")
    me = web.call("POST", "/api/integrations/zoom/users/profile", {"user_id": "carol"})["data"]
    assert me["email"] == done["data"]["email"]
    assert web.call("POST", "/api/integrations/zoom/users/profile", {"user_id": "carol", "target_user_id": me["id"]})["data"]["id"] == me["id"]
    # Listing the account's users needs an admin scope that a user's grant here lacks: Zoom's
    # 403 arrives as permission_denied.
    integration_error(web.call("POST", "/api/integrations/zoom/users/list", {"user_id": "carol"}, status=403), "permission_denied")
    web.call("POST", "/api/integrations/zoom/webinars/list", {"user_id": "carol"})
    wb = web.call("POST", "/api/integrations/zoom/webinars/create", {"user_id": "carol", "webinar": {"topic": "Zebra webinar", "type": 5, "start_time": "2031-07-01T10:00:00Z", "duration": 60}}, status=201)
    assert wb["data"]["topic"] == "Zebra webinar"
    integration_error(web.call("POST", "/api/integrations/zoom/webinars/create", {"user_id": "carol"}, status=400), "validation_error")

    # ---- not connected, rate limited, bad JSON
    nc = web.call("POST", "/api/integrations/zoom/meetings/list", {"user_id": "dave"}, status=401)
    integration_error(nc, "not_connected")
    assert nc["error"]["kind"] == "not_connected"
    for path in ("/api/integrations/zoom/meetings/list", "/api/auth/zoom/refresh"):
        resp = web.http.post(path, data=b"{not json", headers={"content-type": "application/json", "X-User-ID": "carol"})
        assert resp.status_code == 400 and resp.is_json, resp.get_data(as_text=True)
        assert resp.get_json()["ok"] is False and "invalid_json" in json.dumps(resp.get_json())
    resp = web.http.post("/api/integrations/zoom/meetings/list", data=b"[1,2]", headers={"content-type": "application/json", "X-User-ID": "carol"})
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_json"

    # ---- about, registry, webhooks
    assert web.call("GET", "/api/integrations/zoom/health")["data"]["status"]
    about = web.call("GET", "/api/integrations/zoom/info")["data"]
    assert "/api/integrations/zoom/meetings/schedule" in about["routes"] and about["token_store"] == "memory"
    reg = web.call("GET", "/api/services/zoom")
    assert reg["type"] == "communication" and reg["status"] == "active"
    assert set(reg["capabilities"]) == {"meetings", "recordings", "users", "webinars"}
    assert "schedule zoom meeting" in reg["chat_commands"] and reg["workflow_triggers"] and reg["workflow_actions"]

    def signed(payload: Dict[str, Any], secret: str = WEBHOOK_SECRET) -> Dict[str, Any]:
        raw = json.dumps(payload).encode()
        ts = str(int(time.time()))
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
        return {"data": raw, "headers": {"x-zm-request-timestamp": ts, "x-zm-signature": sig, "content-type": "application/json"}}

    v = web.http.post("/api/zoom/webhooks", **signed({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}, "event_ts": 1}))
    assert v.status_code == 200
    expect = hmac.new(WEBHOOK_SECRET.encode(), b"abc", hashlib.sha256).hexdigest()
    assert v.get_json() == {"plainToken": "abc", "encryptedToken": expect}
    ev = {"event": "meeting.created", "event_ts": int(time.time() * 1000), "payload": {"account_id": emulator.config["account_id"], "object": {"id": 98765432101, "uuid": "zebraUUID==", "host_id": me["id"], "topic": "Zebra from a webhook", "type": 2, "start_time": "2031-08-01T10:00:00Z", "duration": 30, "timezone": "UTC"}}}
    assert web.http.post("/api/zoom/webhooks", **signed(ev)).status_code == 200
    forged = web.http.post("/api/zoom/webhooks", **signed(ev, "wrong-secret"))
    assert forged.status_code == 401 and forged.is_json
    assert web.http.post("/api/zoom/webhooks", data=b"{}", headers={"content-type": "application/json"}).status_code in (400, 401)
    found = web.call("POST", "/api/integrations/zoom/search", {"user_id": "carol", "query": "webhook zebra"})["data"]["hits"]
    assert any(h["topic"] == "Zebra from a webhook" for h in found), "the event reached the index"

    # last: a daily limit stops this client's calls in that category until Zoom's reset
    emulator.faults(daily_limit_next=1)
    limited = web.call("POST", "/api/integrations/zoom/meetings/info", {"user_id": "carol", "meeting_id": info["id"] + 1}, status=429)
    integration_error(limited, "rate_limited")
    assert int(limited["_headers"]["Retry-After"]) >= 1 and limited["error"]["retry_after"] >= 1
    emulator.clear_faults()

    # every route of the app was exercised
    missing = web.rules() - web.hit
    assert not missing, f"routes never called: {sorted(missing)}"
    for rec in caplog.records:
        for s in (emulator.config["client_secret"], WEBHOOK_SECRET):
            assert s not in rec.getMessage()


def test_legacy_status_keeps_200_and_ok_false(client: zoom_sdk.Client, emulator: Emulator) -> None:
    web = App(client, emulator, legacy_status=True)
    out = web.call("POST", "/api/auth/zoom/authorize", {}, status=200)
    assert out["ok"] is False and out["error"] == "unauthenticated" and out["status"] == 401
    out = web.call("POST", "/api/integrations/zoom/meetings/info", {"user_id": "dave", "meeting_id": 1}, status=200)
    assert out["ok"] is False and out["error"]["code"] == "not_connected" and out["status"] == 401


def test_a_browser_callback_goes_back_to_the_app(client: zoom_sdk.Client, emulator: Emulator) -> None:
    web = App(client, emulator, after_connect="/app/?tab=zoom")
    start = web.call("GET", "/api/auth/zoom/authorize?user_id=erin")
    r = web.http.get("/api/auth/zoom/callback", query_string=approve(start["authorization_url"]))
    assert r.status_code == 302 and r.headers["Location"].endswith("/app/?tab=zoom&zoom=connected")
    r = web.http.get("/api/auth/zoom/callback?error=access_denied&error_description=The+user+denied&state=s")
    assert r.status_code == 302 and "zoom=error" in r.headers["Location"] and "error=access_denied" in r.headers["Location"]


def test_transport_trouble_and_configuration_errors_answer_in_the_envelope(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    store = {"token_store": f"sqlite:{tmp_path / 'tokens.db'}", "token_store_plaintext": True}
    up = zoom_sdk.Client(**emulator.settings(**store))
    down = zoom_sdk.Client(**emulator.settings(api_base_url="http://127.0.0.1:9/v2", request_timeout_secs=2, **store))
    app = flask.Flask("down")
    app.register_blueprint(integration_blueprint(down, resolve_user=resolvers.trusting_user_id_header))
    app.register_blueprint(auth_blueprint(down, resolve_user=resolvers.trusting_user_id_header))
    http = app.test_client()
    # Zoom's OAuth answers but its API cannot be reached: the callback fails as a network
    # error and leaves no half-made grant (the core revokes it), so the user is not connected.
    start = http.post("/api/auth/zoom/authorize", headers={"X-User-ID": "fay"}).get_json()
    r = http.get("/api/auth/zoom/callback", query_string=approve(start["authorization_url"]))
    assert r.status_code == 503 and r.get_json()["error"] == "network_error", r.get_json()
    r = http.post("/api/integrations/zoom/status", json={}, headers={"X-User-ID": "fay"})
    assert r.get_json()["data"]["state"] == "not_connected"
    # A user connected earlier (same store) meets the outage as 503 network_error.
    cb = approve(up.integration.add("fay").url)
    up.integration.complete(cb["state"], cb["code"])
    r = http.post("/api/integrations/zoom/meetings/list", json={}, headers={"X-User-ID": "fay"})
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "network_error", r.get_json()

    for k in list(__import__("os").environ):
        if k.startswith("ZOOM_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("ZOOM_CLIENT_ID", "YOUR_CLIENT_ID")
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", "real-looking-secret")
    app = flask.Flask("unconfigured")
    app.register_blueprint(auth_blueprint(resolve_user=resolvers.trusting_user_id_header))
    app.register_blueprint(health_blueprint())
    app.register_blueprint(registry_blueprint())
    app.register_blueprint(webhooks_blueprint())
    http = app.test_client()
    r = http.post("/api/auth/zoom/authorize", headers={"X-User-ID": "gus"})
    body = r.get_json()
    assert r.status_code == 503 and body["error"] == "service_not_initialized"
    assert "ZOOM_CLIENT_ID" in body["message"] and "placeholder" in body["message"]
    assert "real-looking-secret" not in r.get_data(as_text=True)
    assert http.get("/api/zoom/health").status_code == 503
    assert http.get("/api/auth/zoom/health").get_json()["configuration"] == "invalid"
    assert http.get("/api/services/zoom").status_code == 503
    assert http.post("/api/zoom/webhooks", data=b"{}").status_code == 503


def test_every_error_kind_of_the_core_has_one_status_and_code() -> None:
    from zoom_sdk._zoom_sdk import error_kinds
    from zoom_sdk.flask import ERROR_TABLE

    kinds = {kind for kind, _code in error_kinds()}
    assert kinds <= set(ERROR_TABLE), f"kinds without an HTTP mapping: {sorted(kinds - set(ERROR_TABLE))}"
    for kind, (status, code) in ERROR_TABLE.items():
        assert 400 <= status <= 599 and code and code == code.lower(), kind
