"""Fixtures of the outbox tests: one emulator per module, a client per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.outbox.helpers import FAST_CLIENT_RETRY, KEY, new_team

import sendx


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    """A running emulator with a temporary database, no latency."""
    from sendx.emulator import Emulator

    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def team() -> str:
    return new_team()


@pytest.fixture
def client(emu: Any, team: str) -> Iterator[sendx.SendX]:
    """A client of a fresh team, with fast retries."""
    with sendx.SendX(
        KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY, max_connections=16
    ) as c:
        yield c
