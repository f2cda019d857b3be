"""A damaged spool never makes every start fail, nor loses calls in silence: the damage
is seen, the files are moved aside, the calls that can be read are delivered (or set
aside), an error is logged, and SpoolCorruptError is raised only when nothing could be
read, after which the next start works."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pathlib
import random
from typing import Any

import pytest
from tests.outbox.damage import PAGE, contacts_calls, moved_aside, overwrite, write_spool
from tests.outbox.helpers import FAST_OUTBOX_RETRY, KEY, contacts

import sendx
from sendx.outbox import _damage
from sendx.outbox._dead import FOLLOWER_REASON


def open_outbox(
    client: sendx.SendX, tmp_path: pathlib.Path, spool: pathlib.Path, seen: list[Any]
) -> sendx.Outbox:
    return client.outbox(
        spool=str(spool),
        dead_letters=tmp_path / "dead.jsonl",
        retry=FAST_OUTBOX_RETRY,
        on_error=lambda call, error: seen.append((call, error)),
    )


def damage_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "sendx.outbox" and record.levelno == logging.ERROR
    ]


def deliver_recovered(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path, spool: pathlib.Path
) -> int:
    """Open an outbox on the damaged spool and deliver what it recovered; how many."""
    seen: list[Any] = []
    outbox = open_outbox(client, tmp_path, spool, seen)
    stats = outbox.stats  # the workers start at once: some may be sent already
    recovered = stats.pending + stats.sent
    result = outbox.close(60)
    assert result == sendx.FlushResult(sent=recovered, failed=0, pending=0)
    assert seen == []
    found = contacts(emu, team)
    assert len(found) == recovered
    assert all(contact["tags"] == ["t"] for contact in found)
    return recovered


def test_truncated_main_file_delivers_its_readable_calls(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path, caplog: Any
) -> None:
    """A spool file cut to 60% of its length: the outbox starts, moves the file aside
    unchanged, logs the damage and what was lost, and delivers the calls still in it."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(1500), "close")
    os.truncate(spool, spool.stat().st_size * 6 // 10 // PAGE * PAGE)
    damaged = spool.read_bytes()
    recovered = deliver_recovered(client, emu, team, tmp_path, spool)
    assert 0 < recovered < 1500
    [aside] = moved_aside(spool)
    assert aside.read_bytes() == damaged
    [logged] = damage_logged(caplog)
    assert "damaged" in logged
    assert str(aside) in logged
    assert "lost: pages of the table of calls cannot be read" in logged


@pytest.mark.parametrize("length", [100, PAGE], ids=["header", "first-page"])
def test_overwritten_header_loses_no_call(
    client: sendx.SendX,
    emu: Any,
    team: str,
    tmp_path: pathlib.Path,
    caplog: Any,
    length: int,
) -> None:
    """Random bytes over the header (or the whole first page): SQLite calls it "not a
    database", but every other page is intact: with page 1 taken from a new spool,
    every call is read and delivered."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(800), "close")
    overwrite(spool, 0, random.Random(length).randbytes(length))
    assert deliver_recovered(client, emu, team, tmp_path, spool) == 800
    [logged] = damage_logged(caplog)
    assert "not a database" in logged
    assert "lost" not in logged
    assert len(moved_aside(spool)) == 1


def test_random_bytes_over_pages(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path, caplog: Any
) -> None:
    """8 KiB of random bytes in the middle of the file: the pages around them are read,
    the calls on the damaged ones are lost, and the loss is logged."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(1500), "close")
    middle = spool.stat().st_size // 2 // PAGE * PAGE
    overwrite(spool, middle, random.Random(7).randbytes(2 * PAGE))
    recovered = deliver_recovered(client, emu, team, tmp_path, spool)
    assert 1000 < recovered < 1500
    [logged] = damage_logged(caplog)
    assert "lost" in logged


def cut_wal_in_half(spool: pathlib.Path) -> None:
    wal = pathlib.Path(f"{spool}-wal")
    os.truncate(wal, wal.stat().st_size // 2)


def damage_wal_frame(spool: pathlib.Path) -> None:
    wal = pathlib.Path(f"{spool}-wal")
    overwrite(wal, wal.stat().st_size // 2, random.Random(3).randbytes(100))


def damage_wal_frame_without_index(spool: pathlib.Path) -> None:
    damage_wal_frame(spool)
    os.remove(f"{spool}-shm")


@pytest.mark.parametrize(
    "damage",
    [damage_wal_frame, damage_wal_frame_without_index, cut_wal_in_half],
    ids=["damaged-frame", "damaged-frame-no-index", "cut"],
)
def test_damaged_or_cut_wal_is_seen_not_silent(
    client: sendx.SendX,
    emu: Any,
    team: str,
    tmp_path: pathlib.Path,
    caplog: Any,
    damage: Any,
) -> None:
    """After a crash, 600 calls are in the write-ahead log. Damaged in the middle (seen
    by the frame headers after the damage, or by the writer's index) or cut in half
    (seen by the writer's index), SQLite would silently keep half of them: the outbox
    says so, moves the files aside, and delivers the half it can read."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(600), "crash")
    damage(spool)
    recovered = deliver_recovered(client, emu, team, tmp_path, spool)
    assert 200 < recovered < 400
    [logged] = damage_logged(caplog)
    assert "write-ahead log" in logged
    assert "lost: the calls committed to the write-ahead log after its damage" in logged
    [aside] = moved_aside(spool)
    assert pathlib.Path(f"{aside}-wal").exists()


def test_emptied_main_file_beside_its_wal_loses_no_call(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path, caplog: Any
) -> None:
    """A main file cut to 0 bytes next to a WAL holding every call: SQLite would
    delete the WAL; the outbox reads all the calls out of it."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(600), "crash")
    os.truncate(spool, 0)
    assert deliver_recovered(client, emu, team, tmp_path, spool) == 600
    [logged] = damage_logged(caplog)
    assert "main file is empty" in logged


def test_nothing_readable_raises_once_then_the_spool_starts_afresh(
    client: sendx.SendX, tmp_path: pathlib.Path
) -> None:
    """A WAL header overwritten after a crash: SQLite ignores the whole log, where all
    the calls were. Nothing can be read: SpoolCorruptError says so and where the files
    went; the next outbox on the path starts with an empty spool."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(300), "crash")
    overwrite(pathlib.Path(f"{spool}-wal"), 0, bytes(32))
    with pytest.raises(sendx.SpoolCorruptError, match="no call could be read") as raised:
        open_outbox(client, tmp_path, spool, [])
    assert raised.value.path == str(spool)
    [aside] = moved_aside(spool)
    assert raised.value.moved_to == str(aside)
    outbox = open_outbox(client, tmp_path, spool, [])
    assert outbox.stats.pending == 0
    outbox.identify("after@x.io")
    assert outbox.close(30).sent == 1


def test_calls_that_cannot_be_sent_blindly_are_set_aside(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path
) -> None:
    """From a damaged spool, whether an increment was already sent cannot be told: it
    is dead-lettered with that reason (on_error gets a SpoolCorruptError), its contact's
    later call after it; the idempotent calls of other contacts are delivered."""
    spool = tmp_path / "calls.db"
    calls = [
        ["identify", "b@x.io", {"tags": ["t"]}],
        ["identify", "a@x.io", {"custom_fields": {"visits": "++1"}}],
        ["track", "a@x.io", {"add": ["paid"]}],
        ["track", "b@x.io", {"add": ["paid"]}],
    ]
    write_spool(spool, calls, "close")
    overwrite(spool, 0, bytes(100))
    seen: list[Any] = []
    outbox = open_outbox(client, tmp_path, spool, seen)
    assert outbox.close(30) == sendx.FlushResult(sent=2, failed=2, pending=0)
    lines = [json.loads(line) for line in (tmp_path / "dead.jsonl").read_text().splitlines()]
    assert [(line["kind"], line["email"]) for line in lines] == [
        ("identify", "a@x.io"),
        ("track", "a@x.io"),
    ]
    assert "recovered from a damaged spool" in lines[0]["reason"]
    assert "may have applied" in lines[0]["reason"]
    assert lines[1]["reason"] == FOLLOWER_REASON
    assert [type(error) for _, error in seen] == [sendx.SpoolCorruptError, sendx.SendXError]
    assert [c["email"] for c in contacts(emu, team)] == ["b@x.io"]


def test_a_rebuild_interrupted_by_a_crash_is_finished_by_the_next_start(
    client: sendx.SendX, emu: Any, team: str, tmp_path: pathlib.Path, monkeypatch: Any
) -> None:
    """The process dies after the new spool was written but before the damaged files
    were moved: the next start finishes the moves and delivers the recovered calls."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(300), "close")
    overwrite(spool, 0, bytes(100))
    finish = _damage.finish_interrupted

    def crash(path: str) -> bool:
        raise KeyboardInterrupt  # stands for the process dying here

    monkeypatch.setattr(_damage, "finish_interrupted", crash)
    with pytest.raises(KeyboardInterrupt):
        open_outbox(client, tmp_path, spool, [])
    assert pathlib.Path(f"{spool}.recovered").exists()
    assert moved_aside(spool) == []
    monkeypatch.setattr(_damage, "finish_interrupted", finish)
    assert deliver_recovered(client, emu, team, tmp_path, spool) == 300
    assert not pathlib.Path(f"{spool}.recovered").exists()
    assert len(moved_aside(spool)) == 1


def test_an_async_outbox_recovers_a_damaged_spool_too(
    emu: Any, team: str, tmp_path: pathlib.Path, caplog: Any
) -> None:
    """The recovery is the spool's: an AsyncOutbox on a spool whose header was
    overwritten delivers every call."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(200), "close")
    overwrite(spool, 0, bytes(100))

    async def deliver() -> sendx.FlushResult:
        async with sendx.AsyncSendX(KEY, team, base_url=emu.base_url) as client:
            outbox = client.outbox(spool=str(spool), dead_letters=tmp_path / "dead.jsonl")
            return await outbox.close(60)

    assert asyncio.run(deliver()) == sendx.FlushResult(sent=200, failed=0, pending=0)
    assert len(damage_logged(caplog)) == 1
    assert len(contacts(emu, team)) == 200
