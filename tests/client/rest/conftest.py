"""Fixtures of the REST tests: both clients against a fresh emulator.

One emulator serves a module's tests, and each test gets a key never seen before: a key
first seen over REST binds a team of its own, empty, so each test starts as on a new
emulator, for a fraction of the cost. ``client`` is ``SendX`` or ``AsyncSendX``
(each test runs with both) behind one blocking face, so that one test body serves
both: on the async client every call is awaited on the test's event loop, and a
``list()`` is iterated with ``async for`` one item at a time. ``make_client`` builds
one with other options (hooks, timeouts, another server); ``control`` is the
emulator's control plane seen as the test's team.

The emulator needs ``sendx-client[emulator]``; without it (the client's test matrix
installs only ``.[test]``) these tests are skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import secrets
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import sendx
from sendx._paging import AsyncPager
from sendx.emulator import Emulator
from sendx.testing import ControlPlane

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

#: A team member every team of the tests' emulator has, besides its owner.
MEMBER = "jane.doe@example.com"
FAST_RETRY = sendx.RetryPolicy(backoff_initial=0.002, backoff_max=0.01)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """A running emulator (temporary database) for a module's tests."""
    pytest.importorskip("uvicorn", reason="the emulator needs sendx-client[emulator]")
    with Emulator(members=[MEMBER]) as emu:
        yield emu


class PagerView:
    """An ``AsyncPager`` iterated from blocking code, one item (and so one page) at a
    time, as ``async for`` would."""

    def __init__(self, pager: AsyncPager[Any], loop: asyncio.AbstractEventLoop) -> None:
        self._pager = pager
        self._loop = loop

    def __iter__(self) -> Iterator[Any]:
        items = self._pager.__aiter__()
        try:
            while True:
                try:
                    yield self._loop.run_until_complete(items.__anext__())  # type: ignore[attr-defined]
                except StopAsyncIteration:
                    return
        finally:
            self._loop.run_until_complete(items.aclose())  # type: ignore[attr-defined]

    def page(self, *args: Any, **kwargs: Any) -> Any:
        return self._loop.run_until_complete(self._pager.page(*args, **kwargs))


class FamilyView:
    """A resource of the async client, its coroutines awaited."""

    def __init__(self, family: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._family = family
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._family, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            if inspect.isawaitable(result):
                result = self._loop.run_until_complete(result)
            if isinstance(result, AsyncPager):
                return PagerView(result, self._loop)
            return result

        return call


class Client:
    """``SendX`` or ``AsyncSendX`` (``kind``), driven the same way. ``sent`` holds
    ``(method, path)`` of every request this client sent (its ``on_request`` hook)."""

    def __init__(
        self,
        kind: str,
        emulator: Emulator,
        key: str,
        loop: asyncio.AbstractEventLoop,
        **overrides: Any,
    ) -> None:
        self.kind = kind
        self.emulator = emulator
        self.key = key
        self.loop = loop
        self.sent: list[tuple[str, str]] = []
        self._twins: list[Client] = []
        self.rest_base_url = emulator.base_url + "/rest"
        options: dict[str, Any] = {
            "rest_base_url": self.rest_base_url,
            "retry": FAST_RETRY,
            "on_request": lambda event: self.sent.append((event.method, event.path)),
            **overrides,
        }
        if kind == "sync":
            self.real: Any = sendx.SendX(key, **options)
        else:
            self.real = loop.run_until_complete(self._async_client(key, options))

    @staticmethod
    async def _async_client(key: str, options: dict[str, Any]) -> sendx.AsyncSendX:
        return sendx.AsyncSendX(key, **options)

    def __getattr__(self, name: str) -> Any:
        family = getattr(self.real, name)
        return family if self.kind == "sync" else FamilyView(family, self.loop)

    def other(self) -> Client:
        """Another client of the same team (another process, say): its own names."""
        twin = Client(self.kind, self.emulator, self.key, self.loop)
        self._twins.append(twin)
        return twin

    def close(self) -> None:
        for twin in self._twins:
            twin.close()
        if self.kind == "sync":
            self.real.close()
        else:
            self.loop.run_until_complete(self.real.close())


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once per client: ``SendX`` and ``AsyncSendX``."""
    return str(request.param)


@pytest.fixture
def key() -> str:
    """An API key never seen before: a team of its own."""
    return f"key-{secrets.token_hex(8)}"


def make_client(kind: str, emulator: Any, key: str, **overrides: Any) -> Client:
    """A :class:`Client` with constructor options of its own (``emulator`` may be any
    object with a ``base_url``); close it with :func:`close_client`."""
    return Client(kind, emulator, key, asyncio.new_event_loop(), **overrides)


def close_client(client: Client) -> None:
    client.close()
    client.loop.run_until_complete(client.loop.shutdown_asyncgens())
    client.loop.close()


@pytest.fixture
def client(kind: str, emulator: Emulator, key: str) -> Iterator[Client]:
    """Each test using it runs once per client, in a team of its own."""
    made = make_client(kind, emulator, key)
    try:
        yield made
    finally:
        close_client(made)


def team_of(key: str) -> str:
    """The team a key seen first over REST binds in the emulator (docs/emulator.md)."""
    return "rest-" + hashlib.sha256(key.encode()).hexdigest()[:16]


@pytest.fixture
def control(emulator: Emulator, key: str) -> Iterator[ControlPlane]:
    """The emulator's control plane, seen as the test's team; faults cleared after."""
    plane = ControlPlane(emulator.control_url, team_of(key))
    yield plane
    plane.set_faults([])


def raw(emulator: Any, key: str, method: str, path: str, payload: Any = None) -> Any:
    """A REST request made without the client (to set up what a test needs): the
    decoded answer; ``urllib.error.HTTPError`` for a non-2xx."""
    request = urllib.request.Request(
        f"{emulator.base_url}/rest{path}",
        data=None if payload is None else json.dumps(payload).encode(),
        method=method,
        headers={"X-Team-ApiKey": key, "Content-Type": "application/json"},
    )
    with _OPENER.open(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def set_faults(emulator: Emulator, *faults: dict[str, Any]) -> None:
    """Put these faults in force on the emulator (none: clear them)."""
    request = urllib.request.Request(
        emulator.control_url + "/faults",
        data=json.dumps({"faults": list(faults)}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


@pytest.fixture
def faults(emulator: Emulator) -> Iterator[Any]:
    """``faults(*F)`` puts faults in force for the test; they are cleared after."""
    yield lambda *found: set_faults(emulator, *found)
    set_faults(emulator)
