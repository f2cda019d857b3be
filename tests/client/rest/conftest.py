"""Fixtures of the REST tests: one emulator per module, and per test a client of each
kind (``SendX`` and ``AsyncSendX``) with an API key of its own, so a team of its own.

The async client is driven through :class:`Blocking`, which runs each coroutine to its
end on the test's own event loop: one test body serves both clients.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import sendx
from sendx._paging import AsyncPager
from sendx.testing import ControlPlane

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

#: Fast retries: milliseconds of backoff, so faults cost little time.
FAST_RETRY = sendx.RetryPolicy(backoff_initial=0.001, backoff_max=0.005)


def team_of(key: str) -> str:
    """The team a key seen first over REST makes in the emulator (docs/emulator.md)."""
    return "rest-" + hashlib.sha256(key.encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    """A running emulator with a temporary database, for the module's tests."""
    from sendx.emulator import Emulator

    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def key() -> str:
    """An API key never used before: a new team."""
    return f"key-{uuid.uuid4().hex}"


@pytest.fixture
def control(emu: Any, key: str) -> Iterator[ControlPlane]:
    """The emulator's control plane, seen as the test's team; faults cleared after."""
    plane = ControlPlane(emu.control_url, team_of(key))
    yield plane
    plane.set_faults([])


class Blocking:
    """An async client (or one of its resources) seen through blocking calls."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if callable(value):

            def call(*args: Any, **kwargs: Any) -> Any:
                return self._finish(value(*args, **kwargs))

            return call
        if type(value).__module__.startswith("sendx."):
            return Blocking(value, self._loop)
        return value

    def _finish(self, result: Any) -> Any:
        if inspect.isawaitable(result):
            return self._loop.run_until_complete(result)
        if isinstance(result, AsyncPager):
            return BlockingPager(result, self._loop)
        return result


class BlockingPager:
    """An :class:`AsyncPager` iterated (whole) and paged through blocking calls."""

    def __init__(self, pager: AsyncPager[Any], loop: asyncio.AbstractEventLoop) -> None:
        self._pager = pager
        self._loop = loop

    def __iter__(self) -> Iterator[Any]:
        async def collect() -> list[Any]:
            return [item async for item in self._pager]

        return iter(self._loop.run_until_complete(collect()))

    def page(self, offset: int = 0, limit: int | None = None) -> list[Any]:
        return self._loop.run_until_complete(self._pager.page(offset, limit))


def make_client(kind: str, emu: Any, key: str, **options: Any) -> Any:
    """A client of ``kind`` ("sync" or "async") on the emulator's REST API."""
    settings: dict[str, Any] = {
        "base_url": emu.base_url,
        "rest_base_url": emu.base_url + "/rest",
        "retry": FAST_RETRY,
        **options,
    }
    if kind == "sync":
        return sendx.SendX(key, **settings)
    loop = asyncio.new_event_loop()
    return Blocking(sendx.AsyncSendX(key, **settings), loop)


def close_client(client: Any) -> None:
    if isinstance(client, Blocking):
        client.close()
        client._loop.close()
    else:
        client.close()


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once per client: ``SendX`` and ``AsyncSendX``."""
    return str(request.param)


@pytest.fixture
def client(kind: str, emu: Any, key: str) -> Iterator[Any]:
    """A client of the test's team: ``SendX``, or ``AsyncSendX`` through ``Blocking``."""
    made = make_client(kind, emu, key)
    try:
        yield made
    finally:
        close_client(made)


def raw(emu: Any, key: str, method: str, path: str, payload: Any = None) -> Any:
    """A REST request made without the client (to set up what a test needs): the
    decoded answer; ``urllib.error.HTTPError`` for a non-2xx."""
    request = urllib.request.Request(
        f"{emu.base_url}/rest{path}",
        data=None if payload is None else json.dumps(payload).encode(),
        method=method,
        headers={"X-Team-ApiKey": key, "Content-Type": "application/json"},
    )
    with _OPENER.open(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")
