"""Ready user resolvers for the old backend's behaviour.

A blueprint acts for the user its ``resolve_user`` function returns. These two trust what the
request says about itself, so **any caller can act as any user** with them: use them only
behind the application's own authentication (a gateway or a ``before_request`` that has
already checked the caller is that user). An application with sessions should pass its own
function instead, e.g. ``lambda request: flask_login.current_user.get_id()``.
"""

from __future__ import annotations

from typing import Optional

from flask import Request

__all__ = ["trusting_user_id_field", "trusting_user_id_header"]


def trusting_user_id_field(request: Request) -> Optional[str]:
    """``user_id`` from the JSON body, else the query string (the old routes). Trusts the
    caller: see the module's warning."""
    if request.method != "GET" and request.get_data(cache=True).strip():
        data = request.get_json(force=True, silent=True, cache=True)
        if isinstance(data, dict):
            value = data.get("user_id")
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                return str(value)
    value = request.args.get("user_id")
    return value or None


def trusting_user_id_header(request: Request) -> Optional[str]:
    """The ``X-User-ID`` header (the newer frontend). Trusts the caller: see the module's
    warning."""
    value = request.headers.get("X-User-ID", "").strip()
    return value or None
