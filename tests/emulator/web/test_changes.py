"""The change feed in memory: a bump wakes the waiting streams; with none waiting it
costs an increment; closing ends every wait, present and future."""

from __future__ import annotations

import asyncio
import threading

from sendx.emulator.web.changes import ChangeFeed


def test_a_bump_wakes_every_waiter_once() -> None:
    async def scenario() -> None:
        feed = ChangeFeed()
        first, second = feed.waiter(), feed.waiter()
        assert not first.done()
        feed.bump()
        assert (first.done(), second.done(), feed.version) == (True, True, 1)
        third = feed.waiter()
        feed.forget(third)
        feed.bump()
        assert not third.done()  # forgotten: its stream moved on

    asyncio.run(scenario())


def test_a_bump_from_a_webhook_worker_reaches_the_loop() -> None:
    async def scenario() -> None:
        feed = ChangeFeed()
        feed.bump_threadsafe()  # no stream ever waited: nothing scheduled, nothing counted
        assert feed.version == 0
        waiter = feed.waiter()
        worker = threading.Thread(target=feed.bump_threadsafe)
        worker.start()
        worker.join()
        await asyncio.wait_for(waiter, 5)
        assert feed.version == 1

    asyncio.run(scenario())


def test_closing_ends_every_wait() -> None:
    async def scenario() -> None:
        feed = ChangeFeed()
        waiting = feed.waiter()
        feed.close()
        assert waiting.done()
        assert feed.waiter().done()  # a stream that opens while the server stops
        assert feed.closed

    asyncio.run(scenario())
