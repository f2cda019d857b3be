"""Checking an existing spool file before trusting it.

The file is opened read-only for the checks: such a connection neither checkpoints nor
deletes the WAL when it closes, so a damaged spool's files stay exactly as they were
for the rebuild (and for whoever looks at them later). In order:

1. an empty main file beside a non-empty WAL is damaged (SQLite would delete the WAL);
2. SQLite opens it and replays the WAL: fewer frames kept than the WAL's own frame
   headers or its writer's index say were committed means commits were dropped
   (``_wal.py``); a WAL whose header is damaged is ignored by SQLite as a whole;
3. ``PRAGMA quick_check`` (the structure of every page in use: O(N), milliseconds for
   a spool of thousands of calls);
4. the schema version and the tables;
5. every pending row, read as a call.

A SQLite error at any step also means damage ("file is not a database", "database
disk image is malformed", "unsupported file format", ...), except those that say
nothing of the content (a locked file, a read-only or full disk, an I/O error, ...):
those are raised as ``InvalidRequestError``, and the files are left alone.
"""

from __future__ import annotations

import os
import sqlite3

from sendx.errors import InvalidRequestError
from sendx.outbox._calls import Entry
from sendx.outbox._schema import (
    IDEMPOTENT,
    KIND_NAMES,
    READABLE_VERSIONS,
    SCHEMA_VERSION,
    SELECT_CALLS,
    STARTED,
)
from sendx.outbox._wal import WalState, frames_in_index, read_wal

__all__ = ["Damaged", "Pending", "inspect"]


class Damaged(Exception):
    """What is wrong with a spool file."""

    def __init__(self, problem: str, *, commits_lost: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.commits_lost = commits_lost
        """Whether commits of the WAL are known to be lost."""
        self.wal: WalState | None = None


Pending = tuple[list[Entry], list[Entry]]


def inspect(path: str) -> Pending | None:
    """The pending calls of the spool ``path``, oldest first: ``(to send, uncertain)``
    (uncertain: not idempotent, and handed to the network before the previous process
    stopped); None when it has no spool tables yet (a new file). Raises
    :class:`Damaged`."""
    wal = read_wal(path)
    try:
        return _inspect(path, wal)
    except Damaged as damage:
        damage.wal = wal
        raise
    except sqlite3.Error as exc:
        if _says_nothing_of_the_content(exc):
            raise InvalidRequestError(
                f"cannot open the spool {path!r} as a SQLite database: {exc}", field="spool"
            ) from None
        unreadable = Damaged(f"SQLite cannot read it: {exc}")
        unreadable.wal = wal
        raise unreadable from None


#: SQLite's result codes (and, before Python 3.11 names them, their messages) of
#: errors that come from the file's surroundings rather than its content.
_ENVIRONMENT_CODES = (
    "SQLITE_AUTH",
    "SQLITE_BUSY",
    "SQLITE_CANTOPEN",
    "SQLITE_FULL",
    "SQLITE_INTERRUPT",
    "SQLITE_IOERR",
    "SQLITE_LOCKED",
    "SQLITE_NOLFS",
    "SQLITE_NOMEM",
    "SQLITE_PERM",
    "SQLITE_PROTOCOL",
    "SQLITE_READONLY",
)
_ENVIRONMENT_MESSAGES = (
    "authorization denied",
    "database is locked",
    "unable to open database file",
    "database or disk is full",
    "interrupted",
    "disk I/O error",
    "database table is locked",
    "large file support is disabled",
    "out of memory",
    "access permission denied",
    "locking protocol",
    "attempt to write a readonly database",
)


def _says_nothing_of_the_content(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", None)  # Python 3.11+
    if isinstance(name, str):
        return any(name == code or name.startswith(code + "_") for code in _ENVIRONMENT_CODES)
    return isinstance(exc, sqlite3.OperationalError) and any(
        message in str(exc) for message in _ENVIRONMENT_MESSAGES
    )


def _inspect(path: str, wal: WalState | None) -> Pending | None:
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        if wal is not None and wal.size > wal.header_size:
            raise Damaged(
                f"its main file is empty beside a write-ahead log of {wal.size:,} bytes, "
                "which SQLite would delete",
                commits_lost=True,
            )
        return None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]  # replays the WAL
        if wal is not None:
            kept = frames_in_index(path, wal)
            lost = None if kept is None and wal.readable else wal.lost(kept or 0)
            if lost is not None:
                raise Damaged(lost, commits_lost=True)
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise Damaged(f"SQLite's quick_check finds: {'; '.join(problems)}")
        if version not in (0, *READABLE_VERSIONS):
            raise InvalidRequestError(
                f"the spool {path!r} has schema version {version}, this sendx knows "
                f"{SCHEMA_VERSION}; deliver it with the sendx version that wrote it",
                field="spool",
            )
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        if version == 0 and "calls" not in tables:
            return None  # a database of the caller's own: the tables are added to it
        if version == 0 or not {"calls", "marks"} <= tables:
            raise Damaged("its header or its table of tables is damaged")
        names = KIND_NAMES
        ready: list[Entry] = []
        uncertain: list[Entry] = []
        try:
            # No check of its own per row (this is the cost of every start): a value of
            # a type no spool writes fails here (an unknown kind, flags that are no
            # number, an address that is no text).
            for row_id, kind, email, new, body, flags, ref in conn.execute(
                f"{SELECT_CALLS} ORDER BY id"
            ):
                entry = Entry(row_id, names[kind], email, new, body, bool(flags & IDEMPOTENT), ref)
                (uncertain if flags & STARTED else ready).append(entry)
        except (KeyError, TypeError, AttributeError) as exc:
            raise Damaged(f"a pending call holds values no spool writes ({exc!r})") from None
        return ready, uncertain
    finally:
        conn.close()
