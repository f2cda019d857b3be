"""Closing an in-memory outbox while SendX keeps failing: nothing is lost, no retry
starts after close() returned, and the counters add up."""

from __future__ import annotations

import asyncio
import json
import pathlib
import subprocess
import sys
from typing import Any

from tests.outbox.helpers import FAST_OUTBOX_RETRY, KEY, new_team, set_faults, wait_for

import sendx


def dead_lines(path: pathlib.Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_close_timeout_dead_letters_in_flight_and_retrying_calls(
    client: sendx.SendX, emu: Any, tmp_path: pathlib.Path
) -> None:
    """SendX answers 503 to everything: the workers retry in rounds. close(timeout)
    gives up on the waiting and deferred calls at once; the calls in flight at that
    moment are dead-lettered when their attempt ends instead of being deferred again.
    Every call ends in the dead-letter file exactly once and stats are consistent."""
    set_faults(emu, [{"path": "/api/v1/contact", "status": 503}, {"latency_ms": 20}])
    dead = tmp_path / "dead.jsonl"
    try:
        outbox = client.outbox(dead_letters=dead, retry=FAST_OUTBOX_RETRY, workers=2)
        for i in range(6):
            outbox.identify(f"d{i}@x.io")
        wait_for(lambda: outbox.stats.retried >= 2)
        outbox.close(0.05)
        wait_for(lambda: outbox.stats.pending == 0, timeout=30)
        retried = outbox.stats.retried
    finally:
        set_faults(emu, [])
    stats = outbox.stats
    assert stats.retried == retried  # the workers have stopped
    assert (stats.put, stats.sent, stats.failed, stats.pending) == (6, 0, 6, 0)
    lines = dead_lines(dead)
    assert sorted(line["email"] for line in lines) == [f"d{i}@x.io" for i in range(6)]
    assert all("closed before" in line["reason"] for line in lines)


def test_in_flight_calls_are_saved_at_exit_as_uncertain(emu: Any, tmp_path: pathlib.Path) -> None:
    """A program closes its outbox with a short timeout and exits while a request is
    still in flight: the exit hook writes that call to the dead-letter file as
    possibly applied, next to the calls that never started; the call of the same
    contact queued behind it comes after it in the file, so a replay keeps the order."""
    team = new_team()
    dead = tmp_path / "dead.jsonl"
    code = (
        "import sendx\n"
        f"c = sendx.SendX({KEY!r}, {team!r}, base_url={emu.base_url!r})\n"
        f"o = c.outbox(dead_letters={str(dead)!r}, workers=1, coalesce=False)\n"
        "for i in range(3):\n"
        "    o.identify(f'e{i}@x.io', tags=['first'])\n"
        "o.identify('e0@x.io', tags=['second'])\n"
        "o.close(0.2)\n"
    )
    set_faults(emu, [{"path": "/api/v1/contact", "latency_ms": 3000}])
    try:
        done = subprocess.run([sys.executable, "-c", code], timeout=60)
    finally:
        set_faults(emu, [])
    assert done.returncode == 0
    lines = [(line["email"], line["body"]["tags"], line["reason"]) for line in dead_lines(dead)]
    assert sorted((email, tags) for email, tags, _ in lines) == [
        ("e0@x.io", ["first"]),
        ("e0@x.io", ["second"]),
        ("e1@x.io", ["first"]),
        ("e2@x.io", ["first"]),
    ]
    reasons = {(email, tags[0]): reason for email, tags, reason in lines}
    assert "may have applied" in reasons["e0@x.io", "first"]
    assert "closed before" in reasons["e0@x.io", "second"]
    assert "closed before" in reasons["e1@x.io", "first"]
    e0 = [tags for email, tags, _ in lines if email == "e0@x.io"]
    assert e0 == [["first"], ["second"]]


def test_async_close_dead_letters_in_order_with_in_flight_as_uncertain(
    emu: Any, tmp_path: pathlib.Path
) -> None:
    """An in-memory AsyncOutbox closed while a request is in flight cancels it: that
    call is written first, as possibly applied, then the calls that never started;
    nothing stays pending."""
    dead = tmp_path / "dead.jsonl"

    async def scenario() -> sendx.OutboxStats:
        async with sendx.AsyncSendX(KEY, new_team(), base_url=emu.base_url) as client:
            outbox = client.outbox(dead_letters=dead, workers=1, coalesce=False)
            await outbox.identify("f0@x.io", tags=["first"])
            await outbox.identify("f0@x.io", tags=["second"])
            await outbox.identify("f1@x.io")
            while not outbox._plan.flying:  # the first request has started
                await asyncio.sleep(0.005)
            await outbox.close(0.05)
            return outbox.stats

    set_faults(emu, [{"path": "/api/v1/contact", "latency_ms": 3000}])
    try:
        stats = asyncio.run(asyncio.wait_for(scenario(), 30))
    finally:
        set_faults(emu, [])
    assert (stats.put, stats.sent, stats.failed, stats.pending) == (3, 0, 3, 0)
    lines = [(line["email"], line["reason"]) for line in dead_lines(dead)]
    assert [email for email, _ in lines] == ["f0@x.io", "f0@x.io", "f1@x.io"]
    assert "may have applied" in lines[0][1]
    assert all("closed before" in reason for _, reason in lines[1:])
