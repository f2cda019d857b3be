"""The outbox's durable spool: one SQLite file, one live process.

A call is inserted (and committed) before ``identify``/``track`` returns and deleted
only after a 2xx or after it was written to the dead-letter file. WAL mode with
``synchronous=NORMAL`` makes each commit one append to the WAL with no fsync: it
survives the process dying at any instant, which is what the default promises;
``sync="full"`` fsyncs each commit and so also survives a power cut, at about a
millisecond per call.

A lock file beside the spool (``flock``) keeps a second process off it: two outboxes
draining one spool would send calls twice and out of order.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable

from sendx._lockfile import Locked, acquire
from sendx.errors import InvalidRequestError
from sendx.outbox._calls import (
    CUSTOM_EVENT,
    IDENTIFY,
    REVENUE,
    SEND_EMAIL,
    SEND_TEMPLATE,
    TRACK,
    Entry,
)
from sendx.outbox._types import SpoolLockedError

__all__ = ["Spool"]

# Version 1 held identify (0) and track (1) calls. Version 2 adds the REST API's
# calls the outbox takes (2 to 5) in the same table: the migration only records the
# version, so that a sendx that knows version 1 refuses the spool instead of failing
# on a kind it does not know.
_SCHEMA_VERSION = 2
_KINDS = {IDENTIFY: 0, TRACK: 1, SEND_EMAIL: 2, SEND_TEMPLATE: 3, REVENUE: 4, CUSTOM_EVENT: 5}
_KIND_NAMES = {number: kind for kind, number in _KINDS.items()}
_IDEMPOTENT = 1
_STARTED = 2  # (literal in started()) a non-idempotent call was handed to the network at least once

_INSERT = "INSERT INTO calls (kind, email, new_email, body, flags, ref) VALUES (?, ?, ?, ?, ?, ?)"
_SET_MARK = (
    "INSERT INTO marks (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)


def _row(entry: Entry) -> tuple[object, ...]:
    """The values of ``_INSERT`` for ``entry``."""
    flags = _IDEMPOTENT if entry.idempotent else 0
    return (_KINDS[entry.kind], entry.email, entry.new_email, entry.body, flags, entry.ref)


#: Connections of a parent process, kept alive (never closed) in a forked child:
#: closing them there could checkpoint or unlink files the parent is still using.
_ABANDONED: list[object] = []


class Spool:
    """Pending calls in a SQLite file, in the order they were put."""

    def __init__(self, path: str | os.PathLike[str], *, sync: str = "normal") -> None:
        if sync not in ("normal", "full"):
            raise InvalidRequestError(
                f"spool_sync must be 'normal' or 'full' (got {sync!r})", field="spool_sync"
            )
        self.path = os.fspath(path)
        self.lock_path = self.path + ".lock"
        try:
            self._lock_fd = acquire(self.lock_path)
        except Locked as exc:
            raise SpoolLockedError(
                f"the outbox spool {self.path!r} is in use by {exc.holder}; one live process "
                "per spool: give each process its own spool path, or stop the other one first",
                path=self.path,
                pid=exc.pid,
            ) from None
        except OSError as exc:
            raise InvalidRequestError(
                f"cannot open the spool {self.path!r}: {exc.strerror or exc}; "
                "check that its folder exists and is writable",
                field="spool",
            ) from None
        try:
            self._conn = _connect(self.path, sync)
        except sqlite3.Error as exc:
            os.close(self._lock_fd)
            raise InvalidRequestError(
                f"cannot open the spool {self.path!r} as a SQLite database: {exc}",
                field="spool",
            ) from None
        except BaseException:
            os.close(self._lock_fd)
            raise
        self._lock = threading.Lock()
        self._batch_lock = threading.Lock()
        self._to_delete: list[int] = []
        self._deleting = False
        self.closed = False

    def load(self) -> tuple[list[Entry], list[Entry]]:
        """The pending calls, oldest first: ``(to send, uncertain)``. Uncertain calls
        are not idempotent and were handed to the network before the previous process
        stopped: SendX may have applied them, so they must not be sent blindly."""
        rows = self._conn.execute(
            "SELECT id, kind, email, new_email, body, flags, ref FROM calls ORDER BY id"
        ).fetchall()
        ready: list[Entry] = []
        uncertain: list[Entry] = []
        for row_id, kind, email, new_email, body, flags, ref in rows:
            entry = Entry(
                row_id, _KIND_NAMES[kind], email, new_email, body, bool(flags & _IDEMPOTENT), ref
            )
            (uncertain if flags & _STARTED else ready).append(entry)
        return ready, uncertain

    def insert(self, entry: Entry) -> int:
        """Commit ``entry``; return its id (the order of delivery after a restart)."""
        with self._lock:
            cursor = self._conn.execute(_INSERT, _row(entry))
        return cursor.lastrowid  # type: ignore[return-value]

    def insert_marked(self, entry: Entry | None, mark: str, value: str) -> int | None:
        """Commit ``entry`` (if any) and set the mark ``mark`` in one transaction, so a
        reader of the mark (a resumed import) never sees one without the other."""
        self.insert_many([] if entry is None else [entry], (mark, value))
        return None if entry is None else entry.id

    def insert_many(self, entries: list[Entry], mark: tuple[str, str] | None) -> None:
        """Commit ``entries`` (setting their ids) and a mark in one transaction: one
        commit for a whole batch of imported rows."""
        conn = self._conn
        with self._lock:
            conn.execute("BEGIN")
            try:
                for entry in entries:
                    entry.id = conn.execute(_INSERT, _row(entry)).lastrowid  # type: ignore[assignment]
                if mark is not None:
                    conn.execute(_SET_MARK, mark)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def get_mark(self, mark: str) -> str | None:
        """The value of a mark, ``None`` when unset."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM marks WHERE name = ?", (mark,)).fetchone()
        return None if row is None else str(row[0])

    def started(self, ids: Iterable[int]) -> None:
        """Record that these (non-idempotent) calls are about to be sent."""
        with self._lock:
            self._conn.executemany(
                "UPDATE calls SET flags = flags | 2 WHERE id = ?", [(i,) for i in ids]
            )

    def delete(self, ids: list[int]) -> None:
        """Remove finished calls, batching concurrent callers into one transaction.

        While one thread deletes, others only add their ids to the batch and return:
        under load the workers share a commit instead of queueing for the spool (and
        for the callers of ``insert``). The deleting thread drains the batch before it
        returns, so when every worker has returned nothing is left behind.
        """
        with self._batch_lock:
            self._to_delete.extend(ids)
            if self._deleting:
                return
            self._deleting = True
        while True:
            with self._batch_lock:
                batch, self._to_delete = self._to_delete, []
                if not batch:
                    self._deleting = False
                    return
            try:
                self._delete_now(batch)
            except BaseException:
                with self._batch_lock:
                    self._deleting = False
                raise

    def _delete_now(self, ids: list[int]) -> None:
        with self._lock:
            if self.closed:
                return
            # One statement (one implicit transaction) per chunk; the ids are ints
            # from SQLite itself, bound as parameters all the same.
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                self._conn.execute(f"DELETE FROM calls WHERE id IN ({marks})", chunk)  # noqa: S608

    def count(self) -> int:
        """How many calls the spool holds."""
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM calls").fetchone()[0])

    def close(self) -> None:
        """Close the database and release the lock; idempotent."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self._conn.close()
            os.close(self._lock_fd)

    def abandon(self) -> None:
        """In a forked child: forget the parent's spool without touching its files.

        No lock is taken: another thread of the parent may have held it at the fork.
        """
        self.closed = True
        self._lock = threading.Lock()
        self._batch_lock = threading.Lock()
        _ABANDONED.append(self._conn)
        # The child's copy of the lock descriptor shares the parent's flock; closing
        # the copy leaves the lock held by the parent.
        os.close(self._lock_fd)


def _connect(path: str, sync: str) -> sqlite3.Connection:
    # The spool holds personal data: create it readable by its owner only (SQLite
    # gives its -wal and -shm files the same permissions).
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    # isolation_level=None: each statement commits at once unless a BEGIN opened a
    # transaction, so an insert is durable when execute() returns.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise InvalidRequestError(
                f"the spool {path!r} cannot use SQLite's WAL mode (got {mode!r}); "
                "put it on a local file system",
                field="spool",
            )
        conn.execute(f"PRAGMA synchronous={'FULL' if sync == 'full' else 'NORMAL'}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            conn.executescript(
                "BEGIN;"
                "CREATE TABLE IF NOT EXISTS calls ("
                " id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
                " email TEXT NOT NULL, new_email TEXT, body BLOB, flags INTEGER NOT NULL,"
                " ref INTEGER);"
                "CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
                f"PRAGMA user_version = {_SCHEMA_VERSION};"
                "COMMIT;"
            )
        elif version == 1:
            conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        elif version != _SCHEMA_VERSION:
            raise InvalidRequestError(
                f"the spool {path!r} has schema version {version}, this sendx knows "
                f"{_SCHEMA_VERSION}; deliver it with the sendx version that wrote it",
                field="spool",
            )
    except BaseException:
        conn.close()
        raise
    return conn
