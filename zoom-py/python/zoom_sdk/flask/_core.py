"""What every blueprint shares: the client (given, or built from the environment on first
use, after any fork), the one table from SDK errors to HTTP statuses and error codes, the two
JSON envelopes of the backend's contract, request-body parsing and user resolution.

Nothing here decides anything about Zoom: every answer comes from the Rust core through
:class:`zoom_sdk.Client`; this module only shapes it for HTTP.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, NoReturn, Optional, Tuple

from flask import Request, Response, jsonify, request

from ..client import Client
from ..errors import ConfigError, RateLimitError, ReauthorizationRequired, ZoomError
from ..models import Connected
from .._convert import jsonable

log = logging.getLogger("zoom_sdk.flask")

#: Resolves the authenticated application user of a request (``None``: nobody).
UserResolver = Callable[[Request], Optional[str]]

#: ``source`` of the integration envelope.
SOURCE = "zoom_sdk"


def now() -> str:
    """The current time, RFC 3339 in UTC, as the contract's ``timestamp`` fields."""
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- the client


class ClientSource:
    """The client a blueprint uses: the one given, or ``Client.from_env()`` made on first use
    (so a pre-fork server builds it in each worker). A configuration error is kept and
    answered as ``service_not_initialized`` until the process restarts."""

    def __init__(self, client: Optional[Client]) -> None:
        self._client = client
        self._error: Optional[ConfigError] = None
        self._lock = threading.Lock()

    def get(self) -> Client:
        if self._client is not None:
            return self._client
        with self._lock:
            if self._client is None:
                if self._error is not None:
                    raise self._error
                try:
                    self._client = Client.from_env()
                except ConfigError as e:
                    self._error = e
                    raise
            return self._client

    def peek(self) -> Tuple[Optional[Client], Optional[ZoomError]]:
        """The client, or the error that keeps it from being built."""
        try:
            return self.get(), None
        except ZoomError as e:
            return None, e


# ---------------------------------------------------------------- errors


class RouteError(Exception):
    """An error a route answers itself (bad JSON, a missing field, no user)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        extra: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})


def fail(status: int, code: str, message: str, **extra: Any) -> NoReturn:
    raise RouteError(status, code, message, extra)


#: Every SDK error kind: the HTTP status and the error code routes answer with. The one place
#: where an SDK error becomes HTTP.
ERROR_TABLE: Dict[str, Tuple[int, str]] = {
    "invalid_input": (400, "validation_error"),
    "validation": (400, "validation_error"),
    "config": (503, "service_not_initialized"),
    "auth": (401, "zoom_auth_error"),
    "oauth": (400, "oauth_error"),
    "state_mismatch": (400, "invalid_state"),
    "reauthorization_required": (401, "reauthorization_required"),
    "not_connected": (401, "not_connected"),
    "permission_denied": (403, "permission_denied"),
    "rate_limited": (429, "rate_limited"),
    "not_found": (404, "not_found"),
    "api": (502, "zoom_api_error"),
    "transport": (503, "network_error"),
    "timeout": (504, "timeout"),
    "decode": (502, "zoom_bad_response"),
    "storage": (503, "storage_unavailable"),
    "webhook": (400, "webhook_rejected"),
    "internal": (500, "internal_error"),
}


@dataclass
class Failure:
    """An error ready to answer: status, code, message, extra fields, headers."""

    status: int
    code: str
    message: str
    extra: Dict[str, Any]
    headers: Dict[str, str]


def failure(error: BaseException, overrides: Optional[Mapping[str, str]] = None) -> Failure:
    """Any exception as a :class:`Failure`. ``overrides`` renames codes for one route (the auth
    callback answers an ``oauth`` error as ``token_exchange_failed``). Messages of unknown
    exceptions are not shown (they may hold anything); the SDK's never hold a secret."""
    if isinstance(error, RouteError):
        return Failure(error.status, error.code, error.message, error.extra, error.headers)
    if isinstance(error, ZoomError):
        status, code = ERROR_TABLE.get(error.kind, (500, "internal_error"))
        if error.kind == "webhook" and error.status:
            status = int(error.status)
        code = (overrides or {}).get(error.kind, code)
        extra: Dict[str, Any] = {"kind": error.kind}
        headers: Dict[str, str] = {}
        if error.code is not None:
            extra["zoom_code"] = error.code
        if error.tracking_id:
            extra["tracking_id"] = error.tracking_id
        if isinstance(error, RateLimitError) and error.retry_after is not None:
            extra["retry_after"] = error.retry_after
            headers["Retry-After"] = str(max(1, int(error.retry_after + 0.999)))
        if isinstance(error, ReauthorizationRequired) and error.connect_url:
            extra["connect_url"] = error.connect_url
        field = error.details.get("field")
        if field:
            extra["field"] = field
        fields = error.details.get("fields")
        if fields:
            extra["fields"] = fields
        return Failure(status, code, error.message, extra, headers)
    log.error("zoom route failed with %s", type(error).__name__)
    return Failure(500, "internal_error", "internal error (see the server's log)", {}, {})


# ---------------------------------------------------------------- envelopes


class Envelope:
    """How a blueprint answers. ``legacy_status`` keeps the old backend's HTTP 200 for
    failures (clients read ``ok``); the status is still in the body as ``status``."""

    def __init__(self, legacy_status: bool = False) -> None:
        self.legacy_status = legacy_status

    def _send(self, body: Dict[str, Any], status: int, headers: Mapping[str, str]) -> Response:
        resp = jsonify(body)
        resp.status_code = 200 if (self.legacy_status and status >= 400) else status
        for k, v in headers.items():
            resp.headers[k] = v
        resp.headers["Cache-Control"] = "no-store"
        return resp

    def ok(self, body: Dict[str, Any], status: int = 200) -> Response:
        return self._send({"ok": True, **body}, status, {})

    def error(self, f: Failure) -> Response:
        raise NotImplementedError


class AuthEnvelope(Envelope):
    """The auth routes: ``{"ok": false, "error": code, "message", "provider": "zoom"}``."""

    def ok(self, body: Dict[str, Any], status: int = 200) -> Response:
        return super().ok({**body, "provider": "zoom"}, status)

    def error(self, f: Failure) -> Response:
        body = {
            "ok": False,
            "error": f.code,
            "message": f.message,
            "provider": "zoom",
            "status": f.status,
            **f.extra,
        }
        return self._send(body, f.status, f.headers)


class IntegrationEnvelope(Envelope):
    """The integration routes: ``{"ok", "data", "endpoint", "timestamp", "source"}``, and
    ``{"ok": false, "error": {"code", "message", "endpoint"}, ...}``."""

    def data(self, data: Any, status: int = 200) -> Response:
        return self._send(
            {
                "ok": True,
                "data": jsonable(data),
                "endpoint": request.path,
                "timestamp": now(),
                "source": SOURCE,
            },
            status,
            {},
        )

    def error(self, f: Failure) -> Response:
        body = {
            "ok": False,
            "error": {"code": f.code, "message": f.message, "endpoint": request.path, **f.extra},
            "status": f.status,
            "timestamp": now(),
            "source": SOURCE,
        }
        return self._send(body, f.status, f.headers)


# ---------------------------------------------------------------- requests


def body() -> Dict[str, Any]:
    """The request's JSON object (``{}`` for an empty body or a GET). A body that is not JSON,
    or JSON that is not an object, is a 400."""
    if request.method == "GET":
        return {}
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        value = request.get_json(force=True, silent=False, cache=True)
    except Exception:
        fail(400, "invalid_json", "the request body is not valid JSON")
    if not isinstance(value, dict):
        fail(400, "invalid_json", "the request body must be a JSON object")
    return value


def param(name: str, default: Any = None) -> Any:
    """A field from the JSON body, else the query string."""
    data = body()
    if name in data and data[name] is not None:
        return data[name]
    return request.args.get(name, default)


def required(name: str, expected: type = str) -> Any:
    value = param(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        fail(400, "validation_error", f"{name} is required", field=name)
    if expected is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, expected):
        fail(400, "validation_error", f"{name} must be a {expected.__name__}", field=name)
    return value


def integer(name: str, lo: int, hi: int, default: Optional[int] = None) -> Optional[int]:
    value = param(name)
    if value is None or value == "":
        return default
    try:
        n = int(value)
        if isinstance(value, float) and n != value:
            raise ValueError
    except (TypeError, ValueError):
        fail(400, "validation_error", f"{name} must be a whole number", field=name)
    if not lo <= n <= hi:
        fail(400, "validation_error", f"{name} must be from {lo} to {hi}", field=name)
    return n


def resolve_optional(resolver: UserResolver) -> Optional[str]:
    """The calling user when the resolver knows one (a browser following Zoom's redirect may
    carry no credentials the resolver reads)."""
    try:
        user = resolver(request)
    except Exception:
        return None
    return str(user) if user else None


def complete_for(client: Client, state: str, code: str, caller: Optional[str]) -> Connected:
    """Finish a connection from a callback's ``state`` and ``code``. When the caller is known
    and is not the user who started the authorization, connecting it would hand them someone
    else's Zoom account (login CSRF): the grant is revoked and the answer is 403
    ``user_mismatch``."""
    connected = client.integration.complete(state, code)
    if caller is not None and caller != connected.user_id:
        try:
            client.disconnect(connected.user_id)
        finally:
            fail(403, "user_mismatch", "this authorization was started by another user")
    return connected


def resolve(resolver: UserResolver) -> str:
    """The calling user, or a 401."""
    try:
        user = resolver(request)
    except RouteError:
        raise
    except Exception:
        log.warning("the user resolver raised %s", "an exception")
        user = None
    if not user:
        fail(401, "unauthenticated", "the request's user could not be resolved")
    return str(user)


class renamed:
    """``with renamed(oauth="token_exchange_failed"):`` answers SDK errors of the block with a
    route's own codes (the old backend's names), statuses unchanged."""

    def __init__(self, **codes: str) -> None:
        self.codes = codes

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, tb: Any) -> None:
        if isinstance(error, ZoomError):
            f = failure(error, self.codes)
            raise RouteError(f.status, f.code, f.message, f.extra, f.headers) from None


def blueprint(name: str, import_name: str, url_prefix: str, envelope: Envelope) -> Any:
    """A blueprint whose every failure, of any kind, is answered in ``envelope``."""
    from flask import Blueprint

    bp = Blueprint(name, import_name, url_prefix=url_prefix)

    def on_error(error: Exception) -> Response:
        return envelope.error(failure(error))

    bp.register_error_handler(Exception, on_error)
    return bp


def current_rules() -> List[Any]:
    """The application's URL rules (for ``/info``)."""
    from flask import current_app

    return list(current_app.url_map.iter_rules())
