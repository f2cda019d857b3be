"""Fixtures of the emulator tests: one emulator per module, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import urllib3
from tests.emulator._helpers import KEY, TEAM, Api
from tests.emulator._receiver import Receiver

from sendx import SendX
from sendx.emulator import Emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """A running emulator (temporary database) shared by a module's tests; webhook
    retries are fast so that tests of them are too."""
    with Emulator(webhook_attempts=3, webhook_backoff=0.05, webhook_timeout=2.0) as emu:
        yield emu


@pytest.fixture(scope="module")
def http() -> Iterator[urllib3.PoolManager]:
    """A urllib3 pool that never retries (so each request is seen as sent)."""
    pool = urllib3.PoolManager(retries=False, timeout=10.0)
    yield pool
    pool.clear()


@pytest.fixture
def emu(emulator: Emulator, http: urllib3.PoolManager) -> Emulator:
    """The module's emulator with no data, no rules and no faults."""
    api = Api(http, emulator)
    assert api.control("PUT", "/faults", {"faults": []})[0] == 200
    assert api.control("PUT", "/rules", {"rules": []})[0] == 200
    assert api.control("POST", "/reset")[0] == 200
    return emulator


@pytest.fixture
def api(emu: Emulator, http: urllib3.PoolManager) -> Api:
    """Raw access to the API and the control plane."""
    return Api(http, emu)


@pytest.fixture
def client(emu: Emulator) -> Iterator[SendX]:
    """Our client, pointed at the emulator, without retries."""
    with SendX(KEY, TEAM, base_url=emu.base_url, max_retries=0) as sendx_client:
        yield sendx_client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local webhook receiver (a loopback address the emulator may call)."""
    r = Receiver()
    yield r
    r.close()
