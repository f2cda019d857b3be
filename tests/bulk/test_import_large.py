"""Large imports against an emulator in its own process: 100,000 rows with 1% bad
rows, and an import killed with SIGKILL then resumed."""

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

from tests.outbox.helpers import KEY, contacts, new_team, wait_for

import sendx
from sendx.bulk import Progress, import_file

#: How each kind of bad row is written, and the reason the errors file must give.
BAD_KINDS = [
    (lambda i: b",No,Email,,\n", "no email"),
    (lambda i: b"user%d.example.com,Bad,Email,,\n" % i, "has no '@'"),
    (lambda i: b"user%d@example.com,Bad,Birthday,1990-13-01,\n" % i, "birthday"),
    (lambda i: b"user%d@example.com,Too,Many,,,columns\n" % i, "expected 5 columns"),
    (lambda i: b"user%d@example.com,Bad\xff\xfeUTF8,X,,\n" % i, "invalid UTF-8"),
]


def generate(path: pathlib.Path, rows: int) -> tuple[set[str], dict[int, str]]:
    """A CSV of ``rows`` rows, 1% of them bad; the good emails and, for each bad row's
    line number, the words its reason must contain."""
    good: set[str] = set()
    bad: dict[int, str] = {}
    with open(path, "wb") as handle:
        handle.write(b"email,first_name,last_name,birthday,tags\n")
        for i in range(rows):
            line = i + 2
            if i % 100 == 42:
                make, reason = BAD_KINDS[(i // 100) % len(BAD_KINDS)]
                handle.write(make(i))
                bad[line] = reason
            else:
                handle.write(
                    b"user%d@example.com,First%d,Last,1990-01-01,t%d;all\n" % (i, i, i % 5)
                )
                good.add(f"user{i}@example.com")
    return good, bad


def emails(emu: Any, team: str) -> set[str]:
    return {contact["email"] for contact in contacts(emu, team)}


def check_errors(path: pathlib.Path, bad: dict[int, str], *, slack: int = 0) -> None:
    errors = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert {e["line"] for e in errors} == set(bad)
    assert len(bad) <= len(errors) <= len(bad) + slack
    for error in errors:
        assert bad[error["line"]] in error["reason"], error


def test_import_100k_rows_with_1_percent_bad(emu_process: Any, tmp_path: pathlib.Path) -> None:
    """Every good row is present, every bad row is in the errors file with its reason."""
    team = new_team()
    source = tmp_path / "contacts.csv"
    good, bad = generate(source, 100_000)
    with sendx.SendX(KEY, team, base_url=emu_process.base_url, max_connections=32) as client:
        result = import_file(str(source), client, concurrency=32, progress=Progress(enabled=False))
    assert (result.rows, result.sent, result.bad, result.failed) == (100_000, 99_000, 1_000, 0)
    assert emails(emu_process, team) == good
    check_errors(tmp_path / "contacts.csv.errors.jsonl", bad)
    assert not (tmp_path / "contacts.csv.sendx-spool").exists()


def test_resume_after_sigkill_sends_no_confirmed_row_twice(
    emu_process: Any, tmp_path: pathlib.Path
) -> None:
    """`sendx import` is killed with SIGKILL mid-way; `--resume` sends exactly the rows
    that were pending in the spool plus those after the recorded position (so no row
    confirmed before the kill is sent again), and every good row ends up present."""
    team = new_team()
    source = tmp_path / "contacts.csv"
    good, bad = generate(source, 20_000)
    spool = tmp_path / "contacts.csv.sendx-spool"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sendx",
            "import",
            str(source),
            "--concurrency",
            "8",
            "--api-key",
            KEY,
            "--team-id",
            team,
            "--base-url",
            emu_process.base_url,
        ],
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(contacts(emu_process, team)) >= 3_000, timeout=60, interval=0.05)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    with closing(sqlite3.connect(spool)) as db:
        pending = db.execute("select count(*) from calls").fetchone()[0]
        mark = db.execute("select value from marks where name = 'import:progress'").fetchone()[0]
    last_line = int(mark.split()[1])
    assert last_line < 20_001, "the kill came too late to test a resume"
    good_after = sum(1 for i in range(20_000) if i + 2 > last_line and i + 2 not in bad)
    requests: list[Any] = []
    with sendx.SendX(
        KEY, team, base_url=emu_process.base_url, max_connections=16, on_request=requests.append
    ) as client:
        result = import_file(
            str(source), client, concurrency=16, resume=True, progress=Progress(enabled=False)
        )
    assert result.first_line == last_line + 1
    # Every row this run finished is counted once: those it read, and those the killed
    # run left in the spool (never "1,464 rows read, 2,480 sent").
    assert result.carried == pending
    assert result.rows + result.carried == result.sent + result.failed + result.bad
    first_attempts = [event for event in requests if event.attempt == 1]  # not retries
    assert len(first_attempts) == pending + good_after
    assert result.pending == 0
    assert result.failed == 0
    assert emails(emu_process, team) == good
    check_errors(tmp_path / "contacts.csv.errors.jsonl", bad, slack=5)
    assert not spool.exists()


def test_ctrl_c_then_resume(emu_process: Any, tmp_path: pathlib.Path) -> None:
    """Ctrl-C (SIGINT) stops `sendx import` with exit code 130 and a hint; `--resume`
    then completes it with every good row present."""
    team = new_team()
    source = tmp_path / "contacts.csv"
    good, bad = generate(source, 20_000)
    args = ["--api-key", KEY, "--team-id", team, "--base-url", emu_process.base_url]
    child = subprocess.Popen(
        [sys.executable, "-m", "sendx", "import", str(source), "--concurrency", "4", *args],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: len(contacts(emu_process, team)) >= 1_000, timeout=60, interval=0.05)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(30)
    assert child.returncode == 130, err
    assert "--resume" in err
    assert (tmp_path / "contacts.csv.sendx-spool").exists()
    done = subprocess.run(
        [sys.executable, "-m", "sendx", "import", str(source), "--resume", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # 1: the file has bad rows
    assert "resumed at line" in done.stderr
    assert emails(emu_process, team) == good
    check_errors(tmp_path / "contacts.csv.errors.jsonl", bad, slack=5)
