"""Clients bound to a test target, with retries that do not slow tests down.

Like stamina's testing mode: the fixtures' clients retry as often as the default
policy says, but wait a millisecond instead of seconds, so a test that injects a 503
takes milliseconds. A ``Retry-After`` sent by the server is still honoured: a test
that asks for one asks for the wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine
from typing import Any

from sendx._client import AsyncSendX, SendX
from sendx._hooks import RequestEvent
from sendx._policies import DEFAULT_RETRY_POLICY, RetryPolicy
from sendx.testing._target import Target

__all__ = ["FAST_RETRY", "LoopBoundAsyncSendX", "async_client_for", "client_for"]

#: The default policy's attempts, retry-after cap and deadline, with backoff waits of
#: at most 5 ms.
FAST_RETRY = RetryPolicy(
    max_retries=DEFAULT_RETRY_POLICY.max_retries,
    backoff_initial=0.001,
    backoff_max=0.005,
    retry_after_max=DEFAULT_RETRY_POLICY.retry_after_max,
    deadline=DEFAULT_RETRY_POLICY.deadline,
)


def _options(target: Target, overrides: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {"base_url": target.base_url}
    if target.rest_base_url is not None:
        options["rest_base_url"] = target.rest_base_url
    if not target.live:
        options["retry"] = FAST_RETRY  # production keeps its real backoff
    options.update(overrides)
    return options


def client_for(target: Target, **overrides: Any) -> SendX:
    """A :class:`sendx.SendX` for ``target``; ``overrides`` are constructor arguments."""
    return SendX(target.api_key, target.team_id, **_options(target, overrides))


def async_client_for(target: Target, **overrides: Any) -> LoopBoundAsyncSendX:
    """A :class:`LoopBoundAsyncSendX` for ``target``."""
    return LoopBoundAsyncSendX(target.api_key, target.team_id, **_options(target, overrides))


async def _close_when_loop_ends(client: AsyncSendX) -> AsyncGenerator[None, None]:
    # An async generator started inside a loop is registered with it; asyncio.run (and
    # asyncio.Runner, anyio, pytest-asyncio) close such generators before closing the
    # loop, which runs this ``finally`` while the loop can still close sockets.
    try:
        yield
    finally:
        await client.close()


class LoopBoundAsyncSendX(AsyncSendX):
    """An :class:`sendx.AsyncSendX` that closes itself when its event loop ends.

    aiohttp binds a client session to the loop it was first used in. This client
    notices that loop and closes its session when the loop shuts down its async
    generators (``asyncio.run`` does), so ``asyncio.run(main(client))`` leaves nothing
    open even if ``main`` never calls ``close()``. It may then be used again in
    another loop.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        user_hook = kwargs.pop("on_request", None)

        def on_request(event: RequestEvent) -> None:
            self._watch_loop()
            if user_hook is not None:
                user_hook(event)

        super().__init__(*args, on_request=on_request, **kwargs)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: AsyncGenerator[None, None] | None = None
        self._open = False

    def _watch_loop(self) -> None:
        self._open = True
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        self._loop = loop
        closer = _close_when_loop_ends(self)
        # Run it up to its ``yield`` right now (no await happens before it), which
        # registers it with the running loop's async-generator hooks.
        _run_to_end(closer.asend(None))
        self._closer = closer  # the loop keeps only a weak reference

    async def close(self) -> None:
        """Close the connection pool (the client reconnects if used again)."""
        self._open = False
        await super().close()

    def finish(self) -> str | None:
        """Close what is still open after a test; a problem description, else ``None``.

        Called by the fixture's teardown, outside any running loop.
        """
        closer, self._closer = self._closer, None
        loop = self._loop
        if closer is None or loop is None:
            return None  # never used
        if not loop.is_closed() and not loop.is_running():
            # A loop that outlives the test (pytest-asyncio, anyio, a hand-made one).
            loop.run_until_complete(closer.aclose())
            return None
        if not self._open:
            # Already closed: the generator's ``finally`` has nothing left to await.
            _run_to_end(closer.aclose())
            return None
        return (
            "async_sendx_client was still open when its event loop closed without "
            "shutting down its async generators; use it as `async with "
            "async_sendx_client as client:` or `await async_sendx_client.close()`"
        )


def _run_to_end(step: Coroutine[Any, Any, Any] | Any) -> None:
    """Run an awaitable that does not suspend (a generator step) to its end, here."""
    try:
        step.send(None)
    except StopIteration:
        return
    step.close()
    raise RuntimeError("a step that was expected to finish at once had to wait")
