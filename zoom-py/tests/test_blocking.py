"""Each capability through the blocking API, against the emulator process."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import List

import pytest

import zoom_sdk
from zoom_sdk import models

from conftest import WEBHOOK_SECRET, Emulator, approve


def later(hours: int = 2) -> datetime:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).replace(microsecond=0)


def test_settings_from_keywords_and_environment(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in emulator.settings().items():
        monkeypatch.setenv(f"ZOOM_{k.upper()}", str(v))
    c = zoom_sdk.Client.from_env(index=None, request_timeout_secs=3)
    assert c.account().users.me().email
    with pytest.raises(zoom_sdk.InvalidInputError) as e:
        zoom_sdk.Client(client_idd="x")
    assert e.value.field == "client_idd"
    with pytest.raises(zoom_sdk.ConfigError) as c_err:
        zoom_sdk.Client(token_store="memory")
    assert "CLIENT_ID" in str(c_err.value).upper()


def test_meetings_create_get_update_list_delete(client: zoom_sdk.Client) -> None:
    s = client.account()
    start = later()
    m = s.meetings.create({"topic": "Py planning", "type": 2, "start_time": start, "duration": 45, "timezone": "Europe/Paris"})
    assert isinstance(m, models.Meeting) and isinstance(m.id, int)
    got = s.meetings.get(m.id)
    assert got.topic == "Py planning" and got.start_time == start
    assert got.start_time is not None and got.start_time.tzinfo is not None
    assert got == s.meetings.get(m.id) and got != m or got.to_dict()["id"] == m.id
    assert "Py planning" in repr(got)
    s.meetings.update(m.id, {"topic": "Py planning (moved)"})
    assert s.meetings.get(m.id).topic == "Py planning (moved)"
    page = s.meetings.list(page_size=30)
    assert isinstance(page, zoom_sdk.Page) and len(page.items) == 30 and page.next_page_token
    everything = list(s.meetings.iter())
    assert len(everything) == page.total_records and len({x.id for x in everything}) == len(everything)
    assert len(everything) > 300, "the iteration crossed a page of 300"
    json.dumps(got.to_dict())
    s.meetings.delete(m.id)
    with pytest.raises(zoom_sdk.NotFoundError) as nf:
        s.meetings.get(m.id)
    assert nf.value.status == 404 and nf.value.code == 3001 and nf.value.tracking_id
    assert isinstance(nf.value, LookupError)


def test_validation_errors_carry_zooms_code_and_fields(client: zoom_sdk.Client) -> None:
    with pytest.raises(zoom_sdk.ValidationError) as e:
        client.account().request("POST", "/users/me/meetings", body={"topic": "t", "type": 7})
    assert e.value.status == 400 and e.value.code == 300
    assert e.value.errors == [zoom_sdk.errors.FieldError("type", "Invalid field.")]
    with pytest.raises(zoom_sdk.InvalidInputError) as local:
        client.account().meetings.create({"topic": "x" * 300, "type": 2, "start_time": later(), "duration": 30})
    assert local.value.field == "topic", "checked before anything is sent"
    with pytest.raises(zoom_sdk.InvalidInputError):
        client.account().meetings.create({"topic": "no type"})
    with pytest.raises(ValueError):
        client.account().meetings.create({"topic": "naive", "type": 2, "start_time": datetime(2030, 1, 1)})


def test_users_and_raw_requests(client: zoom_sdk.Client, emulator: Emulator) -> None:
    s = client.account()
    me = s.users.me()
    assert isinstance(me, models.User) and "@" in me.email
    assert s.users.get(me.id) == me
    users = list(s.users.iter(page_size=1))
    assert {u.id for u in users} >= {me.id} and len(users) == len(emulator.get("/_emulator/users"))
    raw = s.request("GET", f"/users/{me.id}")
    assert raw["email"] == me.email


def test_user_oauth_with_pkce_refresh_status_and_disconnect(client: zoom_sdk.Client) -> None:
    auth = client.authorization_url()
    assert "code_challenge=" in auth.url and auth.state in auth.url
    assert auth.pending.pkce_verifier not in repr(auth) and "<hidden>" in repr(auth.pending)
    cb = approve(auth.url)
    stored = client.complete_authorization("alice", cb["code"], cb["state"], auth.pending)
    assert stored.zoom_user_id and stored.expires_at > datetime.now(timezone.utc)
    alice = client.user("alice")
    assert alice.users.me().id == stored.zoom_user_id
    client.refresh("alice")
    status = client.token_status("alice")
    assert status is not None and status.updated_at >= stored.updated_at
    with pytest.raises(zoom_sdk.StateMismatchError):
        client.complete_authorization("alice", cb["code"], "another-state", auth.pending)
    client.disconnect("alice")
    assert client.token_status("alice") is None
    with pytest.raises(zoom_sdk.NotConnectedError):
        alice.users.me()


def test_integration_sync_search_and_skills(client: zoom_sdk.Client, connected: str) -> None:
    st = client.integration.status(connected)
    assert st.state == "connected" and st.scopes
    seen: List[models.SyncProgress] = []
    report = client.integration.sync(connected, progress=seen.append)
    assert report.outcome == "completed" and report.api_calls > 0
    assert seen and all(isinstance(p, models.SyncProgress) for p in seen)
    made = client.skills.schedule_meeting(
        connected,
        {"topic": "Quarterly zebra review", "start": {"local": {"time": "2031-03-04T10:00:00", "time_zone": "America/New_York"}}, "duration_minutes": 30},
    )
    assert made.timezone == "America/New_York"
    client.integration.sync(connected)
    hits = client.integration.search(connected, "zebra")
    assert [h.meeting_id for h in hits.hits] == [str(made.id)]
    upcoming = client.skills.list_meetings(connected, limit=5)
    assert len(upcoming) == 5 and all(isinstance(m, models.MeetingSummary) for m in upcoming)
    assert client.skills.get_user_profile(connected).email
    today = date.today()
    recs = client.skills.get_recordings(connected, today - timedelta(days=60), today)
    assert all(isinstance(r, models.MeetingRecording) for r in recs)
    with pytest.raises(zoom_sdk.NotConnectedError) as nc:
        client.skills.get_user_profile("stranger")
    assert nc.value.connect_url and nc.value.connect_url.startswith("http")
    assert client.integration.forget(connected) > 0


def test_recordings_list_get_and_download_with_progress(client: zoom_sdk.Client, tmp_path: Path) -> None:
    s = client.account()
    today = date.today()
    recs = list(s.recordings.iter(today - timedelta(days=29), today))
    assert recs, "the emulator seeds recordings"
    rec = s.recordings.get(recs[0].id)
    f = next(x for x in rec.recording_files if x.download_url)
    assert f.download_url is not None
    progress: List[models.DownloadProgress] = []
    report = s.recordings.download(f.download_url, str(tmp_path / "rec.bin"), progress=progress.append)
    assert report.bytes == (tmp_path / "rec.bin").stat().st_size > 0
    assert progress and progress[-1].downloaded == report.bytes


def test_health_readiness_descriptor_and_metrics(client: zoom_sdk.Client) -> None:
    client.account().users.me()
    h = client.health()
    assert h.status in ("healthy", "degraded", "unhealthy")
    assert client.health("summary").to_dict()
    with pytest.raises(zoom_sdk.InvalidInputError):
        client.health("nope")
    r = client.readiness()
    assert r.to_dict()
    d = client.service_descriptor()
    assert d.name
    assert client.metrics().to_dict()


def sign(body: bytes, ts: str) -> str:
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256)
    return "v0=" + mac.hexdigest()


def test_webhooks_verify_validate_and_handle(client: zoom_sdk.Client) -> None:
    body = json.dumps({"event": "meeting.deleted", "event_ts": 1, "payload": {"account_id": "a", "object": {"id": 123, "uuid": "u", "host_id": "h", "topic": "t"}}}).encode()
    ts = str(int(time.time()))
    ev = client.webhooks.verify(body, {"X-Zm-Request-Timestamp": ts, "X-Zm-Signature": sign(body, ts)})
    assert isinstance(ev, models.WebhookEvent) and ev.event == "meeting.deleted"
    with pytest.raises(zoom_sdk.WebhookError) as bad:
        client.webhooks.verify(body, {"x-zm-request-timestamp": ts, "x-zm-signature": "v0=00"})
    assert bad.value.status == 401
    reply = client.webhooks.url_validation("plain")
    expected = hmac.new(WEBHOOK_SECRET.encode(), b"plain", hashlib.sha256).hexdigest()
    assert reply == {"plainToken": "plain", "encryptedToken": expected}
    handled = client.webhooks.handle(body, {"x-zm-request-timestamp": ts, "x-zm-signature": sign(body, ts)})
    assert handled.status == 200 and handled.event == "meeting.deleted"
