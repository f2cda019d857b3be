"""The asynchronous I/O shell: sends what the core describes, over aiohttp.

aiohttp is imported when the first async client is built. The session is created on
first use inside the running event loop, so a client may be built outside one. Each
attempt ends by the call's deadline (``_async_deadlines``), connecting included.
"""

from __future__ import annotations

import asyncio
import random
import time
from contextvars import ContextVar
from typing import Any, TypeVar

import aiohttp
import yarl

from sendx import _core
from sendx._async_deadlines import Deadlines
from sendx._core import (
    MAX_RESPONSE_BYTES,
    BodyFailure,
    Call,
    Done,
    Endpoint,
    Failure,
    FailureKind,
    RestEndpoint,
    Wait,
    body_size_failure,
)
from sendx._hooks import Observer
from sendx._os_reasons import describe
from sendx._policies import RetryPolicy, Timeout
from sendx._redact import redact_library_logs

__all__ = ["AsyncShell"]

T = TypeVar("T")

redact_library_logs("aiohttp")

#: Whether the request being sent in this task has a connection yet: the deadline's
#: timeout spans the whole exchange and says nothing of where it struck.
_CONNECTED: ContextVar[bool] = ContextVar("sendx_connected", default=False)


class _Connector(aiohttp.TCPConnector):
    """A TCPConnector that notes, in the calling task, that a connection was taken."""

    async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
        connection = await super().connect(*args, **kwargs)
        _CONNECTED.set(True)
        return connection


def classify(exc: BaseException, *, connected: bool = True) -> Failure:
    """What an aiohttp exception says about whether the request was sent;
    ``connected``: whether the attempt had a connection when it failed.

    The detail names the exception class and the OS reason only: aiohttp's own
    messages print whole URLs, and with them a contact's email.
    """
    if isinstance(exc, aiohttp.ClientSSLError):
        kind = FailureKind.TLS
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = FailureKind.CONNECT
    elif isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = FailureKind.CONNECT_TIMEOUT
    elif isinstance(exc, aiohttp.SocketTimeoutError):
        kind = FailureKind.READ_TIMEOUT
    elif isinstance(exc, asyncio.TimeoutError):  # the deadline: sent only if connected
        kind = FailureKind.READ_TIMEOUT if connected else FailureKind.CONNECT_TIMEOUT
    else:
        kind = FailureKind.DISCONNECTED
    return Failure(kind, describe(exc))


def _seconds(value: float) -> float | None:
    return None if value == float("inf") else value


async def read_body(response: aiohttp.ClientResponse) -> bytes:
    """The whole body, at most ``MAX_RESPONSE_BYTES``; the attempt's deadline bounds
    the reading too."""
    length = response.content_length
    if length is not None and length > MAX_RESPONSE_BYTES:
        response.close()
        raise body_size_failure()
    chunks: list[bytes] = []
    size = 0
    while chunk := await response.content.readany():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            response.close()  # never hand a half-read connection back to the pool
            raise body_size_failure()
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class AsyncShell:
    """One bounded aiohttp connection pool and the retry loop around it."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        timeout: Timeout,
        retry: RetryPolicy,
        observer: Observer,
        pool_size: int,
        rest_endpoint: RestEndpoint | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.rest_endpoint = rest_endpoint
        self.timeout = timeout
        self.retry = retry
        self.observer = observer
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None
        # The REST API's headers differ (no api_key): a second session over the same
        # connector, so that both APIs share one bounded pool.
        self._rest_session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._deadlines: Deadlines | None = None
        self._timeouts: dict[tuple[float, float], aiohttp.ClientTimeout] = {}
        self._urls: dict[str, yarl.URL] = {}

    def _get_session(self) -> tuple[aiohttp.ClientSession, Deadlines]:
        """The session, made in the running loop on first use, and the deadlines of
        the attempts in flight on that loop."""
        session, deadlines = self._session, self._deadlines
        loop = asyncio.get_running_loop()
        if session is None or session.closed or deadlines is None:
            connector = _Connector(limit=self._pool_size)
            # The fixed headers are the session's: aiohttp then copies one prepared
            # mapping per request instead of merging a dict into it.
            session = aiohttp.ClientSession(connector=connector, headers=self.endpoint.headers)
            if deadlines is not None:
                deadlines.close()
            deadlines = Deadlines(loop)
            self._session, self._deadlines, self._loop = session, deadlines, loop
        elif loop is not self._loop:
            # Its connections belong to another loop: using them here would fail deep
            # inside aiohttp, or hang.
            raise RuntimeError(
                "this AsyncSendX is in use in another event loop; use one client per "
                "event loop, or `await client.close()` before its loop ends"
            )
        return session, deadlines

    def _get_rest_session(self, session: aiohttp.ClientSession) -> aiohttp.ClientSession:
        """The REST API's session over the v1 session's connector (``session``)."""
        rest = self._rest_session
        if rest is None or rest.closed or rest.connector is not session.connector:
            if self.rest_endpoint is None:
                raise RuntimeError("this shell serves the v1 API only")
            rest = self._rest_session = aiohttp.ClientSession(
                connector=session.connector,
                connector_owner=False,
                headers=self.rest_endpoint.headers,
            )
        return rest

    async def close(self) -> None:
        rest, self._rest_session = self._rest_session, None
        if rest is not None:
            await rest.close()
        session, self._session = self._session, None
        deadlines, self._deadlines = self._deadlines, None
        if deadlines is not None:
            deadlines.close()
        if session is not None:
            await session.close()

    def _client_timeout(self, connect: float, read: float) -> aiohttp.ClientTimeout:
        key = (connect, read)
        value = self._timeouts.get(key)
        if value is None:
            # No total, no pool timeout: the deadline's timeout bounds the exchange,
            # the wait for a pooled connection included; only sock_connect is a connect.
            value = aiohttp.ClientTimeout(
                total=None, sock_connect=_seconds(connect), sock_read=_seconds(read)
            )
            if len(self._timeouts) < 64:  # deadlines cut timeouts; don't grow forever
                self._timeouts[key] = value
        return value

    def _url(self, call: Call[Any]) -> yarl.URL:
        endpoint: Endpoint | RestEndpoint | None = (
            self.rest_endpoint if call.rest else self.endpoint
        )
        if endpoint is None:
            raise RuntimeError("this shell serves the v1 API only")
        if call.params or call.rest:  # per contact or per object: not worth caching
            # encoded=True: yarl would otherwise turn %40 back into @ in the query.
            return yarl.URL(endpoint.origin + endpoint.target(call), encoded=True)
        url = self._urls.get(call.path)
        if url is None:
            url = yarl.URL(endpoint.origin + endpoint.target(call), encoded=True)
            self._urls[call.path] = url
        return url

    async def request(self, call: Call[T], timeout: Timeout | None = None) -> T:
        timeout = timeout or self.timeout
        observer = self.observer
        session, deadlines = self._get_session()
        if call.rest:
            session = self._get_rest_session(session)
        task: Any = asyncio.current_task()
        url = self._url(call)
        state = _core.start(self.retry, time.monotonic())
        while True:
            began = time.monotonic()
            limits = state.attempt_timeout(timeout, began)
            if limits is None:
                raise _core.deadline_error(call, state)
            observer.request(call.method, call.path, state.attempt)
            token = _CONNECTED.set(False)
            try:
                # The deadline bounds the whole exchange: the wait for a free connection,
                # connecting, sending, the status line, the headers and the body.
                with deadlines.limit(task, state.deadline_at):
                    async with session.request(
                        call.method,
                        url,
                        data=call.body,
                        timeout=self._client_timeout(*limits),
                        allow_redirects=False,
                    ) as response:
                        body = await read_body(response)
            except (aiohttp.ClientError, asyncio.TimeoutError, BodyFailure) as exc:
                failure = (
                    exc.failure
                    if isinstance(exc, BodyFailure)
                    else classify(exc, connected=_CONNECTED.get())
                )
                now = time.monotonic()
                observer.response(
                    call.method, call.path, state.attempt, None, now - began, failure.kind.value
                )
                outcome: Any = _core.after_failure(
                    state, call, failure, now=now, random=random.random()
                )
            else:
                now = time.monotonic()
                observer.response(
                    call.method, call.path, state.attempt, response.status, now - began
                )
                outcome = _core.after_response(
                    state,
                    call,
                    response.status,
                    response.headers,
                    body,
                    now=now,
                    wall_now=time.time(),
                    random=random.random(),
                )
            finally:
                _CONNECTED.reset(token)
            if isinstance(outcome, Done):
                return outcome.value  # type: ignore[no-any-return]
            if not isinstance(outcome, Wait):
                raise outcome.error
            observer.retry(
                call.method, call.path, outcome.state.attempt, outcome.delay, outcome.reason
            )
            await asyncio.sleep(outcome.delay)
            state = outcome.state
