"""The async shell's deadlines: asyncio.timeout's contract behind one timer per loop.

Each test runs its own event loop; waits are on events and futures, the deadlines
themselves short (0.05 s) against waits that would otherwise last 30 s."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import pytest

from sendx._async_deadlines import Deadlines

LONG = 30.0


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


async def _attempt(deadlines: Deadlines, deadline_at: float, wait: Any) -> str:
    """Wait on ``wait`` inside a limit; what came of it."""
    task: Any = asyncio.current_task()
    try:
        with deadlines.limit(task, deadline_at):
            await wait
    except asyncio.TimeoutError:
        return "timeout"
    return "done"


def test_a_passed_deadline_is_a_timeout_and_leaves_no_cancellation() -> None:
    async def main() -> tuple[str, int, float]:
        deadlines = Deadlines(asyncio.get_running_loop())
        began = time.monotonic()
        outcome = await _attempt(deadlines, began + 0.05, asyncio.sleep(LONG))
        elapsed = time.monotonic() - began
        task: Any = asyncio.current_task()
        cancelling = task.cancelling() if sys.version_info >= (3, 11) else 0
        await asyncio.sleep(0)  # a cancellation left behind would be raised here
        deadlines.close()
        return outcome, cancelling, elapsed

    outcome, cancelling, elapsed = run(main())
    assert outcome == "timeout"
    assert cancelling == 0
    assert elapsed < LONG / 2


def test_an_attempt_that_ends_in_time_is_never_cancelled() -> None:
    """Its deadline's timer still fires later, for nothing."""

    async def main() -> list[str]:
        deadlines = Deadlines(asyncio.get_running_loop())
        outcomes = [await _attempt(deadlines, time.monotonic() + 0.05, asyncio.sleep(0))]
        await asyncio.sleep(0.1)  # past that deadline: the timer has fired
        outcomes.append(await _attempt(deadlines, time.monotonic() + LONG, asyncio.sleep(0)))
        deadlines.close()
        return outcomes

    assert run(main()) == ["done", "done"]


def test_a_later_attempt_with_an_earlier_deadline_is_not_kept_waiting() -> None:
    """A retry keeps its call's deadline, earlier than a newer call's: the one timer
    moves forward to it."""

    async def main() -> list[str]:
        deadlines = Deadlines(asyncio.get_running_loop())
        now = time.monotonic()
        late_release = asyncio.get_running_loop().create_future()
        late = asyncio.create_task(_attempt(deadlines, now + LONG, late_release))
        await asyncio.sleep(0)  # the late one is in, its deadline armed
        early = await _attempt(deadlines, now + 0.05, asyncio.sleep(LONG))
        still_waiting = not late.done()
        late_release.set_result(None)
        outcomes = [early, await late, str(still_waiting)]
        deadlines.close()
        return outcomes

    assert run(main()) == ["timeout", "done", "True"]


def test_a_cancellation_from_outside_stays_a_cancellation() -> None:
    async def main() -> None:
        deadlines = Deadlines(asyncio.get_running_loop())
        inner = asyncio.create_task(
            _attempt(deadlines, time.monotonic() + LONG, asyncio.sleep(LONG))
        )
        await asyncio.sleep(0)
        inner.cancel()
        try:
            with pytest.raises(asyncio.CancelledError):
                await inner
        finally:
            deadlines.close()

    run(main())


@pytest.mark.skipif(sys.version_info < (3, 11), reason="3.10 does not count cancellations")
def test_a_cancellation_from_outside_wins_over_the_deadline() -> None:
    """Both at once (the deadline strikes, then the caller cancels before the task
    runs again): the caller's cancellation goes on, not a TimeoutError."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        deadlines = Deadlines(loop)
        limits: list[Any] = []

        async def attempt() -> str:
            task: Any = asyncio.current_task()
            limit = deadlines.limit(task, time.monotonic() + LONG)
            limits.append(limit)
            with limit:
                await asyncio.sleep(LONG)
            return "done"

        inner = asyncio.create_task(attempt())
        await asyncio.sleep(0)
        limits[0].expire()  # as the timer would
        inner.cancel()
        try:
            with pytest.raises(asyncio.CancelledError):
                await inner
        finally:
            deadlines.close()

    run(main())
