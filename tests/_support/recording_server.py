"""A small, programmable HTTP/1.1 server that records the exact bytes of each request.

It runs on 127.0.0.1 in background threads (one to accept, one per connection),
speaks persistent HTTP/1.1 with ``Content-Length`` bodies, and answers each request
with the next :class:`Reply` of its script (or with ``default`` once the script is
used up, or with ``handler(request)`` when a handler is set). A reply may wait
before answering, close the connection without answering, never answer, or send raw
bytes (a header block cut short, an answer dripped one byte at a time).

Only the standard library is used, so the client's tests run with nothing but
``.[test]`` installed::

    with RecordingServer() as server:
        server.script(Reply.json({"status": "200"}, status=503), Reply.json({...}))
        ...
        assert server.requests[0].headers == [...]

``stop()`` closes every socket and joins every thread, so no ResourceWarning leaks
into a test run with ``filterwarnings = error``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["RecordedRequest", "RecordingServer", "Reply", "free_port"]


#: What a server sends when nothing else is scripted: an identify envelope.
DEFAULT_CONTACT = {
    "encryptedTeamId": "CLdh9Ig5GLIN1u8gTRvoja",
    "encryptedId": "c9QF63nrBenCaAXe660byz",
    "tags": ["API Team", "Tech"],
    "firstName": "John",
    "lastName": "Doe",
    "email": "john.doe@gmail.com",
    "company": "",
    "birthday": "1989-03-03",
    "customFields": {"Age": "29", "Designation": "Software Engineer"},
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    ``action`` is ``"respond"`` (send status, headers and body after ``delay``
    seconds), ``"close"`` (after ``delay``, close the connection without a byte),
    ``"hang"`` (never answer; the connection stays open until the client gives up or
    the server stops) or ``"raw"`` (send ``body`` as it is, one byte every
    ``interval`` seconds when that is set, then close the connection).
    ``Content-Length`` is added unless ``headers`` already has it.
    """

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    action: str = "respond"
    interval: float = 0.0

    @classmethod
    def json(
        cls,
        payload: Any,
        status: int = 200,
        headers: Iterable[tuple[str, str]] = (),
        delay: float = 0.0,
    ) -> Reply:
        """A JSON answer (``Content-Type: application/json``)."""
        return cls(
            status=status,
            headers=(("Content-Type", "application/json"), *headers),
            body=json.dumps(payload).encode(),
            delay=delay,
        )

    @classmethod
    def contact(cls, data: Any = None, status: int = 200) -> Reply:
        """SendX's identify envelope around ``data`` (default: :data:`DEFAULT_CONTACT`)."""
        payload = {
            "status": "200",
            "message": "OK",
            "data": DEFAULT_CONTACT if data is None else data,
        }
        return cls.json(payload, status=status)

    @classmethod
    def status_only(
        cls, status: int, headers: Iterable[tuple[str, str]] = (), body: bytes = b""
    ) -> Reply:
        """An answer with ``status`` and a raw ``body``."""
        return cls(status=status, headers=tuple(headers), body=body)

    @classmethod
    def close(cls, delay: float = 0.0) -> Reply:
        """Close the connection without answering."""
        return cls(action="close", delay=delay)

    @classmethod
    def hang(cls) -> Reply:
        """Never answer."""
        return cls(action="hang")

    @classmethod
    def raw(cls, data: bytes, *, interval: float = 0.0) -> Reply:
        """Send ``data`` byte for byte, not even framed by the server (a header block
        cut short, say), one byte every ``interval`` seconds when it is set (a server
        that drips its answer), then close the connection."""
        return cls(body=data, action="raw", interval=interval)


@dataclass(frozen=True)
class RecordedRequest:
    """One request exactly as it arrived."""

    request_line: str
    headers: list[tuple[str, str]]
    body: bytes
    raw: bytes
    connection: int
    received_at: float = field(compare=False)

    @property
    def method(self) -> str:
        return self.request_line.split(" ", 1)[0]

    @property
    def target(self) -> str:
        return self.request_line.split(" ")[1]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    @property
    def query_params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or ``None``."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def json(self) -> Any:
        return json.loads(self.body)


def free_port() -> int:
    """A loopback port that nothing listens on (for connection-refused tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class _BadRequest(Exception):
    pass


class RecordingServer:
    """The server; use as a context manager or call :meth:`start` / :meth:`stop`."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default if default is not None else Reply.contact()
        self.handler: Callable[[RecordedRequest], Reply] | None = None
        self.requests: list[RecordedRequest] = []
        self.connections = 0
        self._script: deque[Reply] = deque()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self.port = 0

    # -- life cycle ---------------------------------------------------------------

    def start(self) -> RecordingServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        # A short accept timeout lets the accept loop notice stop() promptly.
        listener.settimeout(0.05)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._spawn(self._accept_loop, "recording-server-accept")
        return self

    def stop(self) -> None:
        self._stopping.set()
        # Shutting sockets down wakes the threads blocked in accept() / recv() at once;
        # their short socket timeouts are only the fallback.
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
        with self._cond:
            self._cond.notify_all()
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=10)
        with self._cond:
            for sock in self._sockets:
                _close(sock)
            self._sockets.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> RecordingServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL a client should use: ``http://127.0.0.1:PORT/api/v1``."""
        return f"http://127.0.0.1:{self.port}/api/v1"

    # -- programming and inspecting --------------------------------------------------

    def script(self, *replies: Reply) -> None:
        """Queue ``replies`` for the next requests, in order."""
        with self._cond:
            self._script.extend(replies)

    def reset(self) -> None:
        """Forget requests, script and handler (the default reply stays)."""
        with self._cond:
            self.requests.clear()
            self._script.clear()
            self.handler = None

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until ``count`` requests arrived (or raise ``TimeoutError``)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.requests)} of {count} requests arrived")
                self._cond.wait(left)
            return list(self.requests)

    # -- internals -------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._cond:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        listener = self._listener
        while not self._stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(0.1)
            with self._cond:
                if self._stopping.is_set():
                    conn.close()
                    return
                self.connections += 1
                number = self.connections
                self._sockets.add(conn)
            self._spawn(self._serve, f"recording-server-conn-{number}", conn, number)

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._cond:
            self.requests.append(request)
            if self._script:
                reply = self._script.popleft()
            elif self.handler is not None:
                reply = self.handler(request)
            else:
                reply = self.default
            self._cond.notify_all()
        return reply

    def _serve(self, conn: socket.socket, number: int) -> None:
        buffer = bytearray()
        try:
            while not self._stopping.is_set():
                try:
                    request = self._read_request(conn, buffer, number)
                except (_BadRequest, OSError):
                    return
                if request is None:
                    return
                reply = self._next_reply(request)
                if reply.delay and self._stopping.wait(reply.delay):
                    return
                if reply.action == "close":
                    return
                if reply.action == "hang":
                    self._stopping.wait()
                    return
                if reply.action == "raw":
                    self._send_raw(conn, reply)
                    return
                try:
                    conn.sendall(_encode_reply(reply))
                except OSError:
                    return
                if (request.header("connection") or "").lower() == "close":
                    return
        finally:
            with self._cond:
                self._sockets.discard(conn)
            _close(conn)

    def _send_raw(self, conn: socket.socket, reply: Reply) -> None:
        """``reply.body`` as it is, dripped when ``reply.interval`` is set; stops when
        the client hangs up or the server stops."""
        try:
            if not reply.interval:
                conn.sendall(reply.body)
                return
            for index in range(len(reply.body)):
                if self._stopping.wait(reply.interval):
                    return
                conn.sendall(reply.body[index : index + 1])
        except OSError:
            return  # the client hung up

    def _read_request(
        self, conn: socket.socket, buffer: bytearray, number: int
    ) -> RecordedRequest | None:
        """The next request on ``conn``; ``None`` when the client closed it."""
        while b"\r\n\r\n" not in buffer:
            if not self._recv(conn, buffer):
                if buffer:
                    raise _BadRequest("connection closed mid-request")
                return None
        head_end = buffer.index(b"\r\n\r\n") + 4
        head = bytes(buffer[:head_end])
        lines = head[:-4].decode("latin-1").split("\r\n")
        headers = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise _BadRequest(f"bad header line {line!r}")
            headers.append((name, value.strip()))
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
        if any(k.lower() == "transfer-encoding" for k, _ in headers):
            raise _BadRequest("chunked bodies are not supported")
        while len(buffer) < head_end + length:
            if not self._recv(conn, buffer):
                raise _BadRequest("connection closed mid-body")
        raw = bytes(buffer[: head_end + length])
        del buffer[: head_end + length]
        return RecordedRequest(
            request_line=lines[0],
            headers=headers,
            body=raw[head_end:],
            raw=raw,
            connection=number,
            received_at=time.monotonic(),
        )

    def _recv(self, conn: socket.socket, buffer: bytearray) -> bool:
        """Read more bytes into ``buffer``; ``False`` at end of stream or on stop."""
        while not self._stopping.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return False
            buffer.extend(chunk)
            return True
        return False


def _encode_reply(reply: Reply) -> bytes:
    try:
        reason = HTTPStatus(reply.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {reply.status} {reason}"]
    names = {name.lower() for name, _ in reply.headers}
    lines.extend(f"{name}: {value}" for name, value in reply.headers)
    if "content-length" not in names:
        lines.append(f"Content-Length: {len(reply.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already reset by the peer
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
