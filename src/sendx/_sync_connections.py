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


class _Stream(socket.SocketIO):
    """The raw stream of ``socket.makefile`` under one response: each read waits at
    most the read timeout cut to the deadline, none starts after it, and the end of
    the stream is noted."""

    sock: Any = None
    deadline: float | None = None
    read_timeout: float | None = None
    ended = False

    def readinto(self, buffer: Any) -> int | None:
        deadline = self.deadline
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the call's deadline passed")
            if self.read_timeout is None or left < self.read_timeout:
                self.sock.settimeout(left)
        count: int | None = super().readinto(buffer)
        if count == 0:
            self.ended = True
        return count


class _Response(http.client.HTTPResponse):
    """http.client's response over a :class:`_Stream`, refusing a cut header block."""

    def __init__(
        self, sock: Any, debuglevel: int = 0, method: str | None = None, url: str | None = None
    ) -> None:
        super().__init__(sock, debuglevel, method, url)
        # The stream makefile opened becomes a _Stream: the same object, so the
        # socket's reference count and closing stay makefile's, and no second buffer
        # and layer per request (a wrapper cost 3% of a request's CPU). Our pools'
        # sockets (socket.socket, ssl.SSLSocket) all make socket.SocketIO streams.
        stream: Any = self.fp.raw
        stream.__class__ = _Stream
        stream.sock, stream.deadline, stream.read_timeout = sock, DEADLINE.get(), sock.gettimeout()
        self._stream: _Stream = stream

    def begin(self) -> None:
        super().begin()
        # A whole header block ends with an empty line, found before any end of
        # stream; reaching the end while reading it means the block was cut.
        if self._stream.ended:
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
