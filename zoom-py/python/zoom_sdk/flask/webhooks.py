"""``POST /api/zoom/webhooks``: Zoom's webhook endpoint. The signature (``x-zm-signature``
over ``v0:{timestamp}:{raw body}``) is checked over the raw bytes, ``endpoint.url_validation``
is answered, and events go into the index (and ``app_deauthorized`` into the token store),
all by the core's receiver."""

from __future__ import annotations

import logging
from typing import Callable, Optional

from flask import Blueprint, Response, request

from ..client import Client
from ..models import WebhookReply
from . import _core
from ._core import ClientSource, Envelope

log = logging.getLogger("zoom_sdk.flask")


def webhooks_blueprint(
    client: Optional[Client] = None,
    *,
    on_event: Optional[Callable[[WebhookReply], object]] = None,
    url_prefix: str = "/api/zoom",
    name: str = "zoom_webhooks",
) -> Blueprint:
    """The webhook route. Zoom is the caller, proven by the signature, so there is no user.
    ``on_event(reply)`` runs after an event was verified and applied (not for URL
    validation); an exception there is logged by type and does not change the answer, so
    Zoom does not retry an event that was stored."""
    source = ClientSource(client)
    bp: Blueprint = _core.blueprint(name, __name__, url_prefix, _WebhookErrors())

    @bp.route("/webhooks", methods=["POST"])
    def receive() -> Response:
        reply = source.get().webhooks.handle(request.get_data(cache=False), dict(request.headers))
        if on_event is not None and reply.event and reply.event != "endpoint.url_validation":
            try:
                on_event(reply)
            except Exception as e:
                log.error("the webhook on_event hook raised %s", type(e).__name__)
        return Response(reply.body, status=reply.status, mimetype="application/json")

    return bp


class _WebhookErrors(Envelope):
    """A refused webhook: the status the core chose (401 for a bad signature), a short JSON
    body, nothing about the secret."""

    def error(self, f: _core.Failure) -> Response:
        return self._send({"ok": False, "error": f.code, "message": f.message}, f.status, f.headers)
