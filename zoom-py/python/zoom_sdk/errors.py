"""The exceptions of ``zoom_sdk``: one class per kind of the core's ``ErrorKind``.

Every exception is a :class:`ZoomError` carrying what the core knew as attributes (``kind``,
``status``, ``code``, ``tracking_id``, ...). The native module builds them all through
:func:`_from_native`, the one place where a kind becomes a class. No message or attribute ever
holds a token or a secret: the core builds messages from what Zoom said, never from
credentials.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, List, Mapping, Optional, Type

__all__ = [
    "ZoomError",
    "ConfigError",
    "InvalidInputError",
    "AuthError",
    "OAuthError",
    "StateMismatchError",
    "ReauthorizationRequired",
    "NotConnectedError",
    "PermissionDeniedError",
    "RateLimitError",
    "NotFoundError",
    "ValidationError",
    "ApiError",
    "TransportError",
    "TimeoutError",
    "DecodeError",
    "StorageError",
    "WebhookError",
    "InternalError",
    "FieldError",
]


class FieldError:
    """One field-level problem of a validation error (Zoom's ``errors: [{field, message}]``)."""

    __slots__ = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FieldError)
            and (self.field, self.message) == (other.field, other.message)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FieldError(field={self.field!r}, message={self.message!r})"


class ZoomError(Exception):
    """Any error of the SDK.

    Attributes: ``kind`` (the core's stable name, e.g. ``"not_found"``), ``message``,
    ``status`` (HTTP status of Zoom's answer, if any), ``code`` (Zoom's numeric error code),
    ``tracking_id`` (``x-zm-trackingid``, which Zoom support asks for), ``details`` (everything
    the core reported, as a dict) and ``retryable``.
    """

    kind: str = "error"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message)
        info: Dict[str, Any] = dict(details or {})
        self.message: str = message
        self.details: Dict[str, Any] = info
        self.kind = str(info.get("kind", type(self).kind))
        self.status: Optional[int] = info.get("status")
        self.code: Optional[int] = info.get("code")
        self.tracking_id: Optional[str] = info.get("tracking_id")

    @property
    def retryable(self) -> bool:
        """Whether the same call may succeed later without any change."""
        return False

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        for name in ("status", "code", "tracking_id"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __str__(self) -> str:
        return self.message


class ConfigError(ZoomError):
    """The configuration is incomplete or invalid; ``field`` names the setting."""

    kind = "config"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.field: Optional[str] = self.details.get("field")


class InvalidInputError(ZoomError, ValueError):
    """An argument is invalid; nothing was sent to Zoom. ``field`` names it."""

    kind = "invalid_input"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.field: Optional[str] = self.details.get("field")


class AuthError(ZoomError):
    """Zoom refused the credentials (HTTP 401 even after a refresh). Base of the OAuth errors."""

    kind = "auth"


class OAuthError(AuthError):
    """Zoom's OAuth endpoint refused a grant; ``oauth_error`` is e.g. ``"invalid_grant"``."""

    kind = "oauth"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.oauth_error: Optional[str] = self.details.get("oauth_error")


class StateMismatchError(AuthError):
    """A callback's OAuth ``state`` is unknown, reused or expired (``state_problem``)."""

    kind = "state_mismatch"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.state_problem: Optional[str] = self.details.get("state_problem")


class ReauthorizationRequired(AuthError):
    """The user must connect Zoom again; ``connect_url`` is where to send them, when known."""

    kind = "reauthorization_required"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.connect_url: Optional[str] = self.details.get("connect_url")


class NotConnectedError(ReauthorizationRequired):
    """The application's user has never connected Zoom (or disconnected)."""

    kind = "not_connected"


class PermissionDeniedError(ZoomError):
    """Zoom says the caller may not do this (HTTP 403, or code 200)."""

    kind = "permission_denied"


class RateLimitError(ZoomError):
    """Rate limited by Zoom for longer than the SDK waits on its own.

    ``retry_after`` is the wait in seconds Zoom asked for (``None`` when it did not say);
    ``limit_type`` is ``"per_second"`` or ``"daily"``; ``category`` is Zoom's rate-limit
    category.
    """

    kind = "rate_limited"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.retry_after: Optional[float] = self.details.get("retry_after_secs")
        self.limit_type: Optional[str] = self.details.get("rate_limit_type")
        self.category: Optional[str] = self.details.get("rate_limit_category")

    @property
    def retryable(self) -> bool:
        return True


class NotFoundError(ZoomError, LookupError):
    """The resource does not exist (HTTP 404)."""

    kind = "not_found"


class ValidationError(ZoomError, ValueError):
    """Zoom rejected the request's content; ``errors`` lists the fields at fault."""

    kind = "validation"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.errors: List[FieldError] = [
            FieldError(str(e.get("field", "")), str(e.get("message", "")))
            for e in self.details.get("errors") or []
        ]


class ApiError(ZoomError):
    """Any other error answer of Zoom (5xx after retries, unexpected 4xx)."""

    kind = "api"

    @property
    def retryable(self) -> bool:
        return (self.status or 0) >= 500


class TransportError(ZoomError, ConnectionError):
    """The network failed. ``maybe_sent``: Zoom may have received and acted on the request."""

    kind = "transport"

    def __init__(self, message: str, details: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.maybe_sent: bool = bool(self.details.get("maybe_sent", False))
        self.transport: Optional[str] = self.details.get("transport")

    @property
    def retryable(self) -> bool:
        return True


class TimeoutError(TransportError, builtins.TimeoutError):  # noqa: A001 - Zoom's own kind
    """A connect or request timeout elapsed. ``maybe_sent`` as for :class:`TransportError`."""

    kind = "timeout"


class DecodeError(ZoomError):
    """Zoom's answer could not be decoded."""

    kind = "decode"


class StorageError(ZoomError):
    """The token store failed."""

    kind = "storage"


class WebhookError(ZoomError):
    """A webhook request was refused (bad signature, old timestamp, bad body); ``status`` is
    the HTTP status to answer with."""

    kind = "webhook"


class InternalError(ZoomError):
    """A bug inside the SDK (a Rust panic), reported instead of aborting the process."""

    kind = "internal"


_BY_KIND: Dict[str, Type[ZoomError]] = {
    cls.kind: cls
    for cls in (
        ConfigError,
        InvalidInputError,
        AuthError,
        OAuthError,
        StateMismatchError,
        ReauthorizationRequired,
        NotConnectedError,
        PermissionDeniedError,
        RateLimitError,
        NotFoundError,
        ValidationError,
        ApiError,
        TransportError,
        TimeoutError,
        DecodeError,
        StorageError,
        WebhookError,
        InternalError,
    )
}


def _from_native(info: Mapping[str, Any]) -> ZoomError:
    """The exception for an error's JSON form (``{"kind", "message", ...}``)."""
    cls = _BY_KIND.get(str(info.get("kind")), ZoomError)
    return cls(str(info.get("message", "zoom_sdk error")), info)
