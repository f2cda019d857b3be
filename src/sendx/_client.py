"""The public clients: :class:`SendX` (blocking) and :class:`AsyncSendX` (asyncio).

Both resolve settings the same way and hand every call to the same sans-I/O core;
they differ only in the shell that does the I/O.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from sendx._config import Settings, resolve_settings
from sendx._core import Endpoint, RestEndpoint, user_agent
from sendx._hooks import Observer, RequestEvent, ResponseEvent, RetryEvent
from sendx._policies import DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT, RetryPolicy, Timeout
from sendx.errors import InvalidRequestError
from sendx.resources._names import NameCache
from sendx.resources.contacts import AsyncContacts, Contacts

if TYPE_CHECKING:
    from sendx.outbox._async import AsyncOutbox
    from sendx.outbox._sync import Outbox
    from sendx.outbox._types import OutboxCall
    from sendx.resources.campaigns import AsyncCampaigns, Campaigns
    from sendx.resources.custom_fields import AsyncCustomFields, CustomFields
    from sendx.resources.emails import AsyncEmails, Emails
    from sendx.resources.events import AsyncEvents, Events
    from sendx.resources.lists import AsyncLists, Lists
    from sendx.resources.members import AsyncMembers, Members
    from sendx.resources.post_categories import AsyncPostCategories, PostCategories
    from sendx.resources.post_tags import AsyncPostTags, PostTags
    from sendx.resources.posts import AsyncPosts, Posts
    from sendx.resources.reports import AsyncReports, Reports
    from sendx.resources.senders import AsyncSenders, Senders
    from sendx.resources.tags import AsyncTags, Tags
    from sendx.resources.templates import AsyncTemplates, Templates
    from sendx.resources.webhooks import AsyncWebhooks, Webhooks

__all__ = ["AsyncSendX", "SendX"]

TimeoutArg = Timeout | float | tuple[float, float] | None
R = TypeVar("R")


class _Options:
    """What both clients compute from their constructor arguments."""

    def __init__(
        self,
        api_key: str | None,
        team_id: str | None,
        base_url: str | None,
        rest_base_url: str | None,
        timeout: TimeoutArg,
        max_retries: int | None,
        retry: RetryPolicy | None,
        max_connections: int | None,
        headers: Mapping[str, str] | None,
        observer: Observer,
        default_connections: int,
    ) -> None:
        self.settings: Settings = resolve_settings(api_key, team_id, base_url, rest_base_url)
        self.timeout = Timeout.coerce(timeout, DEFAULT_TIMEOUT)
        policy = retry if retry is not None else DEFAULT_RETRY_POLICY
        if max_retries is not None:
            policy = dataclasses.replace(policy, max_retries=max_retries)
        self.retry = policy
        if max_connections is None:
            max_connections = default_connections
        if (
            isinstance(max_connections, bool)
            or not isinstance(max_connections, int)
            or max_connections < 1
        ):
            raise InvalidRequestError(
                f"max_connections must be an int >= 1 (got {max_connections!r})",
                field="max_connections",
            )
        self.max_connections = max_connections
        self.endpoint = Endpoint(self.settings, user_agent=user_agent(), extra_headers=headers)
        self.rest_endpoint = RestEndpoint(
            self.settings, user_agent=user_agent(), extra_headers=headers
        )
        self.observer = observer

    def describe(self, name: str) -> str:
        # The API key is never shown, not even in part.
        settings = self.settings
        return (
            f"{name}(team_id={settings.team_id!r}, base_url={settings.base_url!r}, "
            f"rest_base_url={settings.rest_base_url!r}, api_key='***', "
            f"timeout={self.timeout!r}, retry={self.retry!r})"
        )


class _Resource(Generic[R]):
    """A REST resource of a client (``client.lists``), made at its first use: its
    module loads then, so that a client that never calls the REST API never loads it.
    Built with the client's shell and name cache; kept in the client's ``__dict__``."""

    def __init__(self, module: str, sync_name: str, async_name: str) -> None:
        self._module = module
        self._names = (sync_name, async_name)
        self._attr = ""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._attr = name

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> _Resource[R]: ...

    @overload
    def __get__(self, obj: _ClientBase, owner: type[Any]) -> R: ...

    def __get__(self, obj: _ClientBase | None, owner: type[Any]) -> R | _Resource[R]:
        if obj is None:
            return self
        name = self._names[1] if isinstance(obj, AsyncSendX) else self._names[0]
        value: R = getattr(importlib.import_module(self._module), name)(obj._shell, obj._names)
        obj.__dict__[self._attr] = value  # the instance's attribute wins from now on
        return value


class _ClientBase:
    """What both clients share: their settings, as read-only properties."""

    _options: _Options
    _shell: Any
    _names: NameCache

    @property
    def team_id(self) -> str | None:
        """The team of the v1 calls (identify, track); ``None`` if not given (the REST
        API needs only the key)."""
        return self._options.settings.team_id

    @property
    def base_url(self) -> str:
        """The v1 API's base URL, e.g. ``https://app.sendx.io/api/v1``."""
        return self._options.settings.base_url

    @property
    def rest_base_url(self) -> str:
        """The REST API's base URL, e.g. ``https://api.sendx.io/api/v1/rest``."""
        return self._options.settings.rest_base_url

    @property
    def timeout(self) -> Timeout:
        """The default timeout of every call."""
        return self._options.timeout

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy of every call."""
        return self._options.retry

    def __repr__(self) -> str:
        return self._options.describe(type(self).__name__)

    def __reduce__(self) -> Any:
        raise TypeError(
            f"a {type(self).__name__} client holds connections and cannot be pickled; "
            "build one per process"
        )


class SendX(_ClientBase):
    """A blocking client for SendX's contact API.

    ``SendX(api_key=None, team_id=None, *, base_url=None, timeout=None,
    max_retries=None, retry=None, max_connections=None, headers=None, on_request=None,
    on_response=None, on_retry=None)``

    Missing arguments fall back to ``SENDX_API_KEY``, ``SENDX_TEAM_ID`` and
    ``SENDX_BASE_URL``. ``timeout`` is a :class:`Timeout`, a number of seconds or a
    ``(connect, read)`` pair (``None``: 5 s to connect, 30 s to read).
    ``max_retries`` (default 3) overrides ``retry.max_retries``. One client is safe to
    share across threads; at most ``max_connections`` requests are in flight, others
    wait for a connection (``None``: 10). Use it in a ``with`` block, or call
    :meth:`close`.
    """

    def __init__(
        self,
        api_key: str | None = None,
        team_id: str | None = None,
        *,
        base_url: str | None = None,
        rest_base_url: str | None = None,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        max_connections: int | None = None,
        headers: Mapping[str, str] | None = None,
        on_request: Callable[[RequestEvent], object] | None = None,
        on_response: Callable[[ResponseEvent], object] | None = None,
        on_retry: Callable[[RetryEvent], object] | None = None,
    ) -> None:
        options = _Options(
            api_key,
            team_id,
            base_url,
            rest_base_url,
            timeout,
            max_retries,
            retry,
            max_connections,
            headers,
            Observer(on_request, on_response, on_retry),
            default_connections=10,
        )
        from sendx._sync import SyncShell  # urllib3 loads with the first client

        self._options = options
        self._shell = SyncShell(
            options.endpoint,
            timeout=options.timeout,
            retry=options.retry,
            observer=options.observer,
            pool_size=options.max_connections,
            rest_endpoint=options.rest_endpoint,
        )
        self._names = NameCache()
        self.contacts = Contacts(self._shell, self._names)
        """Contacts: identify and track (v1), and create, get, update, delete, unsubscribe
        and list (REST)."""

    lists: _Resource[Lists] = _Resource("sendx.resources.lists", "Lists", "AsyncLists")
    """SendX's lists (REST)."""

    emails: _Resource[Emails] = _Resource("sendx.resources.emails", "Emails", "AsyncEmails")
    """Transactional email (REST): send, send_template."""

    events: _Resource[Events] = _Resource("sendx.resources.events", "Events", "AsyncEvents")
    """Revenue and custom events (REST)."""

    campaigns: _Resource[Campaigns] = _Resource(
        "sendx.resources.campaigns", "Campaigns", "AsyncCampaigns"
    )
    """SendX's campaigns (REST)."""

    reports: _Resource[Reports] = _Resource("sendx.resources.reports", "Reports", "AsyncReports")
    """Campaign reports (REST)."""

    tags: _Resource[Tags] = _Resource("sendx.resources.tags", "Tags", "AsyncTags")
    """SendX's tags of contacts (REST)."""

    custom_fields: _Resource[CustomFields] = _Resource(
        "sendx.resources.custom_fields", "CustomFields", "AsyncCustomFields"
    )
    """SendX's custom fields of contacts (REST)."""

    templates: _Resource[Templates] = _Resource(
        "sendx.resources.templates", "Templates", "AsyncTemplates"
    )
    """SendX's email templates (REST)."""

    webhooks: _Resource[Webhooks] = _Resource(
        "sendx.resources.webhooks", "Webhooks", "AsyncWebhooks"
    )
    """SendX's webhooks (REST)."""

    posts: _Resource[Posts] = _Resource("sendx.resources.posts", "Posts", "AsyncPosts")
    """SendX's blog posts (REST)."""

    post_categories: _Resource[PostCategories] = _Resource(
        "sendx.resources.post_categories", "PostCategories", "AsyncPostCategories"
    )
    """The categories of blog posts (REST)."""

    post_tags: _Resource[PostTags] = _Resource(
        "sendx.resources.post_tags", "PostTags", "AsyncPostTags"
    )
    """The tags of blog posts, apart from contacts' tags (REST)."""

    senders: _Resource[Senders] = _Resource("sendx.resources.senders", "Senders", "AsyncSenders")
    """The addresses the team sends from (REST)."""

    members: _Resource[Members] = _Resource("sendx.resources.members", "Members", "AsyncMembers")
    """The members of the team (REST)."""

    def outbox(
        self,
        spool: str | os.PathLike[str] | None = None,
        *,
        workers: int = 8,
        max_pending: int = 100_000,
        on_full: Literal["block", "drop", "raise"] = "block",
        on_error: Callable[[OutboxCall, BaseException], object] | None = None,
        on_drop: Callable[[OutboxCall], object] | None = None,
        coalesce: bool = True,
        spool_sync: Literal["normal", "full"] = "normal",
        dead_letters: str | os.PathLike[str] | None = None,
        retry: RetryPolicy | None = None,
        atexit_timeout: float = 5.0,
    ) -> Outbox:
        """A background :class:`sendx.Outbox` delivering through this client: worker
        threads, an optional durable SQLite ``spool``; see ``docs/outbox.md``."""
        from sendx.outbox._sync import Outbox

        return Outbox(
            self,
            spool=spool,
            workers=workers,
            max_pending=max_pending,
            on_full=on_full,
            on_error=on_error,
            on_drop=on_drop,
            coalesce=coalesce,
            spool_sync=spool_sync,
            dead_letters=dead_letters,
            retry=retry,
            atexit_timeout=atexit_timeout,
        )

    def close(self) -> None:
        """Close pooled connections. The client reconnects if used again."""
        self._shell.close()

    def __enter__(self) -> SendX:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSendX(_ClientBase):
    """An asyncio client for SendX's contact API; the same options as :class:`SendX`.

    ``max_connections`` (``None``: 100) bounds the connections, and so the requests in
    flight. Use ``async with AsyncSendX() as client:``
    or ``await client.close()``. One client is safe to share across the tasks of one
    event loop.
    """

    def __init__(
        self,
        api_key: str | None = None,
        team_id: str | None = None,
        *,
        base_url: str | None = None,
        rest_base_url: str | None = None,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        max_connections: int | None = None,
        headers: Mapping[str, str] | None = None,
        on_request: Callable[[RequestEvent], object] | None = None,
        on_response: Callable[[ResponseEvent], object] | None = None,
        on_retry: Callable[[RetryEvent], object] | None = None,
    ) -> None:
        options = _Options(
            api_key,
            team_id,
            base_url,
            rest_base_url,
            timeout,
            max_retries,
            retry,
            max_connections,
            headers,
            Observer(on_request, on_response, on_retry),
            default_connections=100,
        )
        from sendx._async import AsyncShell  # aiohttp loads with the first async client

        self._options = options
        self._shell = AsyncShell(
            options.endpoint,
            timeout=options.timeout,
            retry=options.retry,
            observer=options.observer,
            pool_size=options.max_connections,
            rest_endpoint=options.rest_endpoint,
        )
        self._names = NameCache()
        self.contacts = AsyncContacts(self._shell, self._names)
        """Contacts: identify and track (v1), and create, get, update, delete, unsubscribe
        and list (REST)."""

    lists: _Resource[AsyncLists] = _Resource("sendx.resources.lists", "Lists", "AsyncLists")
    """SendX's lists (REST)."""

    emails: _Resource[AsyncEmails] = _Resource("sendx.resources.emails", "Emails", "AsyncEmails")
    """Transactional email (REST): send, send_template."""

    events: _Resource[AsyncEvents] = _Resource("sendx.resources.events", "Events", "AsyncEvents")
    """Revenue and custom events (REST)."""

    campaigns: _Resource[AsyncCampaigns] = _Resource(
        "sendx.resources.campaigns", "Campaigns", "AsyncCampaigns"
    )
    """SendX's campaigns (REST)."""

    reports: _Resource[AsyncReports] = _Resource(
        "sendx.resources.reports", "Reports", "AsyncReports"
    )
    """Campaign reports (REST)."""

    tags: _Resource[AsyncTags] = _Resource("sendx.resources.tags", "Tags", "AsyncTags")
    """SendX's tags of contacts (REST)."""

    custom_fields: _Resource[AsyncCustomFields] = _Resource(
        "sendx.resources.custom_fields", "CustomFields", "AsyncCustomFields"
    )
    """SendX's custom fields of contacts (REST)."""

    templates: _Resource[AsyncTemplates] = _Resource(
        "sendx.resources.templates", "Templates", "AsyncTemplates"
    )
    """SendX's email templates (REST)."""

    webhooks: _Resource[AsyncWebhooks] = _Resource(
        "sendx.resources.webhooks", "Webhooks", "AsyncWebhooks"
    )
    """SendX's webhooks (REST)."""

    posts: _Resource[AsyncPosts] = _Resource("sendx.resources.posts", "Posts", "AsyncPosts")
    """SendX's blog posts (REST)."""

    post_categories: _Resource[AsyncPostCategories] = _Resource(
        "sendx.resources.post_categories", "PostCategories", "AsyncPostCategories"
    )
    """The categories of blog posts (REST)."""

    post_tags: _Resource[AsyncPostTags] = _Resource(
        "sendx.resources.post_tags", "PostTags", "AsyncPostTags"
    )
    """The tags of blog posts, apart from contacts' tags (REST)."""

    senders: _Resource[AsyncSenders] = _Resource(
        "sendx.resources.senders", "Senders", "AsyncSenders"
    )
    """The addresses the team sends from (REST)."""

    members: _Resource[AsyncMembers] = _Resource(
        "sendx.resources.members", "Members", "AsyncMembers"
    )
    """The members of the team (REST)."""

    def outbox(
        self,
        spool: str | os.PathLike[str] | None = None,
        *,
        workers: int = 8,
        max_pending: int = 100_000,
        on_full: Literal["block", "drop", "raise"] = "block",
        on_error: Callable[[OutboxCall, BaseException], object] | None = None,
        on_drop: Callable[[OutboxCall], object] | None = None,
        coalesce: bool = True,
        spool_sync: Literal["normal", "full"] = "normal",
        dead_letters: str | os.PathLike[str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> AsyncOutbox:
        """A background :class:`sendx.AsyncOutbox` (asyncio tasks) using this client.

        The same options as :meth:`SendX.outbox` but ``atexit_timeout``; see
        ``docs/outbox.md``."""
        from sendx.outbox._async import AsyncOutbox

        return AsyncOutbox(
            self,
            spool=spool,
            workers=workers,
            max_pending=max_pending,
            on_full=on_full,
            on_error=on_error,
            on_drop=on_drop,
            coalesce=coalesce,
            spool_sync=spool_sync,
            dead_letters=dead_letters,
            retry=retry,
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self._shell.close()

    async def __aenter__(self) -> AsyncSendX:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


SendX.__module__ = "sendx"
AsyncSendX.__module__ = "sendx"
