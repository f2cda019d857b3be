"""A damaged spool, in the spool alone: no damage anywhere in its files makes two
starts in a row fail; what is not damage; lost marks; the error itself."""

from __future__ import annotations

import pathlib
import pickle
import random
import shutil
import sqlite3
import tempfile
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.outbox.damage import PAGE, contacts_calls, moved_aside, overwrite, write_spool

import sendx
from sendx.outbox import _inspect
from sendx.outbox._spool import Spool


def test_errors_of_the_surroundings_are_not_damage() -> None:
    """A locked file, a full or read-only disk, an I/O error say nothing of the file's
    content: such a spool is refused (InvalidRequestError), never moved aside."""
    says_nothing = _inspect._says_nothing_of_the_content
    assert says_nothing(sqlite3.OperationalError("database is locked"))
    assert says_nothing(sqlite3.OperationalError("attempt to write a readonly database"))
    assert not says_nothing(sqlite3.DatabaseError("file is not a database"))
    assert not says_nothing(sqlite3.DatabaseError("database disk image is malformed"))
    assert not says_nothing(sqlite3.OperationalError("unsupported file format"))
    named = sqlite3.OperationalError("anything")
    named.sqlite_errorname = "SQLITE_IOERR_SHORT_READ"  # as Python 3.11+ sets it
    assert says_nothing(named)
    named.sqlite_errorname = "SQLITE_CORRUPT"
    assert not says_nothing(named)


def test_lost_marks_stop_a_resumed_import_or_replay(tmp_path: pathlib.Path) -> None:
    """The marks (an import's or a replay's position) sit on page 3: when it is
    damaged, the calls are still recovered, and asking for a mark that may have been
    lost raises SpoolCorruptError instead of answering "unset" (which would make a
    resumed import start over from its first row)."""
    spool = tmp_path / "calls.db"
    write_spool(spool, contacts_calls(50), "close", {"replay:line": "40"})
    overwrite(spool, 2 * PAGE, bytes(PAGE))
    opened = Spool(spool)
    try:
        assert opened.recovery is not None
        assert len(opened.load()[0]) == 50
        with pytest.raises(sendx.SpoolCorruptError, match="position"):
            opened.get_mark("replay:line")
    finally:
        opened.close()


MIXED = [
    *contacts_calls(200),
    *(["identify", f"c{i}@x.io", {"custom_fields": {"visits": "++1"}}] for i in range(0, 200, 7)),
    *(["track", f"c{i}@x.io", {"add": ["paid"]}] for i in range(0, 200, 3)),
]


@pytest.fixture(scope="module")
def base_spools(tmp_path_factory: Any) -> dict[str, pathlib.Path]:
    """One spool of MIXED calls closed cleanly, one left by a crash (in its WAL)."""
    spools = {}
    for how in ("close", "crash"):
        spool = tmp_path_factory.mktemp(how) / "calls.db"
        write_spool(spool, MIXED, how)
        spools[how] = spool
    return spools


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    how=st.sampled_from(["close", "crash"]),
    target=st.sampled_from(["", "-wal", "-shm"]),
    where=st.floats(0, 1),
    length=st.integers(1, 3 * PAGE),
    seed=st.integers(0, 2**32),
)
def test_no_damage_fails_two_starts(
    base_spools: dict[str, pathlib.Path],
    tmp_path: pathlib.Path,
    how: str,
    target: str,
    where: float,
    length: int,
    seed: int,
) -> None:
    """Random bytes anywhere in a spool's files: opening it either works (with the
    damage seen and the files moved aside unchanged, or with nothing to see) or
    raises SpoolCorruptError; the next opening then works without finding anything,
    and loads the same calls. Damage to the -shm index alone loses nothing."""
    base = base_spools[how]
    assume(pathlib.Path(f"{base}{target}").exists())
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        spool = pathlib.Path(folder) / "calls.db"
        for suffix in ("", "-wal", "-shm"):
            if pathlib.Path(f"{base}{suffix}").exists():
                shutil.copyfile(f"{base}{suffix}", f"{spool}{suffix}")
        damaged = pathlib.Path(f"{spool}{target}")
        offset = int(where * damaged.stat().st_size)
        overwrite(damaged, offset, random.Random(seed).randbytes(length))
        damaged_main = spool.read_bytes()
        try:
            first = Spool(spool)
        except sendx.SpoolCorruptError:
            loaded = None
        else:
            try:
                recovery = first.recovery
                ready, uncertain = first.load()
                loaded = [entry.id for entry in ready + uncertain]
            finally:
                first.close()
            if target == "-shm":
                assert recovery is None
                assert len(loaded) == len(MIXED)
        if loaded is None or recovery is not None:
            [aside] = moved_aside(spool)
            assert aside.read_bytes() == damaged_main
        again = Spool(spool)
        try:
            assert again.recovery is None
            ready, uncertain = again.load()
            assert sorted(entry.id for entry in ready + uncertain) == sorted(loaded or [])
        finally:
            again.close()


def test_spool_corrupt_error_pickles() -> None:
    error = sendx.SpoolCorruptError("damaged", path="/x/calls.db", moved_to="/x/aside")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (type(copy), str(copy), copy.path, copy.moved_to) == (
        sendx.SpoolCorruptError,
        "damaged",
        "/x/calls.db",
        "/x/aside",
    )
