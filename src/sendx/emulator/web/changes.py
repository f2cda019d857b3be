"""A version counter of the emulator's state, and a way to wait for its next change.

Every commit, reset and configuration change bumps it; the live stream of a connected
page waits on it. A bump with no page connected costs an integer increment, so the API
pays nothing for a page that is closed. Used from the server's loop, except
:meth:`ChangeFeed.bump_threadsafe` (the webhook workers).
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["ChangeFeed"]


class ChangeFeed:
    """The state's version, and the futures of the streams waiting for the next one."""

    def __init__(self) -> None:
        self.version = 0
        self.closed = False
        """Set when the server shuts down: every stream ends."""
        self._waiters: set[asyncio.Future[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bump(self) -> None:
        """Record a change and wake the streams."""
        self.version += 1
        self._wake()

    def bump_threadsafe(self) -> None:
        """:meth:`bump`, from another thread; nothing at all while no stream waits."""
        loop = self._loop
        if loop is not None and self._waiters and not loop.is_closed():
            # RuntimeError: the loop closed in between, and no stream is left to tell.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.bump)

    def close(self) -> None:
        """End every stream (the server is shutting down)."""
        self.closed = True
        self._wake()

    def waiter(self) -> asyncio.Future[None]:
        """A future done at the next change (or at :meth:`close`); :meth:`forget` it
        when done with it."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        future: asyncio.Future[None] = loop.create_future()
        if self.closed:
            future.set_result(None)
        else:
            self._waiters.add(future)
        return future

    def forget(self, future: asyncio.Future[None]) -> None:
        """Stop tracking a waiter (its stream moved on or ended)."""
        self._waiters.discard(future)

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for future in waiters:
            if not future.done():
                future.set_result(None)
