"""The urllib3 pools of the sync transport: every wait ends by the call's deadline,
and a header block cut short is a broken connection, not an answer.

urllib3 bounds each socket operation, never an exchange: ``Timeout(read=3)`` (and
``total=``, which only shortens the read timeout once) lets a server that drips one
byte a second hold a call forever. So the connections here cut every wait (the
connect, the TLS handshake, and each read of the status line, the headers and the
body) to the time left before the deadline that the caller puts in :data:`DEADLINE`
around ``urlopen``, and stop reading once it has passed. Sending a request of a few
hundred bytes does not wait (the connect timeout, cut to the deadline, bounds it).

http.client also takes an end of stream inside the header block for its end: a cut
``Content-Type: app`` gives an answer with no body (and urllib3 logs "Failed to parse
headers" with the URL). The response class here raises instead.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from contextvars import ContextVar
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util import parse_url

__all__ = ["DEADLINE", "HeaderBlockCut", "connection_pool"]

#: The monotonic time by which the request being sent in this context must be done;
#: ``None``: no deadline, only urllib3's timeouts.
DEADLINE: ContextVar[float | None] = ContextVar("sendx_deadline", default=None)

#: The shortest wait a cut leaves: a timeout of 0 would make the socket non-blocking.
_MIN_WAIT = 0.001


def _cut(timeout: Any) -> Any:
    """``timeout`` (seconds, ``None``: no limit) cut to the time left before the
    deadline."""
    deadline = DEADLINE.get()
    if deadline is None or not (timeout is None or isinstance(timeout, (int, float))):
        return timeout
    left = max(deadline - time.monotonic(), _MIN_WAIT)
    return left if timeout is None or timeout > left else timeout


class HeaderBlockCut(http.client.RemoteDisconnected):
    """The connection ended inside the status line or the header block."""


class _Reader(io.RawIOBase):
    """The socket stream under one response: each read waits at most the read
    timeout, cut to the deadline, and none starts after it. Notes the end of stream."""

    def __init__(self, raw: Any, sock: Any, deadline: float | None) -> None:
        self._raw = raw
        self._sock = sock
        self._deadline = deadline
        self._timeout: float | None = sock.gettimeout()
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        if self._deadline is not None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the call's deadline passed")
            if self._timeout is None or left < self._timeout:
                self._sock.settimeout(left)
        count: int | None = self._raw.readinto(buffer)
        if count == 0:
            self.ended = True
        return count

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _Response(http.client.HTTPResponse):
    """http.client's response over a :class:`_Reader`, refusing a cut header block."""

    def __init__(
        self, sock: Any, debuglevel: int = 0, method: str | None = None, url: str | None = None
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        # detach(): the socket stream moves under the reader without being closed.
        self._reader = _Reader(self.fp.detach(), sock, DEADLINE.get())
        self.fp = io.BufferedReader(self._reader)

    def begin(self) -> None:
        super().begin()
        # A whole header block ends with an empty line, found before any end of
        # stream; reaching the end while reading it means the block was cut.
        if self._reader.ended:
            self.close()
            raise HeaderBlockCut("the connection closed inside the header block")


class _Connection(HTTPConnection):
    response_class = _Response

    # Connecting waits at most the connect timeout, which the shell cut to the time
    # left when the attempt began; after a wait for a free connection less is left:
    # connect within it, and the TLS handshake within what is left after.
    def _new_conn(self) -> socket.socket:
        self.timeout = _cut(self.timeout)
        sock = super()._new_conn()
        sock.settimeout(_cut(self.timeout))
        return sock


class _TLSConnection(_Connection, HTTPSConnection):
    """The same over TLS (the method resolution order puts HTTPSConnection's own
    behaviour after :class:`_Connection`'s)."""


class _Pool(urllib3.HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


def connection_pool(origin: str, **pool_kw: Any) -> urllib3.HTTPConnectionPool:
    """A pool to ``origin`` (``scheme://host[:port]``), as urllib3's
    ``connection_from_url`` builds it, of these connections."""
    parts = parse_url(origin)
    host = parts.host or ""
    if parts.scheme == "https":
        return _TLSPool(host, port=parts.port or 443, **pool_kw)
    return _Pool(host, port=parts.port or 80, **pool_kw)
