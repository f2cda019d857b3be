"""Small ASGI helpers shared by the API and the control plane: bodies in, JSON out.

No framework on purpose: a request costs a few dict lookups here, which is what
lets the emulator keep up with the bare server stack.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import unquote_plus

import msgspec

__all__ = [
    "MAX_BODY",
    "MAX_HEADER_BYTES",
    "MAX_QUERY",
    "Disconnected",
    "Receive",
    "Scope",
    "Send",
    "TooLarge",
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

_JSON = (b"content-type", b"application/json")
_encode = msgspec.json.encode


class Disconnected(Exception):
    """The client went away before its body arrived."""


class TooLarge(Exception):
    """The body is over :data:`MAX_BODY`."""


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
            raise TooLarge
    message = await receive()
    if message["type"] != "http.request":
        raise Disconnected
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        if len(body) > MAX_BODY:
            raise TooLarge
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
            raise TooLarge
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
