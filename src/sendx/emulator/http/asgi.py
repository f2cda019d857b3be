"""Small ASGI helpers shared by the API and the control plane: bodies in, JSON out.

No framework on purpose: a request costs a few dict lookups here, which is what
lets the emulator keep up with the bare server stack.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any, Literal
from urllib.parse import unquote_plus

import msgspec

__all__ = [
    "DISCARD_BYTES",
    "DISCARD_SECONDS",
    "MAX_BODY",
    "MAX_HEADER_BYTES",
    "MAX_QUERY",
    "TOO_DEEP",
    "BodyState",
    "Disconnected",
    "Receive",
    "Scope",
    "Send",
    "TooLarge",
    "answer_and_close",
    "error_body",
    "no_route",
    "scan_headers",
    "parse_query",
    "read_body",
    "respond",
]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

MAX_BODY = 1024 * 1024  # 1 MiB, answered 413 beyond
MAX_QUERY = 8 * 1024  # answered 414 beyond
MAX_HEADER_BYTES = 32 * 1024  # all header names and values together; 431 beyond
MAX_HEADERS = 100
# What is read and dropped of a body refused before its end, before the connection
# closes (see answer_and_close): bodies up to 64 MiB, for up to 10 seconds.
DISCARD_BYTES = 64 * 1024 * 1024
DISCARD_SECONDS = 10.0
# msgspec raises RecursionError past its nesting limit: answered 400 with this.
TOO_DEEP = "the request body nests arrays or objects too deeply"

_JSON = (b"content-type", b"application/json")
_encode = msgspec.json.encode


class Disconnected(Exception):
    """The client went away before its body arrived."""


BodyState = Literal["unread", "partial", "complete"]


class TooLarge(Exception):
    """The body is over :data:`MAX_BODY`. ``body`` says how much of it was received:
    none (its Content-Length said so), part, or all of it."""

    def __init__(self, body: BodyState) -> None:
        super().__init__("the request body is over 1 MiB")
        self.body = body


def no_route(path: str) -> bytes:
    """The 404 body for ``path`` (shortened: it echoes what the client sent)."""
    shown = path if len(path) <= 200 else path[:197] + "..."
    return error_body(404, f"no route {shown}")


def error_body(status: int, message: str) -> bytes:
    """SendX's error shape: ``{"status": "<code>", "message": "<what is wrong>"}``."""
    return _encode({"status": str(status), "message": message})


async def respond(
    send: Send,
    status: int,
    body: bytes,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """Send a complete JSON response."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_JSON, (b"content-length", b"%d" % len(body)), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def answer_and_close(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    body: bytes,
    headers: Iterable[tuple[bytes, bytes]] = (),
    *,
    request_body: BodyState = "unread",
) -> None:
    """Send a complete JSON answer with ``Connection: close``, then read and drop what
    is left of the request body before the connection closes (a lingering close, as
    nginx does). Closing a socket with unread bytes sends a reset, and most clients,
    still writing a large body, would see that reset instead of the answer.

    The rest is read up to :data:`DISCARD_BYTES` and for :data:`DISCARD_SECONDS`;
    past either, or when the body announced is larger, the connection closes without
    more. ``request_body`` says how much of the body was received already: when none
    was asked for, a client that sent ``Expect: 100-continue`` has sent none of it and
    never will, so nothing is read."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                _JSON,
                (b"content-length", b"%d" % len(body)),
                (b"connection", b"close"),
                *headers,
            ],
        }
    )
    # The whole answer, but the response left open: the server keeps delivering the
    # request's body until it ends, and closes the connection only after that.
    await send({"type": "http.response.body", "body": body, "more_body": True})
    if request_body == "partial" or (request_body == "unread" and _worth_discarding(scope)):
        # A client too slow: the connection closes with its body unread.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_discard(receive), DISCARD_SECONDS)
    await send({"type": "http.response.body", "body": b""})


def _worth_discarding(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"expect" and value.lower() == b"100-continue":
            return False
        if name == b"content-length":
            try:
                if int(value) > DISCARD_BYTES:
                    return False
            except ValueError:
                return False
    return True


async def _discard(receive: Receive) -> None:
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        size += len(message.get("body", b""))
        if size > DISCARD_BYTES:
            return


async def read_body(scope: Scope, receive: Receive, length: bytes | None = None) -> bytes:
    """The whole request body; raises :class:`TooLarge` past 1 MiB (announced or
    received) and :class:`Disconnected` if the client leaves first. ``length`` is
    the Content-Length header when the caller already found it."""
    if length is None:
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
                break
    if length is not None:
        try:
            announced = int(length)
        except ValueError:
            announced = 0  # the server stack rejects a malformed length itself
        if announced > MAX_BODY:
            raise TooLarge("unread")
    message = await receive()
    if message["type"] != "http.request":
        raise Disconnected
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        if len(body) > MAX_BODY:
            raise TooLarge("complete")
        return body
    chunks = [body]
    size = len(body)
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge("partial" if message.get("more_body", False) else "complete")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def scan_headers(scope: Scope) -> tuple[bytes | None, bytes | None, bool]:
    """One pass over the headers: the first ``api_key``, the ``content-length``, and
    whether there are too many headers or too many bytes of them."""
    headers = scope["headers"]
    if len(headers) > MAX_HEADERS:
        return None, None, True
    key = length = None
    size = 0
    for name, value in headers:
        size += len(name) + len(value)
        if name == b"api_key":
            if key is None:
                key = value
        elif name == b"content-length":
            length = value
    return key, length, size > MAX_HEADER_BYTES


def _unquote(text: str) -> str:
    if "%" in text or "+" in text:
        return unquote_plus(text, encoding="utf-8", errors="strict")
    return text


def parse_query(scope: Scope) -> dict[str, str]:
    """The query string's parameters, form-decoded as UTF-8 (as ``parse_qsl`` with
    blank values kept); the first of a repeated name wins. Raises ``ValueError`` on
    bytes that are not UTF-8."""
    raw: bytes = scope["query_string"]
    if not raw:
        return {}
    params: dict[str, str] = {}
    # Hand-rolled: parse_qsl costs more than the rest of the request's parsing.
    for part in raw.decode("utf-8").split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        params.setdefault(_unquote(name), _unquote(value))
    return params
