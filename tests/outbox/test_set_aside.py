"""A call that SendX may have applied is set aside, and the calls of its contact queued
behind it go to the dead-letter file after it, in order, unsent; ``sendx replay`` then
sends them in that order."""

from __future__ import annotations

import asyncio
import json
import pathlib
import threading
from typing import Any

import pytest
from tests.outbox.helpers import FAST_CLIENT_RETRY, FAST_OUTBOX_RETRY, KEY, contacts, set_faults

import sendx
from sendx.cli import main
from sendx.outbox._dead import FOLLOWER_REASON


def put_chain(outbox: Any) -> Any:
    """The calls of the test, for a sync or an async outbox (returns the awaitables)."""
    return [
        outbox.identify("new@x.io", custom_fields={"visits": sendx.increment(1)}),
        outbox.track("new@x.io", add_tags=["paid"]),
        outbox.track("other@x.io", add_tags=["seen"]),
        outbox.identify("new@x.io", new_email="renamed@x.io"),
        outbox.track("renamed@x.io", add_tags=["moved"]),
    ]


def run_sync(emu: Any, team: str, dead: pathlib.Path, seen: list[Any]) -> sendx.FlushResult:
    with sendx.SendX(KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY) as client:
        outbox = client.outbox(
            dead_letters=dead,
            retry=FAST_OUTBOX_RETRY,
            on_error=lambda call, error: seen.append((call, error)),
        )
        # Hold the requests until every call is put: the contact's later calls are
        # then queued behind its first one when it fails.
        gate, shell = threading.Event(), outbox._shell

        class Gated:
            def request(self, call: Any) -> Any:
                gate.wait(30)
                return shell.request(call)

        outbox._shell = Gated()
        put_chain(outbox)
        gate.set()
        return outbox.close(30)


def run_async(emu: Any, team: str, dead: pathlib.Path, seen: list[Any]) -> sendx.FlushResult:
    async def run() -> sendx.FlushResult:
        async with sendx.AsyncSendX(
            KEY, team, base_url=emu.base_url, retry=FAST_CLIENT_RETRY
        ) as client:
            outbox = client.outbox(
                dead_letters=dead,
                retry=FAST_OUTBOX_RETRY,
                on_error=lambda call, error: seen.append((call, error)),
            )
            gate, shell = asyncio.Event(), outbox._shell

            class Gated:
                async def request(self, call: Any) -> Any:
                    await gate.wait()
                    return await shell.request(call)

            outbox._shell = Gated()
            for put in put_chain(outbox):
                await put
            gate.set()
            return await outbox.close(30)

    return asyncio.run(run())


@pytest.mark.parametrize("run", [run_sync, run_async], ids=["sync", "async"])
def test_calls_queued_behind_an_unsure_failure_are_set_aside(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path, run: Any
) -> None:
    """The increment that creates new@ loses its connection after it was sent (SendX
    may have applied it): it is dead-lettered, and the track, the rename and the track
    of the new address queued behind it follow it into the file, unsent, instead of
    failing with 404 out of order. other@'s call is delivered. A replay of the file
    (after checking the increment was not applied) sends the chain in order."""
    client.contacts.identify("other@x.io")
    dead = tmp_path / "dead.jsonl"
    seen: list[Any] = []
    set_faults(emu, [{"path": "/api/v1/contact/identify", "drop": "before", "times": 1}])
    try:
        result = run(emu, team, dead, seen)
    finally:
        set_faults(emu, [])
    assert result == sendx.FlushResult(sent=1, failed=4, pending=0)
    lines = [json.loads(line) for line in dead.read_text("utf-8").splitlines()]
    assert [(line["kind"], line["email"], line["attempts"]) for line in lines] == [
        ("identify", "new@x.io", 1),
        ("track", "new@x.io", 0),
        ("identify", "new@x.io", 0),
        ("track", "renamed@x.io", 0),
    ]
    assert "may already have applied" in lines[0]["reason"]
    assert [line["reason"] for line in lines[1:]] == [FOLLOWER_REASON] * 3
    assert [line["status"] for line in lines] == [None] * 4
    assert [call.kind for call, _ in seen] == ["identify", "track", "identify", "track"]
    assert isinstance(seen[0][1], sendx.APIConnectionError)
    assert all(str(error) == FOLLOWER_REASON for _, error in seen[1:])
    assert [c["email"] for c in contacts(emu, team)] == ["other@x.io"]

    connection = ["--api-key", KEY, "--team-id", team, "--base-url", emu.base_url]
    assert main(["replay", str(dead), *connection]) == 0
    assert not dead.exists()
    renamed = [c for c in contacts(emu, team) if c["email"] == "renamed@x.io"]
    assert [(c["customFields"], c["tags"]) for c in renamed] == [
        ({"visits": "1"}, ["paid", "moved"])
    ]
