"""Flask blueprints serving the backend's Zoom routes on the SDK (``pip install
'zoom-sdk[flask]'``).

Each blueprint mounts on its own, so a backend can swap one old handler at a time::

    from flask import Flask
    import zoom_sdk
    from zoom_sdk.flask import auth_blueprint, resolvers

    app = Flask(__name__)
    client = zoom_sdk.Client.from_env()
    app.register_blueprint(auth_blueprint(client, resolve_user=my_resolver))

or all of them with :func:`mount`. ``resolve_user(request)`` must return the *authenticated*
application user (or ``None``: 401); there is no trusting default. The old behaviour (the
``user_id`` field, the ``X-User-ID`` header) is in :mod:`zoom_sdk.flask.resolvers`, for use
behind the application's own authentication only.

Every failure is answered in the route's JSON envelope with a proper status (400, 401, 403,
404, 409, 429 with ``Retry-After``, 502/503/504), never an HTML page or a stack trace;
``legacy_status=True`` keeps the old HTTP 200 + ``ok: false`` for clients that need it.
"""

from __future__ import annotations

from typing import Any, Optional

from ..client import Client
from . import resolvers
from ._core import ERROR_TABLE, UserResolver
from .auth import auth_blueprint
from .health import health_blueprint
from .integration import integration_blueprint
from .registry import registry_blueprint
from .webhooks import webhooks_blueprint

__all__ = [
    "ERROR_TABLE",
    "UserResolver",
    "auth_blueprint",
    "health_blueprint",
    "integration_blueprint",
    "mount",
    "registry_blueprint",
    "resolvers",
    "webhooks_blueprint",
]


def mount(
    app: Any,
    client: Optional[Client] = None,
    *,
    resolve_user: UserResolver,
    legacy_status: bool = False,
    after_connect: Optional[str] = None,
) -> None:
    """Register every blueprint on ``app`` at the contract's paths, sharing one client
    (``Client.from_env()`` on first use when ``client`` is ``None``)."""
    if client is None:
        client = Client.from_env()
    app.register_blueprint(
        auth_blueprint(
            client,
            resolve_user=resolve_user,
            legacy_status=legacy_status,
            after_connect=after_connect,
        )
    )
    app.register_blueprint(health_blueprint(client))
    app.register_blueprint(
        integration_blueprint(client, resolve_user=resolve_user, legacy_status=legacy_status)
    )
    app.register_blueprint(webhooks_blueprint(client))
    app.register_blueprint(registry_blueprint(client))
