"""``sendx replay`` interrupted (Ctrl-C or SIGKILL) and run again: no call is applied
twice, none is lost, and an increment that may have been applied is reported once. A
contact's chain stops at its first failure, for the rest of the file."""

from __future__ import annotations

import json
import pathlib
import signal
import subprocess
import sys
from typing import Any

import pytest
from tests.outbox.helpers import KEY, contacts, new_team, set_faults, wait_for

import sendx
from sendx.cli import main
from sendx.outbox._dead import FOLLOWER_REASON
from sendx.outbox._replay import ReplayOutbox

CALLS = 200


def write_increments(path: pathlib.Path) -> list[str]:
    emails = [f"inc{i:03d}@x.io" for i in range(CALLS)]
    with path.open("w", encoding="utf-8") as handle:
        for email in emails:
            record = {"kind": "identify", "email": email, "body": {"customFields": {"N": "++1"}}}
            handle.write(json.dumps(record) + "\n")
    return emails


def counters(emu: Any, team: str) -> dict[str, str]:
    return {c["email"]: c["customFields"].get("N") for c in contacts(emu, team)}


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_replay_resumes_without_sending_twice(
    emu: Any, tmp_path: pathlib.Path, stop: signal.Signals
) -> None:
    """200 increments of distinct contacts, 4 at a time with 100 ms answers; the replay
    is stopped mid-way, then `sendx replay FILE` is run again as the tool says. Every
    contact ends at N=1, except that after a kill an increment in flight may have been
    applied: it is then in FILE with that reason instead of being sent again."""
    team = new_team()
    dead = tmp_path / "dl.jsonl"
    emails = write_increments(dead)
    connection = ["--api-key", KEY, "--team-id", team, "--base-url", emu.base_url]
    set_faults(emu, [{"path": "/api/v1/contact", "latency_ms": 100}])
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "sendx", "replay", str(dead), "--concurrency", "4", *connection],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for(lambda: len(contacts(emu, team)) >= 20, timeout=60, interval=0.02)
            child.send_signal(stop)
            _, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(30)
    finally:
        set_faults(emu, [])
    assert len(contacts(emu, team)) < CALLS, "the replay finished before it was stopped"
    if stop == signal.SIGINT:
        assert child.returncode == 130
        assert f"sendx replay {dead}" in err
    # The working copy is not a file to replay on its own (that would resend calls).
    assert main(["replay", f"{dead}.replaying", *connection]) == 1
    code = main(["replay", str(dead), *connection])
    found = counters(emu, team)
    assert set(found.values()) <= {"1"}, "an increment was applied twice"
    uncertain = []
    if dead.exists():
        uncertain = [json.loads(line) for line in dead.read_text("utf-8").splitlines()]
    assert all("may have applied" in line["reason"] for line in uncertain)
    assert len(uncertain) <= 4  # at most the calls in flight
    if stop == signal.SIGINT:
        assert uncertain == []  # Ctrl-C lets the calls in flight end
    assert code == (1 if uncertain else 0)
    reported = {line["email"] for line in uncertain}
    assert set(found) | reported == set(emails)
    assert not (tmp_path / "dl.jsonl.replaying").exists()
    assert not (tmp_path / "dl.jsonl.replay-spool").exists()


def test_a_failure_stops_its_contacts_chain_for_the_rest_of_the_file(
    emu: Any, tmp_path: pathlib.Path
) -> None:
    """A track of an unknown contact fails with 404: it is written back with its reason,
    and that contact's later lines after it, unsent and in order (through a rename to
    the address it renames to); the other contacts' lines are sent."""
    team = new_team()
    dead = tmp_path / "dl.jsonl"
    records = [
        {"kind": "track", "email": "ghost@x.io", "body": {"addTags": ["a"]}},
        {"kind": "identify", "email": "b@x.io", "body": {"tags": ["b"]}},
        {"kind": "identify", "email": "Ghost@x.io", "body": {"tags": ["g"]}},
        {"kind": "identify", "email": "ghost@x.io", "body": {"newEmail": "ghost2@x.io"}},
        {"kind": "track", "email": "ghost2@x.io", "body": {"addTags": ["h"]}},
        *({"kind": "identify", "email": f"c{i}@x.io", "body": {}} for i in range(300)),
        {"kind": "identify", "email": "ghost2@x.io", "body": {"tags": ["late"]}},
    ]
    dead.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    connection = ["--api-key", KEY, "--team-id", team, "--base-url", emu.base_url]
    assert main(["replay", str(dead), "--concurrency", "4", *connection]) == 1
    back = [json.loads(line) for line in dead.read_text("utf-8").splitlines()]
    assert [(line["kind"], line["email"], line["status"]) for line in back] == [
        ("track", "ghost@x.io", 404),
        ("identify", "Ghost@x.io", None),
        ("identify", "ghost@x.io", None),
        ("track", "ghost2@x.io", None),
        ("identify", "ghost2@x.io", None),
    ]
    assert [line["reason"] for line in back[1:]] == [FOLLOWER_REASON] * 4
    assert back[4]["body"] == {"email": "ghost2@x.io", "tags": ["late"]}
    found = {c["email"] for c in contacts(emu, team)}
    assert found == {"b@x.io"} | {f"c{i}@x.io" for i in range(300)}


def test_a_resumed_replay_goes_on_setting_aside_the_contacts_it_set_aside(
    emu: Any, tmp_path: pathlib.Path
) -> None:
    """The contacts a replay set aside are kept in its spool: the outbox of a resumed
    replay sets their later calls aside too, instead of sending them."""
    team = new_team()
    spool, dead = tmp_path / "dl.jsonl.replay-spool", tmp_path / "dl.jsonl"
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        first = ReplayOutbox(client, spool=spool, dead_letters=dead)
        first.track("ghost@x.io", add_tags=["a"])
        assert first.close(30) == sendx.FlushResult(sent=0, failed=1, pending=0)
        again = ReplayOutbox(client, spool=spool, dead_letters=dead)
        again.identify("GHOST@x.io", tags=["b"])
        again.identify("b@x.io")
        assert again.close(30) == sendx.FlushResult(sent=1, failed=1, pending=0)
    back = [json.loads(line) for line in dead.read_text("utf-8").splitlines()]
    assert [(line["email"], line["status"]) for line in back] == [
        ("ghost@x.io", 404),
        ("GHOST@x.io", None),
    ]
    assert back[1]["reason"] == FOLLOWER_REASON
    assert [c["email"] for c in contacts(emu, team)] == ["b@x.io"]


def test_a_new_replay_does_not_inherit_the_contacts_an_earlier_one_set_aside(
    emu: Any, tmp_path: pathlib.Path
) -> None:
    """A spool left behind by a replay (it completed, but the process died before it
    removed the spool) remembers a contact it set aside; a new replay of the file
    sends that contact's calls all the same."""
    team = new_team()
    dead = tmp_path / "dl.jsonl"
    with sendx.SendX(KEY, team, base_url=emu.base_url) as client:
        left = ReplayOutbox(client, spool=f"{dead}.replay-spool", dead_letters=dead)
        left.track("ghost@x.io", add_tags=["a"])
        assert left.close(30).failed == 1
    record = {"kind": "identify", "email": "ghost@x.io", "body": {"tags": ["g"]}}
    dead.write_text(json.dumps(record) + "\n", "utf-8")
    connection = ["--api-key", KEY, "--team-id", team, "--base-url", emu.base_url]
    assert main(["replay", str(dead), *connection]) == 0
    assert [c["email"] for c in contacts(emu, team)] == ["ghost@x.io"]
