"""The client: one object, both styles.

``Client`` methods block (the GIL is released while they wait, so other threads run);
``client.aio`` has the same methods as coroutines for asyncio, and ``async for`` over
listings. Every call goes to the Rust core; nothing about Zoom is decided here.
"""

from __future__ import annotations

from datetime import date
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Type,
    TypeVar,
    Union,
)

from . import _convert
from ._zoom_sdk import NativeClient
from .models import (
    AuthorizationRequest,
    Connected,
    ConnectStart,
    DownloadProgress,
    DownloadReport,
    IntegrationStatus,
    Meeting,
    MeetingRecording,
    MeetingSummary,
    Model,
    Page,
    PendingAuthorization,
    Record,
    SearchPage,
    StoredToken,
    SyncProgress,
    SyncReport,
    User,
    Webinar,
    WebhookEvent,
    WebhookReply,
)

__all__ = ["Client", "AsyncClient", "Session", "AsyncSession"]

M = TypeVar("M", bound=Model)
Headers = Mapping[str, str]
MeetingRef = Union[int, str]


def _header(headers: Headers, name: str) -> Optional[str]:
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None


def _progress(
    callback: Optional[Callable[[M], object]], model: Type[M]
) -> Optional[Callable[[Dict[str, Any]], None]]:
    if callback is None:
        return None
    cb = callback

    def call(info: Dict[str, Any]) -> None:
        cb(model(info))

    return call


def _maybe(model: Type[M], value: Any) -> Optional[M]:
    return None if value is None else model(value)


def _every(fetch: Callable[[Optional[str]], Page[M]]) -> Iterator[M]:
    """Every item of a listing: ``fetch(token)`` page after page until Zoom gives no token."""
    token: Optional[str] = None
    while True:
        page = fetch(token)
        yield from page.items
        token = page.next_page_token
        if not token:
            return


async def _aevery(fetch: Callable[[Optional[str]], Awaitable[Page[M]]]) -> AsyncIterator[M]:
    """As :func:`_every`, for ``async for``."""
    token: Optional[str] = None
    while True:
        page = await fetch(token)
        for item in page.items:
            yield item
        token = page.next_page_token
        if not token:
            return


# ---------------------------------------------------------------- blocking


class Client:
    """A Zoom client. ``Client(**settings)`` takes the settings named like the ``ZOOM_*``
    environment variables in lower case without ``ZOOM_`` (``client_id``, ``client_secret``,
    ``account_id``, ``redirect_uri``, ``api_base_url``, ``token_store``, ``index``, ...);
    :meth:`Client.from_env` reads the environment. Share one client between threads; after
    ``fork`` it reconnects in the child on first use.
    """

    def __init__(self, **settings: Any) -> None:
        self._attach(NativeClient(_convert.jsonable(settings), False))

    @classmethod
    def from_env(cls, **overrides: Any) -> "Client":
        """A client from the ``ZOOM_*`` environment variables, with ``overrides`` on top
        (``None`` unsets one)."""
        self = cls.__new__(cls)
        self._attach(NativeClient(_convert.jsonable(overrides), True))
        return self

    def _attach(self, native: NativeClient) -> None:
        self._native = native
        self.aio = AsyncClient(self)
        self.integration = Integration(self)
        self.skills = Skills(self)
        self.webhooks = Webhooks(self)

    def __repr__(self) -> str:
        native = getattr(self, "_native", None)
        if native is None:
            return "Client(<not built>)"
        return repr(native).replace("NativeClient", "Client", 1)

    def _call(
        self,
        op: str,
        args: Optional[Dict[str, Any]] = None,
        progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Any:
        return self._native.call(op, args, progress)

    def user(self, user_id: str) -> "Session":
        """Act for an application user (user-level OAuth), by the application's own id."""
        return Session(self, user_id)

    def account(self) -> "Session":
        """Act for the configured account (Server-to-Server OAuth)."""
        return Session(self, None)

    def authorization_url(self) -> AuthorizationRequest:
        """Start user OAuth: the URL (with state and PKCE) and what to keep until the
        callback. :meth:`Integration.add` keeps it server-side for you instead."""
        return AuthorizationRequest(self._call("oauth.authorization_url"))

    def complete_authorization(
        self,
        user_id: str,
        code: str,
        state: str,
        pending: Union[PendingAuthorization, Mapping[str, Any]],
    ) -> StoredToken:
        """Finish user OAuth: check ``state``, exchange ``code`` with the PKCE verifier and
        store the grant for ``user_id``."""
        return StoredToken(
            self._call(
                "oauth.complete",
                _convert.args(user_id, code=code, state=state, pending=pending),
            )
        )

    def refresh(self, user_id: Optional[str] = None) -> None:
        """Refresh a grant now (``None``: the account's token), through the same leased,
        single-flight refresh as every call."""
        self._call("tokens.refresh", _convert.args(user_id))

    def token_status(self, user_id: Optional[str] = None) -> Optional[StoredToken]:
        """What the store holds for a user (``None``: the account), without the tokens."""
        return _maybe(StoredToken, self._call("tokens.status", _convert.args(user_id)))

    def disconnect(self, user_id: str) -> None:
        """Revoke a user's grant at Zoom and remove it from the store (removed even when Zoom
        cannot be reached; the error is raised after)."""
        self._call("disconnect", _convert.args(user_id))

    def health(self, kind: str = "overall") -> Record:
        """A health report: ``overall``, ``tokens``, ``connection`` or ``summary``."""
        return Record(self._call("health", {"kind": kind}))

    def readiness(self, online: bool = False) -> Record:
        """The readiness suite over the client's settings (``online``: also probe Zoom)."""
        return Record(self._call("readiness", {"online": online}))

    def service_descriptor(self) -> Record:
        """The service registry's descriptor with the live health status."""
        return Record(self._call("service_descriptor"))

    def metrics(self) -> Record:
        """Counters of requests, retries, refreshes, rate limits and latencies."""
        return Record(self._call("metrics"))

    def config(self) -> Record:
        """The settings in use, without secrets: ``client_id``, ``redirect_uri``,
        ``account_id``, ``environment``, base URLs, ``scopes``, ``webhook_secret_set``,
        ``token_store`` (its kind)."""
        return Record(self._call("config"))


class Session:
    """API calls with one owner's tokens: a user's or the account's."""

    def __init__(self, client: Client, user_id: Optional[str]) -> None:
        self._client = client
        self.user_id = user_id
        self.users = Users(self)
        self.meetings = Meetings(self)
        self.webinars = Webinars(self)
        self.recordings = Recordings(self)

    def __repr__(self) -> str:
        return f"Session(user_id={self.user_id!r})"

    def _call(
        self,
        op: str,
        progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        **fields: Any,
    ) -> Any:
        return self._client._call(op, _convert.args(self.user_id, **fields), progress)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, str]] = None,
        body: Any = None,
    ) -> Any:
        """Any API call (``"GET"``, ``"/users/me/settings"``): Zoom's JSON answer (``None``
        when empty), with the same retries, rate limits and errors as the typed calls."""
        return self._call("request", method=method, path=path, query=query, body=body)


class Users:
    """``/users``."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def me(self) -> User:
        """The user whose token this is."""
        return User(self._s._call("users.me"))

    def get(self, user_id: str) -> User:
        """A user by Zoom id or email."""
        return User(self._s._call("users.get", id=user_id))

    def list(
        self,
        *,
        status: Optional[str] = None,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
    ) -> Page[User]:
        """One page of the account's users."""
        q = _convert.query(status=status, page_size=page_size, next_page_token=next_page_token)
        return Page(self._s._call("users.list", query=q), User)

    def iter(self, *, status: Optional[str] = None, page_size: int = 300) -> Iterator[User]:
        """Every user, page after page."""
        return _every(lambda token: self.list(status=status, page_size=page_size, next_page_token=token))


class Meetings:
    """``/meetings``."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(
        self,
        host: str = "me",
        *,
        type: Optional[str] = None,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
        from_: Optional[date] = None,
        to: Optional[date] = None,
        timezone: Optional[str] = None,
    ) -> Page[MeetingSummary]:
        """One page of ``host``'s meetings (``type``: ``scheduled``, ``live``,
        ``upcoming``, ...; ``from_`` and ``to``: start days, in ``timezone``)."""
        q = _convert.query(
            type_=type,
            page_size=page_size,
            next_page_token=next_page_token,
            from_=from_,
            to=to,
            timezone=timezone,
        )
        return Page(self._s._call("meetings.list", host=host, query=q), MeetingSummary)

    def iter(
        self, host: str = "me", *, type: Optional[str] = None, page_size: int = 300
    ) -> Iterator[MeetingSummary]:
        """Every meeting of ``host``, page after page."""
        return _every(lambda token: self.list(host, type=type, page_size=page_size, next_page_token=token))

    def get(self, meeting_id: int) -> Meeting:
        """One meeting; :class:`~zoom_sdk.errors.NotFoundError` when it does not exist."""
        return Meeting(self._s._call("meetings.get", id=meeting_id))

    def create(self, meeting: Mapping[str, Any], host: str = "me") -> Meeting:
        """Create a meeting from Zoom's fields (``topic``, ``type``, ``start_time`` as an
        aware ``datetime``, ``duration``, ``timezone``, ``agenda``, ``settings``, ...)."""
        return Meeting(self._s._call("meetings.create", host=host, body=meeting))

    def update(self, meeting_id: int, patch: Mapping[str, Any]) -> None:
        """Change the fields in ``patch``."""
        self._s._call("meetings.update", id=meeting_id, body=patch)

    def delete(
        self,
        meeting_id: int,
        *,
        occurrence_id: Optional[str] = None,
        schedule_for_reminder: Optional[bool] = None,
        cancel_meeting_reminder: Optional[bool] = None,
    ) -> None:
        """Delete a meeting (or one occurrence)."""
        options = _convert.query(
            occurrence_id=occurrence_id,
            schedule_for_reminder=schedule_for_reminder,
            cancel_meeting_reminder=cancel_meeting_reminder,
        )
        self._s._call("meetings.delete", id=meeting_id, options=options)

    def invitation(self, meeting_id: int) -> str:
        """The meeting's invitation text."""
        return str(self._s._call("meetings.invitation", id=meeting_id))


class Webinars:
    """``/webinars``."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(
        self,
        host: str = "me",
        *,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
    ) -> Page[Webinar]:
        """One page of ``host``'s webinars."""
        q = _convert.query(page_size=page_size, next_page_token=next_page_token)
        return Page(self._s._call("webinars.list", host=host, query=q), Webinar)

    def iter(self, host: str = "me", *, page_size: int = 300) -> Iterator[Webinar]:
        """Every webinar of ``host``, page after page."""
        return _every(lambda token: self.list(host, page_size=page_size, next_page_token=token))

    def get(self, webinar_id: int) -> Webinar:
        """One webinar."""
        return Webinar(self._s._call("webinars.get", id=webinar_id))

    def create(self, webinar: Mapping[str, Any], host: str = "me") -> Webinar:
        """Create a webinar from Zoom's fields."""
        return Webinar(self._s._call("webinars.create", host=host, body=webinar))

    def update(self, webinar_id: int, patch: Mapping[str, Any]) -> None:
        """Change the fields in ``patch``."""
        self._s._call("webinars.update", id=webinar_id, body=patch)

    def delete(self, webinar_id: int, *, occurrence_id: Optional[str] = None) -> None:
        """Delete a webinar (or one occurrence)."""
        options = _convert.query(occurrence_id=occurrence_id)
        self._s._call("webinars.delete", id=webinar_id, options=options)


class Recordings:
    """Cloud recordings."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def list(
        self,
        from_: date,
        to: date,
        host: str = "me",
        *,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
    ) -> Page[MeetingRecording]:
        """One page of recordings from ``from_`` to ``to`` (at most a month, Zoom's rule)."""
        q = _convert.query(
            from_=from_, to=to, page_size=page_size, next_page_token=next_page_token
        )
        return Page(self._s._call("recordings.list", host=host, query=q), MeetingRecording)

    def iter(
        self, from_: date, to: date, host: str = "me", *, page_size: int = 300
    ) -> Iterator[MeetingRecording]:
        """Every recording in the range, page after page (the range at most a month)."""
        return _every(lambda token: self.list(from_, to, host, page_size=page_size, next_page_token=token))

    def get(self, meeting: MeetingRef) -> MeetingRecording:
        """A meeting's recording, by meeting number or instance UUID."""
        return MeetingRecording(self._s._call("recordings.get", id=meeting))

    def delete(
        self, meeting: MeetingRef, *, recording_id: Optional[str] = None, action: str = "trash"
    ) -> None:
        """Move a meeting's recordings (or one file) to the trash, or ``action="delete"``."""
        self._s._call(
            "recordings.delete", id=meeting, recording_id=recording_id, action=action
        )

    def download(
        self,
        download_url: str,
        path: str,
        *,
        progress: Optional[Callable[[DownloadProgress], object]] = None,
        download_token: Optional[str] = None,
    ) -> DownloadReport:
        """Download a recording file to ``path`` (through ``path.part``, resumed after a
        cut). ``progress`` gets a :class:`DownloadProgress` as bytes arrive, on a library
        thread."""
        return DownloadReport(
            self._s._call(
                "recordings.download",
                _progress(progress, DownloadProgress),
                download_url=download_url,
                path=str(path),
                download_token=download_token,
            )
        )


class Integration:
    """Connect users, keep their Zoom data in the local index and search it."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def add(self, user_id: str) -> ConnectStart:
        """Start connecting ``user_id``: send their browser to ``url``. The request is kept in
        the token store, so any process sharing it can complete it."""
        return ConnectStart(self._c._call("integration.add", _convert.args(user_id)))

    def complete(self, state: str, code: str) -> Connected:
        """Finish a connection from the callback's ``state`` and ``code``."""
        return Connected(
            self._c._call("integration.complete", _convert.args(state=state, code=code))
        )

    def status(self, user_id: str) -> IntegrationStatus:
        """A user's connection and last sync."""
        return IntegrationStatus(self._c._call("integration.status", _convert.args(user_id)))

    def sync(
        self,
        user_id: str,
        *,
        kinds: Optional[List[str]] = None,
        full: Optional[bool] = None,
        recordings_days: Optional[int] = None,
        past_meetings: Optional[bool] = None,
        page_size: Optional[int] = None,
        skip_if_busy: Optional[bool] = None,
        progress: Optional[Callable[[SyncProgress], object]] = None,
    ) -> SyncReport:
        """Sync a user's meetings, webinars and recordings into the index (changes since the
        last run unless ``full``). ``progress`` gets a :class:`SyncProgress` after every page,
        on a library thread."""
        options = _convert.query(
            kinds=kinds,
            full=full,
            recordings_days=recordings_days,
            past_meetings=past_meetings,
            page_size=page_size,
            skip_if_busy=skip_if_busy,
        )
        return SyncReport(
            self._c._call(
                "integration.sync",
                _convert.args(user_id, options=options),
                _progress(progress, SyncProgress),
            )
        )

    def search(
        self,
        user_id: str,
        query: str,
        *,
        kinds: Optional[List[str]] = None,
        from_: Any = None,
        to: Any = None,
        has_recording: Optional[bool] = None,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
    ) -> SearchPage:
        """Ranked search over a user's index (words, ``"phrases"``, ``OR``)."""
        filters = _convert.query(
            kinds=kinds,
            from_=from_,
            to=to,
            has_recording=has_recording,
            page_size=page_size,
            next_page_token=next_page_token,
        )
        return SearchPage(
            self._c._call(
                "integration.search", _convert.args(user_id, query=query, filters=filters)
            )
        )

    def forget(self, user_id: str) -> int:
        """Remove a user's index rows and sync state; how many rows went."""
        return int(self._c._call("integration.forget", _convert.args(user_id)))


class Skills:
    """What an assistant calls for a user: results, or a typed error with the connect URL."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def _skill(self, name: str, user_id: str, args: Any) -> Any:
        return self._c._call(f"skills.{name}", _convert.args(user_id, args=args))

    def list_meetings(
        self, user_id: str, *, kind: Optional[str] = None, limit: Optional[int] = None
    ) -> List[MeetingSummary]:
        """The user's meetings (``upcoming`` unless ``kind`` says otherwise), at most
        ``limit``."""
        raw = self._skill("list_meetings", user_id, _convert.query(kind=kind, limit=limit))
        return [MeetingSummary(m) for m in raw]

    def create_meeting(self, user_id: str, meeting: Mapping[str, Any]) -> Meeting:
        """Create a meeting from Zoom's fields."""
        return Meeting(self._skill("create_meeting", user_id, meeting))

    def schedule_meeting(self, user_id: str, schedule: Mapping[str, Any]) -> Meeting:
        """Schedule from ``{"topic", "start": {"local": {"time", "time_zone"}} or {"at"},
        "duration_minutes", ...}``, checked before anything is sent."""
        return Meeting(self._skill("schedule_meeting", user_id, schedule))

    def get_recordings(self, user_id: str, from_: date, to: date) -> List[MeetingRecording]:
        """The user's recordings over any range (split into Zoom's month windows)."""
        raw = self._skill("get_recordings", user_id, _convert.query(from_=from_, to=to))
        return [MeetingRecording(r) for r in raw]

    def get_user_profile(self, user_id: str) -> User:
        """The user's Zoom profile."""
        return User(self._skill("get_user_profile", user_id, None))


class Webhooks:
    """Zoom's webhooks, with the client's secret token."""

    def __init__(self, client: Client) -> None:
        self._c = client

    def verify(self, body: bytes, headers: Headers) -> WebhookEvent:
        """Check the signature over the raw ``body`` (``x-zm-signature``,
        ``x-zm-request-timestamp``) and parse the event;
        :class:`~zoom_sdk.errors.WebhookError` when refused."""
        return WebhookEvent(
            self._c._native.verify_webhook(
                bytes(body),
                _header(headers, "x-zm-request-timestamp"),
                _header(headers, "x-zm-signature"),
            )
        )

    def handle(self, body: bytes, headers: Headers) -> WebhookReply:
        """Everything an endpoint does: verify, answer URL validation, apply the event to the
        index (and ``app_deauthorized`` to the store). Answer with the reply's ``status`` and
        ``body``."""
        return WebhookReply(
            self._c._native.handle_webhook(
                bytes(body),
                _header(headers, "x-zm-request-timestamp"),
                _header(headers, "x-zm-signature"),
            )
        )

    def url_validation(self, plain_token: str) -> Dict[str, str]:
        """The JSON answer to ``endpoint.url_validation`` for ``plain_token``."""
        return dict(self._c._native.url_validation(plain_token))


# ---------------------------------------------------------------- asyncio


class AsyncClient:
    """The same client for asyncio (``client.aio``): every method is a coroutine. Cancelling
    one (``asyncio.wait_for`` timing out) stops the Rust work; a grant being refreshed is
    stored or not, never lost."""

    def __init__(self, client: Client) -> None:
        self._sync = client
        self.integration = AsyncIntegration(self)
        self.skills = AsyncSkills(self)
        self.webhooks = AsyncWebhooks(self)

    def __repr__(self) -> str:
        return f"AsyncClient({self._sync!r})"

    async def _call(
        self,
        op: str,
        args: Optional[Dict[str, Any]] = None,
        progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Any:
        return await self._sync._native.call_async(op, args, progress)

    def user(self, user_id: str) -> "AsyncSession":
        """Act for an application user."""
        return AsyncSession(self, user_id)

    def account(self) -> "AsyncSession":
        """Act for the configured account (Server-to-Server OAuth)."""
        return AsyncSession(self, None)

    async def complete_authorization(
        self,
        user_id: str,
        code: str,
        state: str,
        pending: Union[PendingAuthorization, Mapping[str, Any]],
    ) -> StoredToken:
        """As :meth:`Client.complete_authorization`."""
        return StoredToken(
            await self._call(
                "oauth.complete",
                _convert.args(user_id, code=code, state=state, pending=pending),
            )
        )

    async def refresh(self, user_id: Optional[str] = None) -> None:
        """As :meth:`Client.refresh`."""
        await self._call("tokens.refresh", _convert.args(user_id))

    async def token_status(self, user_id: Optional[str] = None) -> Optional[StoredToken]:
        """As :meth:`Client.token_status`."""
        return _maybe(StoredToken, await self._call("tokens.status", _convert.args(user_id)))

    async def disconnect(self, user_id: str) -> None:
        """As :meth:`Client.disconnect`."""
        await self._call("disconnect", _convert.args(user_id))

    async def health(self, kind: str = "overall") -> Record:
        """As :meth:`Client.health`."""
        return Record(await self._call("health", {"kind": kind}))

    async def readiness(self, online: bool = False) -> Record:
        """As :meth:`Client.readiness`."""
        return Record(await self._call("readiness", {"online": online}))

    async def service_descriptor(self) -> Record:
        """As :meth:`Client.service_descriptor`."""
        return Record(await self._call("service_descriptor"))


class AsyncSession:
    """As :class:`Session`, for asyncio."""

    def __init__(self, client: AsyncClient, user_id: Optional[str]) -> None:
        self._client = client
        self.user_id = user_id
        self.users = AsyncUsers(self)
        self.meetings = AsyncMeetings(self)
        self.recordings = AsyncRecordings(self)

    def __repr__(self) -> str:
        return f"AsyncSession(user_id={self.user_id!r})"

    async def _call(
        self,
        op: str,
        progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        **fields: Any,
    ) -> Any:
        return await self._client._call(op, _convert.args(self.user_id, **fields), progress)

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, str]] = None,
        body: Any = None,
    ) -> Any:
        """As :meth:`Session.request`."""
        return await self._call("request", method=method, path=path, query=query, body=body)


class AsyncUsers:
    """As :class:`Users`, for asyncio."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def me(self) -> User:
        """As :meth:`Users.me`."""
        return User(await self._s._call("users.me"))

    async def get(self, user_id: str) -> User:
        """As :meth:`Users.get`."""
        return User(await self._s._call("users.get", id=user_id))


class AsyncMeetings:
    """As :class:`Meetings`, for asyncio."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def list(
        self,
        host: str = "me",
        *,
        type: Optional[str] = None,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
    ) -> Page[MeetingSummary]:
        """As :meth:`Meetings.list`."""
        q = _convert.query(type_=type, page_size=page_size, next_page_token=next_page_token)
        return Page(await self._s._call("meetings.list", host=host, query=q), MeetingSummary)

    def iter(
        self, host: str = "me", *, type: Optional[str] = None, page_size: int = 300
    ) -> AsyncIterator[MeetingSummary]:
        """Every meeting of ``host`` (``async for``)."""
        return _aevery(lambda token: self.list(host, type=type, page_size=page_size, next_page_token=token))

    async def get(self, meeting_id: int) -> Meeting:
        """As :meth:`Meetings.get`."""
        return Meeting(await self._s._call("meetings.get", id=meeting_id))

    async def create(self, meeting: Mapping[str, Any], host: str = "me") -> Meeting:
        """As :meth:`Meetings.create`."""
        return Meeting(await self._s._call("meetings.create", host=host, body=meeting))

    async def update(self, meeting_id: int, patch: Mapping[str, Any]) -> None:
        """As :meth:`Meetings.update`."""
        await self._s._call("meetings.update", id=meeting_id, body=patch)

    async def delete(self, meeting_id: int, *, occurrence_id: Optional[str] = None) -> None:
        """As :meth:`Meetings.delete`."""
        options = _convert.query(occurrence_id=occurrence_id)
        await self._s._call("meetings.delete", id=meeting_id, options=options)


class AsyncRecordings:
    """As :class:`Recordings`, for asyncio."""

    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def list(
        self,
        from_: date,
        to: date,
        host: str = "me",
        *,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
    ) -> Page[MeetingRecording]:
        """As :meth:`Recordings.list`."""
        q = _convert.query(
            from_=from_, to=to, page_size=page_size, next_page_token=next_page_token
        )
        return Page(
            await self._s._call("recordings.list", host=host, query=q), MeetingRecording
        )

    def iter(
        self, from_: date, to: date, host: str = "me", *, page_size: int = 300
    ) -> AsyncIterator[MeetingRecording]:
        """Every recording in the range (``async for``)."""
        return _aevery(lambda token: self.list(from_, to, host, page_size=page_size, next_page_token=token))

    async def get(self, meeting: MeetingRef) -> MeetingRecording:
        """As :meth:`Recordings.get`."""
        return MeetingRecording(await self._s._call("recordings.get", id=meeting))

    async def download(
        self,
        download_url: str,
        path: str,
        *,
        progress: Optional[Callable[[DownloadProgress], object]] = None,
        download_token: Optional[str] = None,
    ) -> DownloadReport:
        """As :meth:`Recordings.download`; ``progress`` runs on the event loop's thread."""
        return DownloadReport(
            await self._s._call(
                "recordings.download",
                _progress(progress, DownloadProgress),
                download_url=download_url,
                path=str(path),
                download_token=download_token,
            )
        )


class AsyncIntegration:
    """As :class:`Integration`, for asyncio."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def add(self, user_id: str) -> ConnectStart:
        """As :meth:`Integration.add`."""
        return ConnectStart(await self._c._call("integration.add", _convert.args(user_id)))

    async def complete(self, state: str, code: str) -> Connected:
        """As :meth:`Integration.complete`."""
        return Connected(
            await self._c._call("integration.complete", _convert.args(state=state, code=code))
        )

    async def status(self, user_id: str) -> IntegrationStatus:
        """As :meth:`Integration.status`."""
        return IntegrationStatus(
            await self._c._call("integration.status", _convert.args(user_id))
        )

    async def sync(
        self,
        user_id: str,
        *,
        kinds: Optional[List[str]] = None,
        full: Optional[bool] = None,
        skip_if_busy: Optional[bool] = None,
        progress: Optional[Callable[[SyncProgress], object]] = None,
    ) -> SyncReport:
        """As :meth:`Integration.sync`; ``progress`` runs on the event loop's thread."""
        options = _convert.query(kinds=kinds, full=full, skip_if_busy=skip_if_busy)
        return SyncReport(
            await self._c._call(
                "integration.sync",
                _convert.args(user_id, options=options),
                _progress(progress, SyncProgress),
            )
        )

    async def search(
        self,
        user_id: str,
        query: str,
        *,
        kinds: Optional[List[str]] = None,
        page_size: Optional[int] = None,
        next_page_token: Optional[str] = None,
    ) -> SearchPage:
        """As :meth:`Integration.search`."""
        filters = _convert.query(
            kinds=kinds, page_size=page_size, next_page_token=next_page_token
        )
        return SearchPage(
            await self._c._call(
                "integration.search", _convert.args(user_id, query=query, filters=filters)
            )
        )


class AsyncSkills:
    """As :class:`Skills`, for asyncio."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def _skill(self, name: str, user_id: str, args: Any) -> Any:
        return await self._c._call(f"skills.{name}", _convert.args(user_id, args=args))

    async def list_meetings(
        self, user_id: str, *, kind: Optional[str] = None, limit: Optional[int] = None
    ) -> List[MeetingSummary]:
        """As :meth:`Skills.list_meetings`."""
        raw = await self._skill("list_meetings", user_id, _convert.query(kind=kind, limit=limit))
        return [MeetingSummary(m) for m in raw]

    async def schedule_meeting(self, user_id: str, schedule: Mapping[str, Any]) -> Meeting:
        """As :meth:`Skills.schedule_meeting`."""
        return Meeting(await self._skill("schedule_meeting", user_id, schedule))

    async def get_user_profile(self, user_id: str) -> User:
        """As :meth:`Skills.get_user_profile`."""
        return User(await self._skill("get_user_profile", user_id, None))


class AsyncWebhooks:
    """As :class:`Webhooks`, for asyncio (verification itself does not wait)."""

    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def handle(self, body: bytes, headers: Headers) -> WebhookReply:
        """As :meth:`Webhooks.handle`."""
        return WebhookReply(
            await self._c._sync._native.handle_webhook_async(
                bytes(body),
                _header(headers, "x-zm-request-timestamp"),
                _header(headers, "x-zm-signature"),
            )
        )
