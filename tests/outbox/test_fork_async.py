"""Fork safety of the sync outbox, and the asyncio outbox."""

from __future__ import annotations

import asyncio
import os
import pathlib
import sqlite3
import threading
import warnings
from contextlib import closing
from typing import Any

import pytest
from tests.outbox.helpers import (
    FAST_CLIENT_RETRY,
    FAST_OUTBOX_RETRY,
    KEY,
    contacts,
    events,
    set_faults,
    wait_for,
)

import sendx


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_starts_its_own_workers_and_never_touches_the_spool(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path
) -> None:
    """A child forked while the parent's call is in flight sees an empty in-memory
    outbox, delivers its own call with its own workers and connections, and leaves
    the parent's spool alone; the parent's call is delivered once."""
    spool = tmp_path / "calls.db"
    outbox = client.outbox(spool=str(spool), retry=FAST_OUTBOX_RETRY)
    # The parent's requests wait at a gate until the end, so its call is still in the
    # spool, in flight, when the child runs (the child gets a new shell, ungated).
    gate = threading.Event()
    shell = outbox._shell

    class Gated:
        def request(self, call: Any) -> Any:
            gate.wait(30)
            return shell.request(call)

    outbox._shell = Gated()
    try:
        outbox.identify("parent@x.io", tags=["p"])
        wait_for(lambda: outbox._plan.flying)
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process that runs threads: that is
            # exactly the situation under test.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                fresh = outbox.spool_path is None and outbox.stats.pending == 0
                outbox.identify("child@x.io", tags=["c"])
                result = outbox.close(30)
                if fresh and result == sendx.FlushResult(1, 0, 0):
                    code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        with closing(sqlite3.connect(spool)) as db:  # the child added nothing to the spool
            assert [row[0] for row in db.execute("select email from calls")] == ["parent@x.io"]
    finally:
        gate.set()
    assert outbox.close(30) == sendx.FlushResult(1, 0, 0)
    created = [e["email"] for e in events(emu, team) if e["type"] == "contact_created"]
    assert sorted(created) == ["child@x.io", "parent@x.io"]


def test_async_outbox_delivers_in_order(emu: Any, team: str, tmp_path: pathlib.Path) -> None:
    """The asyncio outbox: validation in the caller, per-contact order, flush and
    close results, idempotent close."""

    async def main() -> None:
        async with sendx.AsyncSendX(
            KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY
        ) as client:
            outbox = client.outbox(dead_letters=tmp_path / "dead.jsonl", retry=FAST_OUTBOX_RETRY)
            with pytest.raises(sendx.InvalidRequestError):
                await outbox.identify("nope")
            for i in range(200):
                await outbox.identify(f"u{i % 5}@x.io", tags=[f"t{i:03d}"])
            await outbox.track("u0@x.io", remove_tags=["t000"])
            assert await outbox.flush(30) == sendx.FlushResult(201, 0, 0)
            assert outbox.stats.put == 201
            assert await outbox.close(5) == sendx.FlushResult(0, 0, 0)
            assert await outbox.close(5) == sendx.FlushResult(0, 0, 0)
            with pytest.raises(sendx.OutboxClosedError):
                await outbox.track("u0@x.io")

    asyncio.run(main())
    found = contacts(emu, team)
    assert len(found) == 5
    for contact in found:
        number = int(contact["email"][1])
        expected = [f"t{i:03d}" for i in range(number, 200, 5)]
        assert contact["tags"] == (expected[1:] if number == 0 else expected)


def test_async_outbox_spool_survives_and_dead_letters(
    emu: Any, team: str, tmp_path: pathlib.Path
) -> None:
    """Calls left in an async outbox's spool are delivered by the next one; a 404 is
    dead-lettered with on_error called."""
    spool = str(tmp_path / "calls.db")
    seen: list[sendx.OutboxCall] = []

    async def first() -> None:
        async with sendx.AsyncSendX(KEY, team, base_url=emu.base_url) as client:
            outbox = client.outbox(spool=spool)
            set_faults(emu, [{"path": "/api/v1/contact", "status": 503}])
            for i in range(10):
                await outbox.identify(f"s{i}@x.io")
            result = await outbox.close(0.2)
            assert result.pending == 10

    async def second() -> None:
        async with sendx.AsyncSendX(KEY, team, base_url=emu.base_url) as client:
            outbox = client.outbox(
                spool=spool,
                on_error=lambda call, error: seen.append(call),
                dead_letters=tmp_path / "dead.jsonl",
            )
            # Recovered calls go out without waiting for a new call.
            wait_until = asyncio.get_running_loop().time() + 30
            while outbox.stats.sent < 10 and asyncio.get_running_loop().time() < wait_until:
                await asyncio.sleep(0.01)
            assert outbox.stats.sent == 10
            await outbox.track("ghost@x.io", add_tags=["x"])
            result = await outbox.close(30)
            assert result == sendx.FlushResult(10, 1, 0)

    try:
        asyncio.run(first())
    finally:
        set_faults(emu, [])
    asyncio.run(second())
    assert len(contacts(emu, team)) == 10
    assert [call.email for call in seen] == ["ghost@x.io"]
    wait_for(lambda: (tmp_path / "dead.jsonl").exists(), timeout=5)
