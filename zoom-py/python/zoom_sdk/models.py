"""Typed results: attribute access, ``==``, a readable ``repr`` and ``to_dict()``.

A model wraps the JSON object the core returned. Declared fields are typed (``datetime``
fields are timezone-aware ``datetime`` objects, ids are ``int``); fields Zoom adds later stay
reachable as attributes and in :meth:`Model.to_dict`. Models never hold a secret, except
:class:`PendingAuthorization`, whose ``repr`` hides it.
"""

from __future__ import annotations

import copy
import sys
from datetime import datetime, timezone
from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    FrozenSet,
    Tuple,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    Type,
    TypeVar,
    Union,
    get_type_hints,
)

__all__ = [
    "Model",
    "Record",
    "Page",
    "User",
    "Meeting",
    "MeetingSummary",
    "Webinar",
    "RecordingFile",
    "MeetingRecording",
    "AuthorizationRequest",
    "PendingAuthorization",
    "StoredToken",
    "ConnectStart",
    "Connected",
    "IntegrationStatus",
    "SyncReport",
    "SyncProgress",
    "SearchHit",
    "SearchPage",
    "DownloadReport",
    "DownloadProgress",
    "WebhookEvent",
    "WebhookReply",
]


def parse_datetime(value: str) -> datetime:
    """An RFC 3339 time (``2026-01-02T03:04:05Z``) as a timezone-aware ``datetime``."""
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _identity(value: Any) -> Any:
    return value


def _converter(hint: Any) -> Optional[Callable[[Any], Any]]:
    """How to turn JSON into a field of type ``hint`` (``None``: as is)."""
    origin = getattr(hint, "__origin__", None)
    args = getattr(hint, "__args__", ())
    if origin is Union:
        inner = [a for a in args if a is not type(None)]
        return _converter(inner[0]) if len(inner) == 1 else None
    if hint is datetime:
        return lambda v: parse_datetime(v) if isinstance(v, str) else v
    if isinstance(hint, type) and issubclass(hint, Model):
        return lambda v: hint(v) if isinstance(v, Mapping) else v
    if origin in (list, List) and args:
        each = _converter(args[0])
        if each is not None:
            return lambda v: [each(x) for x in v] if isinstance(v, list) else v
    return None


class Model:
    """A JSON object from the core with typed attribute access."""

    __slots__ = ("_raw", "_typed")
    _converters: ClassVar[Optional[Dict[str, Callable[[Any], Any]]]] = None
    _declared: ClassVar[Tuple[str, ...]] = ()
    _hidden: ClassVar[FrozenSet[str]] = frozenset()

    def __init__(self, data: Mapping[str, Any]) -> None:
        cls = type(self)
        if cls.__dict__.get("_converters") is None:
            cls._prepare()
        # Typed values (datetimes, nested models) are made on first access and kept: a page of
        # 300 meetings costs no datetime parsing until someone reads a time.
        object.__setattr__(self, "_raw", data if type(data) is dict else dict(data))
        object.__setattr__(self, "_typed", {})

    @classmethod
    def _prepare(cls) -> None:
        module = sys.modules[cls.__module__].__dict__
        hints = {
            k: v
            for k, v in get_type_hints(cls, module).items()
            if not k.startswith("_") and getattr(v, "__origin__", None) is not ClassVar
        }
        converters = {}
        for name, hint in hints.items():
            c = _converter(hint)
            if c is not None:
                converters[name] = c
        cls._declared = tuple(hints)
        cls._converters = converters

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        typed = object.__getattribute__(self, "_typed")
        if name in typed:
            return typed[name]
        raw = object.__getattribute__(self, "_raw")
        if name in raw:
            value = raw[name]
            convert = (type(self)._converters or {}).get(name)
            if convert is None or value is None:
                return value
            typed[name] = converted = convert(value)
            return converted
        if name in type(self)._declared:
            return None
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __getitem__(self, key: str) -> Any:
        return self._raw[key]

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def get(self, key: str, default: Any = None) -> Any:
        """The raw JSON value of ``key``, as ``dict.get``."""
        return self._raw.get(key, default)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return type(self) is type(other) and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = []
        for name in type(self)._declared or tuple(self._raw):
            if name in type(self)._hidden:
                if name in self._raw:
                    shown.append(f"{name}=<hidden>")
                continue
            value = getattr(self, name, None)
            if value is not None:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    __str__ = __repr__

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object as the core returned it (a copy): strings for times, every field."""
        return copy.deepcopy(self._raw)

    def model_dump(self) -> Dict[str, Any]:
        """Alias of :meth:`to_dict`, as pydantic names it."""
        return self.to_dict()


class Record(Model):
    """A JSON object without a declared shape (health reports, readiness, metrics, ...):
    every key is an attribute."""

    __slots__ = ()


T = TypeVar("T", bound=Model)


class Page(Generic[T]):
    """One page of a Zoom listing: ``items``, ``next_page_token`` (empty or ``None`` on the
    last page) and ``total_records``."""

    __slots__ = ("items", "next_page_token", "total_records", "page_size")

    def __init__(self, data: Mapping[str, Any], item: Type[T]) -> None:
        self.items: List[T] = [item(x) for x in data.get("items") or []]
        token = data.get("next_page_token")
        self.next_page_token: Optional[str] = token or None
        self.total_records: Optional[int] = data.get("total_records")
        self.page_size: Optional[int] = data.get("page_size")

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Page):
            return NotImplemented
        return (self.items, self.next_page_token, self.total_records) == (
            other.items,
            other.next_page_token,
            other.total_records,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Page(items={len(self.items)}, total_records={self.total_records!r}, "
            f"next_page_token={self.next_page_token!r})"
        )

    def to_dict(self) -> Dict[str, Any]:
        """The page as JSON."""
        return {
            "items": [i.to_dict() for i in self.items],
            "next_page_token": self.next_page_token or "",
            "total_records": self.total_records,
        }


class User(Model):
    """A Zoom user (``GET /users/{userId}``)."""

    __slots__ = ()
    id: str
    email: str
    first_name: Optional[str]
    last_name: Optional[str]
    display_name: Optional[str]
    type: Optional[int]
    role_name: Optional[str]
    pmi: Optional[int]
    timezone: Optional[str]
    account_id: Optional[str]
    status: Optional[str]


class MeetingSummary(Model):
    """A meeting as listings return it."""

    __slots__ = ()
    id: int
    uuid: str
    host_id: str
    topic: str
    type: int
    start_time: Optional[datetime]
    duration: Optional[int]
    timezone: Optional[str]
    agenda: Optional[str]
    created_at: Optional[datetime]
    join_url: Optional[str]


class Meeting(Model):
    """A meeting (``GET /meetings/{meetingId}``)."""

    __slots__ = ()
    id: int
    uuid: str
    host_id: str
    host_email: Optional[str]
    topic: str
    type: int
    status: Optional[str]
    start_time: Optional[datetime]
    duration: Optional[int]
    timezone: Optional[str]
    agenda: Optional[str]
    created_at: Optional[datetime]
    join_url: Optional[str]
    start_url: Optional[str]
    password: Optional[str]
    settings: Optional[Record]
    recurrence: Optional[Record]


class Webinar(Model):
    """A webinar."""

    __slots__ = ()
    id: int
    uuid: str
    host_id: str
    host_email: Optional[str]
    topic: str
    type: int
    start_time: Optional[datetime]
    duration: Optional[int]
    timezone: Optional[str]
    agenda: Optional[str]
    created_at: Optional[datetime]
    join_url: Optional[str]


class RecordingFile(Model):
    """One file of a cloud recording."""

    __slots__ = ()
    id: Optional[str]
    meeting_id: Optional[str]
    recording_start: Optional[datetime]
    recording_end: Optional[datetime]
    file_type: Optional[str]
    file_extension: Optional[str]
    file_size: Optional[int]
    play_url: Optional[str]
    download_url: Optional[str]
    status: Optional[str]
    recording_type: Optional[str]


class MeetingRecording(Model):
    """A meeting's cloud recording and its files."""

    __slots__ = ()
    uuid: str
    id: int
    account_id: Optional[str]
    host_id: Optional[str]
    topic: str
    type: Optional[int]
    start_time: Optional[datetime]
    timezone: Optional[str]
    duration: Optional[int]
    total_size: Optional[int]
    recording_count: Optional[int]
    share_url: Optional[str]
    recording_files: List[RecordingFile]


class PendingAuthorization(Model):
    """What to keep between sending a user to Zoom and the callback: the ``state`` and the
    PKCE verifier. ``repr`` hides the verifier; :meth:`to_dict` includes it, for the caller's
    server-side session (never send it to the browser)."""

    __slots__ = ()
    _hidden = frozenset({"pkce_verifier"})
    state: str
    pkce_verifier: str
    created_at: datetime


class AuthorizationRequest(Model):
    """Where to send the user (``url``), and what to keep until the callback (``pending``)."""

    __slots__ = ()
    url: str
    state: str
    pending: PendingAuthorization


class StoredToken(Model):
    """What the store keeps for a grant, without its tokens (never handed out)."""

    __slots__ = ()
    token_type: str
    scopes: List[str]
    expires_at: datetime
    issued_at: datetime
    updated_at: datetime
    last_used_at: Optional[datetime]
    zoom_user_id: Optional[str]
    email: Optional[str]
    account_id: Optional[str]
    status: str


class ConnectStart(Model):
    """The start of connecting a user: send their browser to ``url``."""

    __slots__ = ()
    url: str
    state: str
    expires_at: datetime


class Connected(Model):
    """A user connected: their Zoom identity and the scopes granted."""

    __slots__ = ()
    user_id: str
    zoom_user_id: Optional[str]
    email: Optional[str]
    account_id: Optional[str]
    scopes: List[str]


class IntegrationStatus(Model):
    """A user's connection and last sync."""

    __slots__ = ()
    user_id: str
    state: str
    connect_url: Optional[str]
    zoom_user_id: Optional[str]
    email: Optional[str]
    scopes: List[str]
    capabilities: List[str]
    token_expires_at: Optional[datetime]
    updated_at: Optional[datetime]
    last_sync: Optional[Record]
    sync_pending: bool
    last_error: Optional[Record]
    indexed: Dict[str, int]


class SyncReport(Model):
    """What a sync did: ``outcome`` (``"completed"``, or ``"busy"`` with the ``holder`` of
    the lease and ``until``), counts per kind, API calls and time."""

    __slots__ = ()
    user_id: str
    outcome: str
    holder: Optional[str]
    until: Optional[datetime]
    run_id: Optional[str]
    resumed: bool
    full_recordings: bool
    steps: int
    counts: Dict[str, Any]
    api_calls: int
    duration_ms: int
    skipped: List[Any]


class SyncProgress(Model):
    """Where a sync is (given to the progress callback)."""

    __slots__ = ()
    kind: str
    done: int
    total: Optional[int]
    step: int
    steps: int


class SearchHit(Model):
    """One ranked result of a search over the index."""

    __slots__ = ()
    kind: str
    id: str
    meeting_id: Optional[str]
    uuid: Optional[str]
    topic: str
    start_time: Optional[datetime]
    duration: Optional[int]
    timezone: Optional[str]
    join_url: Optional[str]
    host_email: str
    has_recording: bool
    recordings: List[Record]
    score: float
    snippet: List[Record]


class SearchPage(Model):
    """A page of search hits; pass ``next_page_token`` for the next."""

    __slots__ = ()
    hits: List[SearchHit]
    next_page_token: Optional[str]


class DownloadReport(Model):
    """What a finished download did."""

    __slots__ = ()
    bytes: int
    resumptions: int
    resumed_from: int


class DownloadProgress(Model):
    """Where a download is (given to the progress callback)."""

    __slots__ = ()
    downloaded: int
    total: Optional[int]


class WebhookEvent(Model):
    """A verified webhook event: ``event`` (e.g. ``"meeting.created"``), ``event_ts``, the
    typed ``payload`` and the ``raw`` body (a ``download_token`` in it reads ``[REDACTED]``)."""

    __slots__ = ()
    event: str
    event_ts: Optional[int]
    payload: Any
    raw: Record


class WebhookReply(Model):
    """What a webhook endpoint answers: ``status``, the JSON ``body`` (text) and the event."""

    __slots__ = ()
    status: int
    body: str
    event: Optional[str]
