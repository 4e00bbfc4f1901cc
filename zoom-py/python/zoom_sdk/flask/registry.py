"""``GET /api/services/zoom``: the service registry entry, from the core's descriptor with the
live health status."""

from __future__ import annotations

from typing import Optional

from flask import Blueprint, Response

from ..client import Client
from . import _core
from ._core import ClientSource, Envelope

DESCRIPTION = "Zoom meetings, recordings, users and webinars through the zoom-sdk core"


def registry_blueprint(
    client: Optional[Client] = None,
    *,
    url_prefix: str = "/api/services",
    name: str = "zoom_registry",
) -> Blueprint:
    """The registry route. It describes the service, not a user, so it needs no user."""
    source = ClientSource(client)
    env = Envelope()
    bp: Blueprint = _core.blueprint(name, __name__, url_prefix, _RegistryErrors())

    @bp.route("/zoom", methods=["GET"])
    def entry() -> Response:
        c, error = source.peek()
        if c is None:
            return env._send(
                {
                    "name": "Zoom",
                    "status": "unavailable",
                    "type": "communication",
                    "description": DESCRIPTION,
                    "health": "unhealthy",
                    "message": error.message if error else "not configured",
                    "last_checked": _core.now(),
                },
                503,
                {},
            )
        d = c.service_descriptor().to_dict()
        health = d.get("health") or "unhealthy"
        commands = d.get("chat_commands") or []
        actions = d.get("actions") or []
        return env._send(
            {
                "name": d.get("name"),
                "status": "unavailable" if health == "unhealthy" else "active",
                "type": d.get("type"),
                "description": DESCRIPTION,
                "version": d.get("version"),
                "capabilities": d.get("capabilities"),
                "health": health,
                "workflow_triggers": d.get("workflow_triggers"),
                "workflow_actions": [a.get("id") for a in actions],
                "actions": actions,
                "chat_commands": [c.get("phrase") for c in commands],
                "chat_command_details": commands,
                "last_checked": _core.now(),
            },
            200,
            {},
        )

    return bp


class _RegistryErrors(Envelope):
    def error(self, f: _core.Failure) -> Response:
        return self._send(
            {"name": "Zoom", "status": "unavailable", "error": {"code": f.code, "message": f.message}},
            f.status,
            f.headers,
        )
