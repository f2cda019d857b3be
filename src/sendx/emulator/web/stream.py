"""``GET /_emulator/stream``: server-sent events that tell a page to fetch again.

One ``change`` event (its data: the state's version) when the stream opens and after
each burst of changes, a burst being what commits within :data:`COALESCE_S` of its
first change; a keep-alive comment every :data:`KEEP_ALIVE_S` otherwise, so that
proxies and the browser keep the connection. The page fetches what it shows on each
event: one request per burst and per page, not a poll. At most :data:`MAX_STREAMS`
streams at once (503 beyond, with ``Retry-After``); every stream ends when the server
shuts down (:meth:`~sendx.emulator.web.changes.ChangeFeed.close`), so that a stop is
never held up by an open page.
"""

from __future__ import annotations

import asyncio
import contextlib

from sendx.emulator.http.asgi import (
    MAX_QUERY,
    Receive,
    Scope,
    Send,
    answer_and_close,
    error_body,
    respond,
)
from sendx.emulator.http.guard import HostGuard, read_refusal
from sendx.emulator.web.changes import ChangeFeed

__all__ = ["COALESCE_S", "KEEP_ALIVE_S", "MAX_STREAMS", "Streams"]

MAX_STREAMS = 8
KEEP_ALIVE_S = 15.0
COALESCE_S = 0.1
# The browser's wait before it reconnects a stream that ended (milliseconds).
_RETRY = b"retry: 2000\n\n"
_KEEP_ALIVE = b": keep-alive\n\n"
_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
]


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


class Streams:
    """The open streams of one emulator (used from the server's loop only)."""

    def __init__(self, feed: ChangeFeed, guard: HostGuard) -> None:
        self._feed = feed
        self._guard = guard
        self.open = 0
        """How many streams are open now."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ``/_emulator/stream`` request."""
        if scope["method"] != "GET":
            body = error_body(405, f"method {scope['method']} not allowed; use GET")
            await respond(send, 405, body, [(b"allow", b"GET")])
            return
        refusal = read_refusal(self._guard, scope)
        if refusal is not None:
            await answer_and_close(scope, receive, send, *refusal)
            return
        if len(scope["query_string"]) > MAX_QUERY:
            await respond(send, 414, error_body(414, f"the query string is over {MAX_QUERY} bytes"))
            return
        if self.open >= MAX_STREAMS:
            message = f"{MAX_STREAMS} pages are connected already; close one, or retry later"
            await respond(send, 503, error_body(503, message), [(b"retry-after", b"5")])
            return
        self.open += 1
        try:
            await self._serve(receive, send)
        finally:
            self.open -= 1

    async def _serve(self, receive: Receive, send: Send) -> None:
        feed = self._feed
        seen = feed.version
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        first = _RETRY + b"event: change\ndata: %d\n\n" % seen
        await send({"type": "http.response.body", "body": first, "more_body": True})
        gone = asyncio.ensure_future(_until_disconnect(receive))
        try:
            while not feed.closed:
                waiter = feed.waiter()
                try:
                    await asyncio.wait(
                        {waiter, gone}, timeout=KEEP_ALIVE_S, return_when="FIRST_COMPLETED"
                    )
                finally:
                    feed.forget(waiter)
                if gone.done() or feed.closed:
                    break
                if feed.version != seen:
                    # Let the burst settle: a test's hundred calls make one event.
                    await asyncio.wait({gone}, timeout=COALESCE_S)
                    seen = feed.version
                    chunk = b"event: change\ndata: %d\n\n" % seen
                else:
                    chunk = _KEEP_ALIVE
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            gone.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await gone
        await send({"type": "http.response.body", "body": b""})
