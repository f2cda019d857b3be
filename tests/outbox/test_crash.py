"""Durability: a process killed with SIGKILL mid-delivery loses nothing; a new outbox
on its spool finishes the job, in order."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.outbox.helpers import (
    FAST_CLIENT_RETRY,
    FAST_OUTBOX_RETRY,
    KEY,
    contacts,
    new_team,
    wait_for,
)

import sendx
from sendx.cli import main
from sendx.outbox._dead import FOLLOWER_REASON

CHILD = """
import sys, sendx
base_url, team, spool, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = sendx.SendX({key!r}, team, base_url=base_url)
outbox = client.outbox(spool=spool, workers=8)
for i in range(n):
    outbox.identify(f"c{{i % 500}}@x.io", tags=[f"t{{i:04d}}"])
print("put", n, flush=True)
outbox.flush()  # killed long before this ends
"""

CALLS = 5000


@pytest.fixture(scope="module")
def slow_emu() -> Any:
    from sendx.emulator import Emulator

    with Emulator(latency_ms=20) as emulator:
        yield emulator


def spool_count(path: pathlib.Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("select count(*) from calls").fetchone()[0])


def test_sigkill_mid_delivery_then_recovery(slow_emu: Any, tmp_path: pathlib.Path) -> None:
    """A child puts 5,000 calls into a spooled outbox against a 20 ms emulator and is
    killed with SIGKILL mid-way; a new outbox on the spool delivers the rest, and all
    5,000 tags are present, each contact's in the order they were put."""
    team = new_team()
    spool = tmp_path / "calls.db"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD.format(key=KEY),
            slow_emu.base_url,
            team,
            str(spool),
            str(CALLS),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == f"put {CALLS}"
        # Mid-way: some calls delivered, not all.
        wait_for(lambda: len(contacts(slow_emu, team)) >= 50, timeout=60)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        if child.stdout is not None:
            child.stdout.close()
    left = spool_count(spool)
    assert 0 < left < CALLS
    with sendx.SendX(
        KEY, team, base_url=slow_emu.base_url, retry=FAST_CLIENT_RETRY, max_connections=32
    ) as client:
        outbox = client.outbox(spool=str(spool), workers=32, retry=FAST_OUTBOX_RETRY)
        assert outbox._spool is not None
        assert outbox._spool.recovery is None  # a spool left by a kill is not damaged
        stats = outbox.stats  # the workers start at once: some may be sent already
        assert stats.pending + stats.sent == left
        result = outbox.close(90)
    assert result.pending == 0
    assert result.failed == 0
    assert spool_count(spool) == 0
    found = contacts(slow_emu, team)
    assert len(found) == 500
    for contact in found:
        number = int(contact["email"][1:].split("@")[0])
        assert contact["tags"] == [f"t{i:04d}" for i in range(number, CALLS, 500)]


def test_uncertain_non_idempotent_call_is_dead_lettered_not_resent(
    emu: Any, tmp_path: pathlib.Path
) -> None:
    """An increment that was handed to the network when the process died may have been
    applied: on recovery it goes to the dead-letter file instead of being sent again.
    (One worker: the increment is taken first and the process dies sending it.)"""
    team = new_team()
    spool = tmp_path / "calls.db"
    code = (
        "import os, threading, sendx\n"
        "gate = threading.Event()\n"
        f"c = sendx.SendX({KEY!r}, {team!r}, base_url={emu.base_url!r})\n"
        f"o = c.outbox(spool={str(spool)!r}, workers=1)\n"
        "o._shell.request = lambda call: gate.wait() and os._exit(9)  # dies sending\n"
        "o.identify('n@x.io', custom_fields={'visits': sendx.increment(1)})\n"
        "o.identify('m@x.io', tags=['safe'])\n"
        "gate.set()\n"
        "o.flush(30)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert done.returncode == 9
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        outbox = client.outbox(spool=str(spool), dead_letters=tmp_path / "dead.jsonl")
        result = outbox.close(30)
    lines = (tmp_path / "dead.jsonl").read_text().splitlines()
    assert len(lines) == 1
    assert '"n@x.io"' in lines[0]
    assert "may have applied" in lines[0]
    assert result.pending == 0
    # The idempotent call behind it was never sent: it is delivered now.
    assert result.sent == 1
    assert [c["email"] for c in contacts(emu, team)] == ["m@x.io"]


def test_exit_hook_delivers_what_is_pending(emu: Any, tmp_path: pathlib.Path) -> None:
    """A program that never closes its outbox still delivers at exit (bounded wait)."""
    team = new_team()
    code = (
        "import sendx\n"
        f"c = sendx.SendX({KEY!r}, {team!r}, base_url={emu.base_url!r})\n"
        f"o = c.outbox(dead_letters={str(tmp_path / 'dead.jsonl')!r})\n"
        "for i in range(50):\n"
        "    o.identify(f'x{i}@x.io')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert done.returncode == 0
    assert len(contacts(emu, team)) == 50


CHAIN_CHILD = """
import sys, sendx
base_url, team, spool = sys.argv[1], sys.argv[2], sys.argv[3]
client = sendx.SendX({key!r}, team, base_url=base_url)
outbox = client.outbox(spool=spool, workers=4)
outbox.identify("new@x.io", custom_fields={{"visits": sendx.increment(1)}})
outbox.track("new@x.io", add_tags=["paid"])
outbox.identify("new@x.io", new_email="renamed@x.io")
outbox.track("renamed@x.io", add_tags=["moved"])
outbox.track("other@x.io", add_tags=["x"])
print("put", flush=True)
outbox.flush()  # killed while the increment is in flight
"""


def test_sigkill_with_an_increment_in_flight_sets_aside_its_contacts_later_calls(
    emu: Any, tmp_path: pathlib.Path
) -> None:
    """A child is killed with SIGKILL while the increment that creates new@ is in
    flight (a server that never answers holds it). The new outbox dead-letters the
    increment as uncertain and the contact's later calls after it (a track, a rename,
    a track of the new address), unsent and in order, instead of sending the track
    into a 404; other@'s call is delivered. `sendx replay` then sends the chain in
    order."""
    team = new_team()
    spool, dead = tmp_path / "calls.db", tmp_path / "dead.jsonl"
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        client.contacts.identify("other@x.io")
    with RecordingServer(default=Reply.hang()) as never:
        child = subprocess.Popen(
            [sys.executable, "-c", CHAIN_CHILD.format(key=KEY), never.url, team, str(spool)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "put"
            wait_for(lambda: any(r.path.endswith("/identify") for r in never.requests))
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(30)
            if child.stdout is not None:
                child.stdout.close()
    seen: list[Any] = []
    with sendx.SendX(KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY) as client:
        outbox = client.outbox(
            spool=str(spool),
            dead_letters=dead,
            on_error=lambda call, error: seen.append((call.kind, call.email, str(error))),
        )
        assert outbox.stats.failed == 4
        result = outbox.close(30)
    assert result.pending == 0
    assert spool_count(spool) == 0
    lines = [json.loads(line) for line in dead.read_text("utf-8").splitlines()]
    assert [(line["kind"], line["email"], line["status"]) for line in lines] == [
        ("identify", "new@x.io", None),
        ("track", "new@x.io", None),
        ("identify", "new@x.io", None),
        ("track", "renamed@x.io", None),
    ]
    assert lines[0]["body"] == {"email": "new@x.io", "customFields": {"visits": "++1"}}
    assert "may have applied" in lines[0]["reason"]
    assert [line["reason"] for line in lines[1:]] == [FOLLOWER_REASON] * 3
    assert seen == [(line["kind"], line["email"], line["reason"]) for line in lines]
    # other@'s track was delivered now; nothing of new@ reached SendX.
    assert [c["email"] for c in contacts(emu, team)] == ["other@x.io"]

    connection = ["--api-key", KEY, "--team-id", team, "--base-url", emu.base_url]
    assert main(["replay", str(dead), *connection]) == 0
    renamed = [c for c in contacts(emu, team) if c["email"] == "renamed@x.io"]
    assert [(c["customFields"], c["tags"]) for c in renamed] == [
        ({"visits": "1"}, ["paid", "moved"])
    ]
