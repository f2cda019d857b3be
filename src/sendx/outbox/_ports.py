"""What the outbox needs of a client, as protocols: the arrow points one way.

``SendX.outbox()`` builds an outbox around its client, so the client knows the outbox;
the outbox knows only these protocols, never ``sendx._client``. What it needs is the
client's shell: something that sends one :class:`~sendx._core.Call` (with the client's
timeouts and retries), and whose settings let a forked child build a pool of its own.
:class:`sendx.SendX` and :class:`sendx.AsyncSendX` satisfy them as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sendx._core import Call, Endpoint, RestEndpoint
    from sendx._hooks import Observer
    from sendx._policies import RetryPolicy, Timeout

__all__ = ["AsyncClientPort", "AsyncShellPort", "ClientPort", "ShellPort"]


class _ShellSettings(Protocol):
    """A shell's settings, copied into the pool a forked child builds for itself."""

    @property
    def endpoint(self) -> Endpoint: ...

    @property
    def rest_endpoint(self) -> RestEndpoint | None: ...

    @property
    def timeout(self) -> Timeout: ...

    @property
    def retry(self) -> RetryPolicy: ...

    @property
    def observer(self) -> Observer: ...


class ShellPort(_ShellSettings, Protocol):
    """Sends one request description and returns its decoded answer, or raises."""

    def request(self, call: Call[Any]) -> Any: ...


class AsyncShellPort(_ShellSettings, Protocol):
    """The same, awaited."""

    async def request(self, call: Call[Any]) -> Any: ...


class ClientPort(Protocol):
    """A blocking client, as :class:`sendx.Outbox` uses it."""

    @property
    def _shell(self) -> ShellPort: ...


class AsyncClientPort(Protocol):
    """An asyncio client, as :class:`sendx.AsyncOutbox` uses it."""

    @property
    def _shell(self) -> AsyncShellPort: ...
