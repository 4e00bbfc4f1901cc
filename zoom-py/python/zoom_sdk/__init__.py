"""zoom_sdk: the Zoom REST API from Python, on the zoom-sdk Rust core.

>>> import zoom_sdk
>>> client = zoom_sdk.Client(client_id="id", client_secret="secret", account_id="acct")
>>> client                                          # doctest: +ELLIPSIS
Client(client_id="id", ...)

Blocking calls release the GIL; ``client.aio`` has the same calls for asyncio. Errors are the
exceptions of :mod:`zoom_sdk.errors`; results are the models of :mod:`zoom_sdk.models`.
"""

from . import errors, models
from ._zoom_sdk import __version__
from .client import AsyncClient, AsyncSession, Client, Session
from .errors import (
    ApiError,
    AuthError,
    ConfigError,
    DecodeError,
    InternalError,
    InvalidInputError,
    NotConnectedError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    RateLimitError,
    ReauthorizationRequired,
    StateMismatchError,
    StorageError,
    TimeoutError,
    TransportError,
    ValidationError,
    WebhookError,
    ZoomError,
)
from .models import Page

__all__ = [
    "__version__",
    "errors",
    "models",
    "Client",
    "AsyncClient",
    "Session",
    "AsyncSession",
    "Page",
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
]
