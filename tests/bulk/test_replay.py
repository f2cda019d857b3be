"""``sendx replay`` interrupted (Ctrl-C or SIGKILL) and run again: no call is applied
twice, none is lost, and an increment that may have been applied is reported once."""

from __future__ import annotations

import json
import pathlib
import signal
import subprocess
import sys
from typing import Any

import pytest
from tests.outbox.helpers import KEY, contacts, new_team, set_faults, wait_for

from sendx.cli import main

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
