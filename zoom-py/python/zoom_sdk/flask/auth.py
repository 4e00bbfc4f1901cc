"""``/api/auth/zoom/*``: connect a user's Zoom account (authorize, callback), refresh, revoke,
and the auth health check, in the auth routes' envelope."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Optional
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from ..client import Client
from ..models import StoredToken, User
from . import _core
from ._core import AuthEnvelope, ClientSource, UserResolver, fail, renamed


def token_info(token: Optional[StoredToken]) -> Dict[str, Any]:
    """What the contract's ``tokens`` holds: never the token values."""
    if token is None:
        return {}
    expires_at = token.expires_at
    return {
        "token_type": token.token_type,
        "scope": " ".join(token.scopes),
        "expires_at": token.get("expires_at"),
        "expires_in": max(0, int((expires_at - datetime.now(timezone.utc)).total_seconds())),
        "status": token.status,
    }


def user_info(user: User) -> Dict[str, Any]:
    """The contract's ``user_info``."""
    return {
        k: user.get(k)
        for k in (
            "id",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "type",
            "role_name",
            "account_id",
        )
    }


def auth_blueprint(
    client: Optional[Client] = None,
    *,
    resolve_user: UserResolver,
    legacy_status: bool = False,
    after_connect: Optional[str] = None,
    url_prefix: str = "/api/auth",
    name: str = "zoom_auth",
) -> Blueprint:
    """The auth routes. ``resolve_user(request)`` names the authenticated application user
    (required: see :mod:`zoom_sdk.flask.resolvers`). ``after_connect``: where the browser goes
    after Zoom's redirect to ``GET /zoom/callback`` (with ``?zoom=connected`` or
    ``?zoom=error&error=..&message=..``); without it that route answers JSON.
    ``legacy_status``: failures answer HTTP 200 with ``ok: false``, as the old backend did.
    """
    source = ClientSource(client)
    env = AuthEnvelope(legacy_status)
    bp: Blueprint = _core.blueprint(name, __name__, url_prefix, env)

    @bp.route("/zoom/authorize", methods=["GET", "POST"])
    def authorize() -> Response:
        user = _core.resolve(resolve_user)
        c = source.get()
        start = c.integration.add(user)
        config = c.config()
        client_id = str(config.get("client_id") or "")
        return env.ok(
            {
                "authorization_url": start.url,
                "oauth_url": start.url,
                "state": start.state,
                "environment": config.get("environment"),
                "client_id": client_id[:10] + "...",
                "redirect_uri": config.get("redirect_uri"),
                "expires_in": max(
                    0, int((start.expires_at - datetime.now(timezone.utc)).total_seconds())
                ),
                "expires_at": start.get("expires_at"),
            }
        )

    def back(query: Dict[str, str]) -> BaseResponse:
        assert after_connect is not None
        sep = "&" if "?" in after_connect else "?"
        return redirect(after_connect + sep + urlencode(query), code=302)

    @bp.route("/zoom/callback", methods=["GET", "POST"])
    def callback() -> BaseResponse:
        browser = request.method == "GET" and after_connect is not None
        try:
            answer = _complete(source, resolve_user)
        except Exception as e:
            if not browser:
                raise
            f = _core.failure(e)
            return back({"zoom": "error", "error": f.code, "message": f.message})
        if browser:
            return back({"zoom": "connected"})
        return env.ok(answer)

    @bp.route("/zoom/refresh", methods=["POST"])
    def refresh() -> Response:
        # The old route took a raw refresh_token; it is accepted and ignored: the grant is the
        # one stored for the resolved user, and no token ever comes from a request.
        _core.body()
        user = _core.resolve(resolve_user)
        c = source.get()
        with renamed(oauth="token_refresh_failed", auth="token_refresh_failed"):
            c.refresh(user)
        return env.ok({"tokens": token_info(c.token_status(user)), "user_id": user})

    @bp.route("/zoom/revoke", methods=["POST"])
    def revoke() -> Response:
        _core.body()
        user = _core.resolve(resolve_user)
        source.get().disconnect(user)
        return env.ok({"message": "Zoom access revoked and the stored grant removed", "user_id": user})

    @bp.route("/zoom/health", methods=["GET"])
    def health() -> Response:
        c, error = source.peek()
        if c is None:
            return env._send(
                {
                    "ok": False,
                    "provider": "zoom",
                    "environment": None,
                    "configuration": "invalid",
                    "database": "disconnected",
                    "message": error.message if error else "not configured",
                    "timestamp": _core.now(),
                },
                503,
                {},
            )
        report = c.health("overall")
        parts = {p.get("name"): p.get("status") for p in report.get("components") or []}
        configuration = "valid" if parts.get("oauth_config") != "unhealthy" else "invalid"
        database = "connected" if parts.get("token_store") != "unhealthy" else "disconnected"
        good = configuration == "valid" and database == "connected"
        body = {
            "ok": good,
            "provider": "zoom",
            "environment": report.get("environment"),
            "configuration": configuration,
            "database": database,
            "timestamp": _core.now(),
        }
        return env._send(body, 200 if good else 503, {})

    return bp


def _complete(source: ClientSource, resolve_user: UserResolver) -> Dict[str, Any]:
    """Finish a connection from a callback's ``code`` and ``state`` (query or JSON)."""
    denied = _core.param("error")
    if denied:
        reason = _core.param("error_description") or denied
        fail(400, "access_denied", f"the authorization was declined on Zoom ({reason})")
    code = _core.param("code")
    if not code:
        fail(400, "authorization_code_required", "the callback has no authorization code")
    state = _core.param("state")
    if not state:
        fail(400, "invalid_state", "the callback has no state")
    c = source.get()
    with renamed(oauth="token_exchange_failed"):
        connected = _core.complete_for(
            c, str(state), str(code), _core.resolve_optional(resolve_user)
        )
    user = c.user(connected.user_id).users.me()
    return {
        "tokens": token_info(c.token_status(connected.user_id)),
        "user_info": user_info(user),
        "user_id": connected.user_id,
        "stored": True,
    }

