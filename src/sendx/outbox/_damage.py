"""A damaged spool: its files moved aside, the calls that can be read in a new file.

The steps survive a crash at any point. The new spool is written completely under a
temporary name, then renamed to ``SPOOL.recovered``; from then on the damaged files
are moved to ``SPOOL.corrupt-<UTC time>`` (its ``-wal`` and ``-shm`` beside it, so that
``sqlite3`` opens them together) and ``SPOOL.recovered`` becomes ``SPOOL``. A spool
opened while ``SPOOL.recovered`` exists finishes those moves first
(:func:`finish_interrupted`).

Calls that must not be sent blindly are stored with the "started" flag, so that even
if the process dies before the outbox dead-letters them, the next one sets them aside:
the doubtful ones, and every call that is not idempotent (its "started" flag may be
among what was lost).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import time
from dataclasses import dataclass

from sendx.outbox._salvage import Salvage, salvage
from sendx.outbox._schema import INSERT_WITH_ID, SET_MARK, STARTED, create_schema, row_of
from sendx.outbox._types import SpoolCorruptError
from sendx.outbox._wal import WalState

__all__ = ["DAMAGED_FILES_MARK", "MARKS_LOST_MARK", "Recovery", "finish_interrupted", "rebuild"]

#: Where the damaged files went (also how an interrupted rebuild is finished).
DAMAGED_FILES_MARK = "spool:damaged-files"
#: Set when the marks could not all be read: a resumed import or replay must not go on
#: from a position that may be gone.
MARKS_LOST_MARK = "spool:marks-lost"
_SUFFIXES = ("-wal", "-shm", "")  # the main file last: it names the set


@dataclass(frozen=True, slots=True)
class Recovery:
    """What happened to a damaged spool, for the outbox to report."""

    problem: str
    """What was wrong, and how it was seen."""
    moved_to: str
    """The path the damaged files were moved to (``-wal``/``-shm`` beside it)."""
    recovered: int
    """Calls read and kept in the new spool."""
    doubtful: dict[int, str]
    """Ids of recovered calls that must not be sent blindly, with the dead-letter
    reason to give them."""
    lost: str | None
    """What could not be read, if anything."""


def rebuild(path: str, problem: str, wal: WalState | None, *, commits_lost: bool) -> Recovery:
    """Replace the damaged spool ``path`` by a new one holding what can be read;
    ``commits_lost`` when the WAL is known to have lost commits.

    Raises :class:`SpoolCorruptError` when no call could be read and some may have
    been lost; the damaged files are moved aside first, and an empty spool takes their
    place, so the next outbox on ``path`` starts normally.
    """
    moved_to = _free_name(f"{path}.corrupt-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
    found = salvage(path, _page_size(path, wal))
    lost = _what_was_lost(found, commits_lost)
    doubtful = {
        row_id: f"recovered from a damaged spool (moved to {moved_to}), but {why}: it may "
        "not be the call that was put; check it, then replay this line or delete it"
        for row_id, why in found.doubtful.items()
    }
    for entry, _ in found.entries:
        if not entry.idempotent and entry.id not in doubtful:
            doubtful[entry.id] = (
                f"recovered from a damaged spool (moved to {moved_to}): not idempotent (an "
                "increment or a rename), and the spool cannot tell whether it was sent, so "
                "SendX may have applied it; check the contact, then replay this line if it "
                "was not applied"
            )
    _write(path, found, doubtful, moved_to)
    finish_interrupted(path)
    if not found.entries and lost is not None:
        raise SpoolCorruptError(
            f"the outbox spool {path!r} was damaged ({problem}) and no call could be "
            f"read from it ({lost}); its files were moved to {moved_to!r} for a closer "
            "look, and a new, empty spool took their place: the next outbox on this "
            "path starts normally",
            path=path,
            moved_to=moved_to,
        )
    return Recovery(problem, moved_to, len(found.entries), doubtful, lost)


def finish_interrupted(path: str) -> bool:
    """Finish a rebuild that a crash interrupted (see the module's notes); whether
    there was one."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(f"{path}.recovered.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.remove(f"{path}.recovered.tmp-journal")
    recovered = f"{path}.recovered"
    if not os.path.exists(recovered):
        return False
    conn = sqlite3.connect(f"file:{recovered}?mode=ro", uri=True)
    try:
        (moved_to,) = conn.execute(
            "SELECT value FROM marks WHERE name = ?", (DAMAGED_FILES_MARK,)
        ).fetchone()
    finally:
        conn.close()
    for suffix in _SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            os.rename(path + suffix, moved_to + suffix)
    os.rename(recovered, path)
    return True


def _write(path: str, found: Salvage, doubtful: dict[int, str], moved_to: str) -> None:
    temporary = f"{path}.recovered.tmp"
    # Personal data, as in every spool: readable by its owner only (SQLite gives its
    # journal the same permissions).
    os.close(os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600))
    conn = sqlite3.connect(temporary, isolation_level=None)
    try:
        # A rollback journal and full syncs: the file is complete and durable before
        # it is renamed, and it is one file (the spool turns WAL on when opened).
        conn.execute("PRAGMA synchronous=FULL")
        create_schema(conn)
        conn.execute("BEGIN")
        conn.executemany(
            INSERT_WITH_ID,
            (
                (entry.id, *row_of(entry, flags | (STARTED if entry.id in doubtful else 0)))
                for entry, flags in found.entries
            ),
        )
        marks = dict(found.marks)
        marks[DAMAGED_FILES_MARK] = moved_to
        if not found.marks_complete:
            marks[MARKS_LOST_MARK] = moved_to
        conn.executemany(SET_MARK, marks.items())
        conn.execute("COMMIT")
    finally:
        conn.close()
    os.rename(temporary, f"{path}.recovered")


def _what_was_lost(found: Salvage, commits_lost: bool) -> str | None:
    parts = []
    if commits_lost:
        parts.append("the calls committed to the write-ahead log after its damage")
    if not found.readable:
        parts.append("the table of calls cannot be found")
    elif not found.complete:
        if found.unreadable:
            parts.append(f"{found.unreadable} row(s) are not readable as calls")
        else:
            parts.append("pages of the table of calls cannot be read")
    return "; ".join(parts) or None


def _page_size(path: str, wal: WalState | None) -> int:
    """The damaged database's page size: from its WAL, else its own header, else
    SQLite's default."""
    if wal is not None and wal.page_size is not None:
        return wal.page_size
    with contextlib.suppress(OSError), open(path, "rb") as main:
        header = main.read(18)
        if len(header) == 18 and header.startswith(b"SQLite format 3\0"):
            (size,) = struct.unpack(">H", header[16:18])
            size = 65536 if size == 1 else size
            if 512 <= size <= 65536 and size & (size - 1) == 0:
                return size
    return 4096


def _free_name(base: str) -> str:
    name, number = base, 1
    while any(os.path.exists(name + suffix) for suffix in _SUFFIXES):
        number += 1
        name = f"{base}-{number}"
    return name
