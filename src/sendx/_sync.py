"""The synchronous I/O shell: sends what the core describes, over urllib3.

urllib3 is imported when the first client is built, not by ``import sendx``. Its own
retries and redirects are off: the core decides every retry, once, for both clients.
Its connections (``_sync_connections``) keep every wait within the call's deadline.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import urllib3
from urllib3 import exceptions as u3

from sendx import _core
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
from sendx._sync_connections import DEADLINE, HeaderBlockCut, connection_pool

__all__ = ["SyncShell", "SyncTransport", "classify", "read_body", "urllib3_timeout"]

T = TypeVar("T")

# What urllib3 would build from retries=False on every request, built once: urllib3
# never retries or follows redirects for us; the core decides.
_NO_RETRIES = urllib3.Retry.from_int(False, redirect=False)

redact_library_logs("urllib3")


def classify(exc: Exception) -> Failure:
    """What a urllib3 exception says about whether the request was sent.

    The detail names the exception class and the OS reason only: urllib3's own
    messages may hold the URL, and with it a contact's email.
    """
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2, so it goes first.
    if isinstance(exc, u3.NewConnectionError):
        kind = FailureKind.CONNECT
    elif isinstance(exc, u3.ConnectTimeoutError):
        kind = FailureKind.CONNECT_TIMEOUT
    elif isinstance(exc, u3.SSLError):
        kind = FailureKind.TLS
    elif isinstance(exc, u3.ReadTimeoutError):
        kind = FailureKind.READ_TIMEOUT
    elif isinstance(exc, (u3.EmptyPoolError, u3.ClosedPoolError)):
        kind = FailureKind.CONNECT  # no connection was taken: nothing was sent
    else:
        kind = FailureKind.DISCONNECTED
        # urllib3 wraps it: ProtocolError("Connection aborted.", HeaderBlockCut(...)).
        cut = next((arg for arg in exc.args if isinstance(arg, HeaderBlockCut)), None)
        if cut is not None:
            return Failure(kind, f"{describe(exc)}: {cut}")
    return Failure(kind, describe(exc))


_CHUNK = 64 * 1024


def read_body(response: Any) -> bytes:
    """The whole body of ``response``, at most ``MAX_RESPONSE_BYTES``.

    The connection's reads end by the call's deadline (``_sync_connections``). A body
    cut short closes its connection rather than returning it half-read to the pool.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise body_size_failure()
            chunks.append(chunk)
            if response.length_remaining == 0:
                break  # the whole Content-Length is in: spare the read that says so
    except BaseException:
        response.close()
        response.release_conn()
        raise
    response.release_conn()
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def urllib3_timeout(connect: float | None, read: float | None) -> urllib3.Timeout:
    """A urllib3 timeout; ``math.inf`` (or ``None``) waits without limit."""
    return urllib3.Timeout(
        connect=None if connect is None or connect == float("inf") else connect,
        read=None if read is None or read == float("inf") else read,
    )


class SyncTransport:
    """A bounded, thread-safe urllib3 pool to one origin that sends single attempts.

    It knows nothing of retries, statuses or decoding: :class:`SyncShell` adds those
    for sendx, and ``swagger_client`` its own rules, over this same transport.
    ``block=True``: more threads than connections wait for one instead of opening
    unpooled extras, so the pool bound is a real bound.
    """

    def __init__(self, origin: str, *, pool_size: int, block: bool = True, **pool_kw: Any) -> None:
        self.origin = origin
        self._pool_args = {"maxsize": pool_size, "block": block, "retries": False, **pool_kw}
        self._pool: Any = self._new_pool()

    def _new_pool(self) -> Any:
        # The pool connects lazily: building one costs no I/O.
        return connection_pool(self.origin, **self._pool_args)

    def close(self) -> None:
        """Close pooled connections; a later request opens new ones."""
        old, self._pool = self._pool, self._new_pool()
        old.close()

    def send(
        self,
        method: str,
        target: str,
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: urllib3.Timeout,
        *,
        preload_content: bool = True,
        deadline_at: float | None = None,
    ) -> Any:
        """Send one request to ``target`` (path and query); urllib3's response.

        With ``deadline_at`` (a monotonic time), every wait of the exchange ends by
        then: to connect, and each read of the answer, body included.
        Raises urllib3's ``HTTPError`` subclasses; :func:`classify` tells what they
        mean. Redirects are never followed: the ``api_key`` header would go along.
        """
        token = DEADLINE.set(deadline_at)
        try:
            return self._pool.urlopen(
                method,
                target,
                body=body,
                headers=headers,
                timeout=timeout,
                retries=_NO_RETRIES,
                redirect=False,
                assert_same_host=False,
                preload_content=preload_content,
            )
        finally:
            DEADLINE.reset(token)


class SyncShell:
    """The retry loop of :class:`sendx.SendX` around one :class:`SyncTransport` per
    API: v1's, and the REST API's (made at the first REST call)."""

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
        self.transport = SyncTransport(endpoint.origin, pool_size=pool_size)
        self._pool_size = pool_size
        self._rest_transport: SyncTransport | None = None
        self._rest_lock = threading.Lock()
        self._timeouts: dict[tuple[float, float], urllib3.Timeout] = {}

    def close(self) -> None:
        """Close pooled connections; a later request opens new ones."""
        self.transport.close()
        if self._rest_transport is not None:
            self._rest_transport.close()

    def _rest(self) -> tuple[RestEndpoint, SyncTransport]:
        endpoint = self.rest_endpoint
        if endpoint is None:
            raise RuntimeError("this shell serves the v1 API only")
        transport = self._rest_transport
        if transport is None:
            with self._rest_lock:  # one pool, however many threads make the first call
                if self._rest_transport is None:
                    self._rest_transport = SyncTransport(endpoint.origin, pool_size=self._pool_size)
                transport = self._rest_transport
        return endpoint, transport

    def _urllib3_timeout(self, connect: float, read: float) -> urllib3.Timeout:
        key = (connect, read)
        value = self._timeouts.get(key)
        if value is None:
            value = urllib3_timeout(connect, read)
            if len(self._timeouts) < 64:  # deadlines cut timeouts; don't grow forever
                self._timeouts[key] = value
        return value

    def request(self, call: Call[T], timeout: Timeout | None = None) -> T:
        timeout = timeout or self.timeout
        endpoint: Endpoint | RestEndpoint
        if call.rest:
            endpoint, transport = self._rest()
        else:
            endpoint, transport = self.endpoint, self.transport
        observer, send = self.observer, transport.send
        target = endpoint.target(call)
        state = _core.start(self.retry, time.monotonic())
        while True:
            began = time.monotonic()
            limits = state.attempt_timeout(timeout, began)
            if limits is None:
                raise _core.deadline_error(call, state)
            observer.request(call.method, call.path, state.attempt)
            try:
                response = send(
                    call.method,
                    target,
                    call.body,
                    endpoint.headers,
                    self._urllib3_timeout(*limits),
                    preload_content=False,
                    deadline_at=state.deadline_at,
                )
                body = read_body(response)
            except (u3.HTTPError, BodyFailure) as exc:
                failure = exc.failure if isinstance(exc, BodyFailure) else classify(exc)
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
            if isinstance(outcome, Done):
                return outcome.value  # type: ignore[no-any-return]
            if not isinstance(outcome, Wait):
                raise outcome.error
            observer.retry(
                call.method, call.path, outcome.state.attempt, outcome.delay, outcome.reason
            )
            time.sleep(outcome.delay)
            state = outcome.state
