"""``/api/integrations/zoom/*``: connect, status, sync, search and the operation routes, in
the integration envelope (``{"ok", "data", "endpoint", "timestamp", "source"}``)."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

from flask import Blueprint, Response

from .. import __version__
from ..client import Client
from ..errors import ZoomError
from ..models import Page, SyncProgress, SyncReport
from . import _core
from ._core import ClientSource, IntegrationEnvelope, UserResolver, fail, integer, param, required


class SyncTracker:
    """Syncs started in the background by this process, with their latest progress, for
    ``sync/status`` and a progress bar. Another process's sync shows in the core's status
    (``sync_pending``, ``last_sync``) instead."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: Dict[str, Dict[str, Any]] = {}

    def start(self, client: Client, user: str, full: bool, kinds: Optional[List[str]]) -> bool:
        """Start a sync for ``user`` on a thread unless one is running here; whether it
        started."""
        with self._lock:
            run = self._runs.get(user)
            if run is not None and run["state"] == "running":
                return False
            self._runs[user] = {
                "state": "running",
                "started_at": _core.now(),
                "progress": None,
                "report": None,
                "error": None,
            }

        def progress(p: SyncProgress) -> None:
            with self._lock:
                self._runs[user]["progress"] = p.to_dict()

        def work() -> None:
            try:
                report = client.integration.sync(
                    user, full=full, kinds=kinds, skip_if_busy=True, progress=progress
                )
                result: Dict[str, Any] = {"state": "finished", "report": report.to_dict()}
            except ZoomError as e:
                f = _core.failure(e)
                result = {"state": "failed", "error": {"code": f.code, "message": f.message}}
            except Exception as e:  # never let a thread die silently
                result = {"state": "failed", "error": {"code": "internal_error", "message": type(e).__name__}}
            with self._lock:
                self._runs[user].update(result, finished_at=_core.now())

        threading.Thread(target=work, name=f"zoom-sync-{user}", daemon=True).start()
        return True

    def get(self, user: str) -> Optional[Dict[str, Any]]:
        with self._lock:
            run = self._runs.get(user)
            return None if run is None else dict(run)


def _bool(name: str, default: bool) -> bool:
    value = param(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes"):
        return True
    if isinstance(value, str) and value.lower() in ("0", "false", "no"):
        return False
    fail(400, "validation_error", f"{name} must be true or false", field=name)


def _day(name: str) -> Optional[date]:
    value = param(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        fail(400, "validation_error", f"{name} must be a date (YYYY-MM-DD)", field=name)
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        fail(400, "validation_error", f"{name} must be a date (YYYY-MM-DD)", field=name)


def _meeting_id(name: str = "meeting_id") -> int:
    value = required(name, object)
    try:
        n = int(str(value).replace(" ", ""))
    except ValueError:
        fail(400, "validation_error", f"{name} must be a Zoom meeting number", field=name)
    if n <= 0:
        fail(400, "validation_error", f"{name} must be a Zoom meeting number", field=name)
    return n


def _object(name: str) -> Dict[str, Any]:
    value = param(name)
    if not isinstance(value, dict):
        fail(400, "validation_error", f"{name} must be a JSON object", field=name)
    return value


def _kinds() -> Optional[List[str]]:
    value = param("kinds")
    if value is None:
        return None
    if isinstance(value, str):
        return [k for k in value.split(",") if k]
    if isinstance(value, list) and all(isinstance(k, str) for k in value):
        return value
    fail(400, "validation_error", "kinds must be a list of names", field="kinds")


def _listing(field: str, page: Page[Any]) -> Dict[str, Any]:
    """A page as the old routes answered it: the items under ``field``."""
    d = page.to_dict()
    return {field: d["items"], "next_page_token": d["next_page_token"], "total_records": d["total_records"]}


def _schedule(meeting: Dict[str, Any]) -> Dict[str, Any]:
    """The old enhanced API's ``meeting`` as the core's schedule request. The core checks
    everything (future start, duration, time zone, passcode) before anything is sent."""
    start = meeting.get("start_time")
    if not isinstance(start, str) or not start.strip():
        fail(400, "validation_error", "meeting.start_time is required (ISO 8601)", field="start_time")
    try:
        parsed = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        fail(400, "validation_error", "meeting.start_time must be an ISO 8601 time", field="start_time")
    tz = meeting.get("timezone")
    when: Dict[str, Any]
    if parsed.tzinfo is not None:
        when = {"at": parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    else:
        when = {"local": {"time": parsed.strftime("%Y-%m-%dT%H:%M:%S"), "time_zone": tz or "UTC"}}
    out: Dict[str, Any] = {
        "topic": meeting.get("topic"),
        "start": when,
        "duration_minutes": meeting.get("duration"),
    }
    if meeting.get("agenda") is not None:
        out["agenda"] = meeting["agenda"]
    if meeting.get("password") is not None:
        out["passcode"] = meeting["password"]
    return out


def integration_blueprint(
    client: Optional[Client] = None,
    *,
    resolve_user: UserResolver,
    legacy_status: bool = False,
    url_prefix: str = "/api/integrations/zoom",
    name: str = "zoom_integration",
) -> Blueprint:
    """The integration and operation routes. ``resolve_user(request)`` names the authenticated
    application user (required: see :mod:`zoom_sdk.flask.resolvers`); every route acts for
    that user only. ``legacy_status``: failures answer HTTP 200 with ``ok: false``."""
    source = ClientSource(client)
    env = IntegrationEnvelope(legacy_status)
    bp: Blueprint = _core.blueprint(name, __name__, url_prefix, env)
    tracker = SyncTracker()

    def user() -> str:
        return _core.resolve(resolve_user)

    def session() -> Any:
        return source.get().user(user()).meetings

    # ------------------------------------------------------------ connect

    @bp.route("/add", methods=["POST"])
    def add() -> Response:
        start = source.get().integration.add(user())
        return env.data(
            {
                "authorization_url": start.url,
                "oauth_url": start.url,
                "state": start.state,
                "expires_at": start.get("expires_at"),
            }
        )

    @bp.route("/oauth/callback", methods=["POST"])
    def oauth_callback() -> Response:
        caller = user()
        code, state = required("code"), required("state")
        return env.data(_core.complete_for(source.get(), state, code, caller))

    @bp.route("/status", methods=["GET", "POST"])
    def status() -> Response:
        return env.data(source.get().integration.status(user()))

    # ------------------------------------------------------------ sync and search

    def sync_state(u: str) -> Dict[str, Any]:
        return {"status": source.get().integration.status(u).to_dict(), "run": tracker.get(u)}

    @bp.route("/sync", methods=["POST"])
    def sync() -> Response:
        u = user()
        full, kinds = _bool("full", False), _kinds()
        if _bool("background", False):
            started = tracker.start(source.get(), u, full, kinds)
            return env.data({"started": started, **sync_state(u)}, 202 if started else 409)
        report: SyncReport = source.get().integration.sync(u, full=full, kinds=kinds, skip_if_busy=True)
        return env.data(report, 409 if report.outcome == "busy" else 200)

    @bp.route("/sync/status", methods=["GET", "POST"])
    def sync_status() -> Response:
        return env.data(sync_state(user()))

    @bp.route("/sync/force", methods=["POST"])
    def sync_force() -> Response:
        u = user()
        report = source.get().integration.sync(u, full=True, kinds=_kinds(), skip_if_busy=True)
        if report.outcome == "busy":
            fail(409, "sync_in_progress", "a sync of this user is running elsewhere", holder=report.holder, until=report.get("until"))
        return env.data(report)

    @bp.route("/search", methods=["GET", "POST"])
    def search() -> Response:
        u = user()
        query = param("query", param("q", ""))
        if not isinstance(query, str):
            fail(400, "validation_error", "query must be a string", field="query")
        filters = param("filters") or {}
        if not isinstance(filters, dict):
            fail(400, "validation_error", "filters must be a JSON object", field="filters")
        page = source.get().integration.search(
            u,
            query,
            kinds=_kinds() or filters.get("kinds"),
            from_=filters.get("from") or param("from"),
            to=filters.get("to") or param("to"),
            has_recording=filters.get("has_recording"),
            page_size=integer("page_size", 1, 300),
            next_page_token=param("next_page_token"),
        )
        return env.data(page)

    # ------------------------------------------------------------ meetings

    @bp.route("/meetings/list", methods=["POST"])
    def meetings_list() -> Response:
        page = session().list(
            type=param("type", "upcoming"),
            page_size=integer("page_size", 1, 300, 30),
            next_page_token=param("next_page_token"),
            from_=_day("from_date"),
            to=_day("to_date"),
        )
        return env.data(_listing("meetings", page))

    @bp.route("/meetings/create", methods=["POST"])
    def meetings_create() -> Response:
        return env.data(session().create(_object("meeting")), 201)

    @bp.route("/meetings/schedule", methods=["POST"])
    def meetings_schedule() -> Response:
        u = user()
        meeting = _object("meeting")
        return env.data(source.get().skills.schedule_meeting(u, _schedule(meeting)), 201)

    @bp.route("/meetings/update", methods=["POST"])
    def meetings_update() -> Response:
        meetings, mid = session(), _meeting_id()
        meetings.update(mid, _object("updates"))
        return env.data(meetings.get(mid))

    @bp.route("/meetings/delete", methods=["POST"])
    def meetings_delete() -> Response:
        meetings, mid = session(), _meeting_id()
        meetings.delete(mid)
        return env.data({"deleted": True, "meeting_id": str(mid)})

    @bp.route("/meetings/info", methods=["POST"])
    def meetings_info() -> Response:
        return env.data(session().get(_meeting_id()))

    # ------------------------------------------------------------ recordings, users, webinars

    @bp.route("/recordings/list", methods=["POST"])
    def recordings_list() -> Response:
        u = user()
        c = source.get()
        if param("meeting_id") is not None:
            rec = c.user(u).recordings.get(_meeting_id())
            return env.data({"meetings": [rec.to_dict()], "total_records": 1})
        to = _day("to_date") or datetime.now(timezone.utc).date()
        from_ = _day("from_date") or to - timedelta(days=30)
        if from_ > to:
            fail(400, "validation_error", "from_date must not be after to_date", field="from_date")
        found = c.skills.get_recordings(u, from_, to)
        return env.data({"meetings": [r.to_dict() for r in found], "from": from_.isoformat(), "to": to.isoformat(), "total_records": len(found)})

    @bp.route("/recordings/delete", methods=["POST"])
    def recordings_delete() -> Response:
        u = user()
        mid = _meeting_id()
        rid = param("recording_id")
        source.get().user(u).recordings.delete(mid, recording_id=rid)
        return env.data({"deleted": True, "meeting_id": str(mid), "recording_id": rid})

    @bp.route("/users/profile", methods=["POST"])
    def users_profile() -> Response:
        u = user()
        target = param("target_user_id") or "me"
        users = source.get().user(u).users
        return env.data(users.me() if target == "me" else users.get(str(target)))

    @bp.route("/users/list", methods=["POST"])
    def users_list() -> Response:
        page = source.get().user(user()).users.list(
            status=param("status"),
            page_size=integer("page_size", 1, 300, 30),
            next_page_token=param("next_page_token"),
        )
        return env.data(_listing("users", page))

    @bp.route("/webinars/list", methods=["POST"])
    def webinars_list() -> Response:
        page = source.get().user(user()).webinars.list(
            page_size=integer("page_size", 1, 300, 30), next_page_token=param("next_page_token")
        )
        return env.data(_listing("webinars", page))

    @bp.route("/webinars/create", methods=["POST"])
    def webinars_create() -> Response:
        webinars = source.get().user(user()).webinars
        return env.data(webinars.create(_object("webinar")), 201)

    # ------------------------------------------------------------ about

    @bp.route("/health", methods=["GET"])
    def health() -> Response:
        c, error = source.peek()
        if c is None:
            raise error if error else RuntimeError("not configured")
        summary = c.health("summary")
        return env.data(summary, 503 if summary.get("status") == "unhealthy" else 200)

    @bp.route("/info", methods=["GET"])
    def info() -> Response:
        c = source.get()
        config = c.config()
        d = c.service_descriptor()
        return env.data(
            {
                "name": d.get("name"),
                "version": __version__,
                "environment": config.get("environment"),
                "capabilities": d.get("capabilities"),
                "token_store": config.get("token_store"),
                "routes": sorted(
                    r.rule for r in _core.current_rules() if r.rule.startswith(url_prefix)
                ),
            }
        )

    return bp
