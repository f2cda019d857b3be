"""Fixtures of the client's tests: a recording server and one driver per client kind.

The tests here need only ``.[test]`` (no emulator, no pytest-asyncio): the async client
runs under ``asyncio.run`` inside a plain test function.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer
from tests._support.vectors import VECTORS as _VECTORS

import sendx

KEY = "sk_live_SECRET-KEY-1234567890"
TEAM = "TEAM"
VECTORS = _VECTORS

#: Fast, deterministic-in-shape retries for tests: milliseconds of backoff.
FAST_RETRY = sendx.RetryPolicy(backoff_initial=0.002, backoff_max=0.01)


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    """A fresh recording server, stopped (every socket closed) after the test."""
    with RecordingServer() as srv:
        yield srv


class Driver:
    """Runs client calls the same way for both clients: sync directly, async under
    ``asyncio.run``. Each method builds a client, makes the call and closes it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def client_class(self) -> type[Any]:
        return sendx.SendX if self.kind == "sync" else sendx.AsyncSendX

    def call(
        self, base_url: str, method: str, *args: Any, client: Any = None, **kwargs: Any
    ) -> Any:
        """``client.contacts.<method>(*args, **kwargs)`` on a new client built with
        ``client`` (a dict of constructor options)."""
        options: dict[str, Any] = {"base_url": base_url, "retry": FAST_RETRY, **(client or {})}
        key, team = options.pop("api_key", KEY), options.pop("team_id", TEAM)
        if self.kind == "sync":
            with sendx.SendX(key, team, **options) as sync_client:
                return getattr(sync_client.contacts, method)(*args, **kwargs)

        async def run() -> Any:
            async with sendx.AsyncSendX(key, team, **options) as async_client:
                return await getattr(async_client.contacts, method)(*args, **kwargs)

        return asyncio.run(run())

    def identify(self, base_url: str, *args: Any, client: Any = None, **kwargs: Any) -> Any:
        return self.call(base_url, "identify", *args, client=client, **kwargs)

    def track(self, base_url: str, *args: Any, client: Any = None, **kwargs: Any) -> Any:
        return self.call(base_url, "track", *args, client=client, **kwargs)


@pytest.fixture(params=["sync", "async"])
def driver(request: pytest.FixtureRequest) -> Driver:
    """Each test using it runs once per client: ``SendX`` and ``AsyncSendX``."""
    return Driver(request.param)
