"""``/api/zoom/health*``: the core's health reports in the backend's shapes. Unhealthy answers
503; no report holds a token or a secret (the core's reports never do)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from flask import Blueprint, Response

from .. import __version__
from ..client import Client
from ..errors import ZoomError
from . import _core
from ._core import ClientSource, Envelope

SERVICE = "zoom"


def _status_code(status: Any) -> int:
    return 503 if status == "unhealthy" else 200


def health_blueprint(
    client: Optional[Client] = None,
    *,
    url_prefix: str = "/api/zoom",
    name: str = "zoom_health",
) -> Blueprint:
    """The health routes (no user: they describe the service, never a user's data)."""
    source = ClientSource(client)
    env = Envelope()
    bp: Blueprint = _core.blueprint(name, __name__, url_prefix, _HealthErrors())

    def unavailable(error: Optional[ZoomError]) -> Response:
        message = error.message if error else "not configured"
        return env._send(
            {
                "status": "unhealthy",
                "timestamp": _core.now(),
                "reasons": [f"configuration: {message}"],
                "components": [
                    {"name": "oauth_config", "status": "unhealthy", "detail": message}
                ],
                "service": SERVICE,
                "version": __version__,
            },
            503,
            {},
        )

    @bp.route("/health", methods=["GET"])
    def overall() -> Response:
        c, error = source.peek()
        if c is None:
            return unavailable(error)
        report = c.health("overall").to_dict()
        body = {
            "status": report["status"],
            "timestamp": report.get("checked_at") or _core.now(),
            "components": report.get("components", []),
            "reasons": report.get("reasons", []),
            "metrics": c.metrics().to_dict(),
            "version": report.get("version") or __version__,
            "environment": report.get("environment"),
            "duration_ms": report.get("duration_ms"),
            "service": SERVICE,
        }
        return env._send(body, _status_code(body["status"]), {})

    def sub(path: str, data: Callable[[Client], Dict[str, Any]]) -> None:
        def view() -> Response:
            c, error = source.peek()
            if c is None:
                return unavailable(error)
            d = data(c)
            status = d.get("status", "healthy")
            return env._send(
                {"status": status, "timestamp": _core.now(), "data": d, "service": SERVICE},
                _status_code(status),
                {},
            )

        view.__name__ = "health_" + path
        bp.add_url_rule(f"/health/{path}", view_func=view, methods=["GET"])

    def component(name: str) -> Callable[[Client], Dict[str, Any]]:
        def get(c: Client) -> Dict[str, Any]:
            for part in c.health("overall").get("components") or []:
                if part.get("name") == name:
                    return dict(part)
            return {"name": name, "status": "unhealthy", "detail": "not reported"}

        return get

    def configuration(c: Client) -> Dict[str, Any]:
        report = c.readiness(online=False).to_dict()
        if report.get("failed"):
            report["status"] = "unhealthy"
        elif report.get("warned"):
            report["status"] = "degraded"
        else:
            report["status"] = "healthy"
        return report

    def api(c: Client) -> Dict[str, Any]:
        conn = c.health("connection").to_dict()
        conn["metrics"] = c.metrics().to_dict()
        return conn

    sub("tokens", lambda c: c.health("tokens").to_dict())
    sub("connection", lambda c: c.health("connection").to_dict())
    sub("configuration", configuration)
    sub("api", api)
    sub("database", component("token_store"))
    sub("summary", lambda c: c.health("summary").to_dict())
    return bp


class _HealthErrors(Envelope):
    """A failure inside a health route is itself an unhealthy answer, never an HTML page."""

    def error(self, f: _core.Failure) -> Response:
        return self._send(
            {
                "status": "unhealthy",
                "timestamp": _core.now(),
                "error": {"code": f.code, "message": f.message},
                "service": SERVICE,
            },
            503 if f.status >= 500 else f.status,
            f.headers,
        )
