"""Reading what can still be read from a damaged spool, trusting none of it.

The work is done on a scratch copy, so the damaged files stay exactly as they were:

- when SQLite cannot read the schema (a damaged header or first page, or an empty main
  file beside its write-ahead log, which SQLite would delete), or the reading falls
  short, page 1 is replaced by a new spool's (the better reading is kept): every spool
  has its tables at the same root pages, so the other pages read as before;
- each table is read in rowid order; where a page cannot be read, the reading probes
  further and further ahead for a rowid it can reach, then back, so a damaged page
  costs the rows it held (and at worst those of its neighbours), not the table;
- each row is checked as a call: values of the types a spool writes, a body that is
  a JSON object agreeing with the row (the address, a rename, whether it is
  idempotent). A row that fails but still names a kind and an address is *doubtful*
  (kept, never sent blindly); one that does not is dropped as unreadable.

SQLite has no checksums on the pages of the main file: a damaged byte inside a value
that keeps the row well formed cannot be seen, here or by SQLite.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field

from sendx._validation import check_email
from sendx.errors import InvalidRequestError
from sendx.outbox._calls import IDENTIFY, TRACK, Entry, entry_from_record
from sendx.outbox._schema import (
    IDEMPOTENT,
    SELECT_CALLS,
    STARTED,
    create_schema,
    entry_from_row,
)

__all__ = ["Salvage", "salvage"]

_TABLES = {b"calls", b"marks"}
_LAST_ROWID = 2**63 - 1
_TRACK_KEYS = {"addTags", "removeTags"}


@dataclass
class Salvage:
    """What was read from a damaged spool."""

    entries: list[tuple[Entry, int]] = field(default_factory=list)
    """The calls read, with their flags, in id order."""
    doubtful: dict[int, str] = field(default_factory=dict)
    """Ids of calls read whose values do not agree, with what is wrong."""
    marks: dict[str, str] = field(default_factory=dict)
    readable: bool = False
    """Whether the calls table could be found at all."""
    complete: bool = False
    """Whether every row of the calls table was reached and read as a call."""
    marks_complete: bool = False
    unreadable: int = 0
    """Rows reached that are not calls at all (dropped)."""
    new_page_one: bool = False
    """Whether page 1 had to be replaced by a new spool's."""


def salvage(path: str, page_size: int) -> Salvage:
    """Read the calls and marks of the spool ``path`` (with its WAL, if any)."""
    scratch = tempfile.mkdtemp(prefix=".sendx-salvage-", dir=os.path.dirname(path) or ".")
    try:
        copy = os.path.join(scratch, "spool")
        _copy(path, copy)
        result = None if os.path.getsize(copy) < 512 else _read(copy)
        if result is not None and result.complete:
            return result
        # Page 1 may be what is damaged (a header, the table of tables, the root page
        # numbers): try again with a new spool's.
        _copy(path, copy)  # afresh: opening it may have replayed the WAL
        _put_page_one(copy, page_size, scratch)
        other = _read(copy) or Salvage()
        other.new_page_one = True
        if result is None or len(other.entries) > len(result.entries):
            return other
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _copy(path: str, copy: str) -> None:
    for suffix in ("", "-wal"):
        if os.path.exists(path + suffix):
            shutil.copyfile(path + suffix, copy + suffix)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.remove(copy + suffix)
            if not suffix:
                open(copy, "wb").close()
    with contextlib.suppress(FileNotFoundError):
        os.remove(copy + "-shm")  # SQLite rebuilds the index from the WAL


def _put_page_one(copy: str, page_size: int, scratch: str) -> None:
    template = os.path.join(scratch, "template")
    conn = sqlite3.connect(template, isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
        conn.execute("PRAGMA journal_mode=WAL")  # as in every spool's header
        create_schema(conn)
    finally:
        conn.close()
    with open(template, "rb") as source:
        page = bytearray(source.read(page_size))
    # The database's size is unknown: 0 makes SQLite take the file's (or the WAL's).
    page[28:32] = bytes(4)
    with open(copy, "r+b") as target:
        target.write(page)


def _read(copy: str) -> Salvage | None:
    """None when the calls and marks tables cannot be found."""
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.text_factory = bytes  # a damaged text must not stop the reading
    try:
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError:
            return None
        if not names >= _TABLES:
            return None
        try:  # SQLite parses the schema when it first needs a table
            conn.execute("SELECT id FROM calls WHERE 0").fetchall()
        except sqlite3.DatabaseError:
            return None
        result = Salvage(readable=True)
        rows, result.complete = _scan(conn, f"{SELECT_CALLS} WHERE id >= ? ORDER BY id")
        for row in rows:
            checked = _check(row)
            if checked is None:
                result.unreadable += 1
                result.complete = False
                continue
            entry, flags, doubt = checked
            result.entries.append((entry, flags))
            if doubt is not None:
                result.doubtful[entry.id] = doubt
        marks, result.marks_complete = _scan(
            conn, "SELECT rowid, name, value FROM marks WHERE rowid >= ? ORDER BY rowid"
        )
        for _, name, value in marks:
            if not isinstance(name, bytes) or not isinstance(value, bytes):
                result.marks_complete = False
                continue
            try:
                result.marks[name.decode()] = value.decode()
            except UnicodeDecodeError:
                result.marks_complete = False
        return result
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.close()


def _scan(conn: sqlite3.Connection, query: str) -> tuple[list[tuple[object, ...]], bool]:
    """Every row ``query`` reaches from rowid 0 on (the first column is the rowid), and
    whether nothing was skipped."""
    rows: list[tuple[object, ...]] = []
    start: int | None = 0
    complete = True
    while start is not None:
        try:
            for row in conn.execute(query, (start,)):
                rowid = row[0]
                if not isinstance(rowid, int) or rowid < start:
                    raise sqlite3.DatabaseError("rowids out of order")
                rows.append(row)
                start = rowid + 1
            break
        except sqlite3.DatabaseError:
            complete = False
            start = _next_reachable(conn, query, start)
    return rows, complete


def _next_reachable(conn: sqlite3.Connection, query: str, start: int) -> int | None:
    """The smallest rowid past ``start`` from which ``query`` can be read again (found
    by doubling steps, then bisection), or None if none is."""

    def reachable(rowid: int) -> bool:
        try:
            conn.execute(f"{query} LIMIT 1", (rowid,)).fetchall()
        except sqlite3.DatabaseError:
            return False
        return True

    low, step = start, 1
    while True:
        high = min(start + step, _LAST_ROWID)
        if reachable(high):
            break
        if high == _LAST_ROWID:
            return None
        low, step = high, step * 2
    while high - low > 1:
        middle = (low + high) // 2
        if reachable(middle):
            high = middle
        else:
            low = middle
    return high


def _check(row: tuple[object, ...]) -> tuple[Entry, int, str | None] | None:
    """The call of a row, its flags and what is doubtful about it (None: nothing); None
    when the row is not a call at all."""
    values = list(row)
    try:
        for index in (2, 3):  # email, new_email: texts read as bytes
            value = values[index]
            if isinstance(value, bytes):
                values[index] = value.decode()
        entry, flags = entry_from_row(tuple(values))
    except (UnicodeDecodeError, ValueError):
        return None
    return entry, flags, _doubt(entry, flags)


def _doubt(entry: Entry, flags: int) -> str | None:
    if flags & STARTED and flags & IDEMPOTENT:
        return "its flags are ones no spool writes"
    try:
        check_email(entry.email)
        if entry.new_email is not None:
            check_email(entry.new_email, "new_email")
    except InvalidRequestError:
        return "its address is not a valid email address"
    try:
        body = None if entry.body is None else json.loads(entry.body)
        rebuilt = entry_from_record({"kind": entry.kind, "email": entry.email, "body": body}, 0)
    except ValueError:
        return "its body is not a JSON object"
    if entry.kind == IDENTIFY and (body or {}).get("email") != entry.email:
        return "its body names another address"
    if entry.kind == TRACK and not _TRACK_KEYS.issuperset(body or {}):
        return "its body is not a track's"
    if (rebuilt.new_email, rebuilt.idempotent) != (entry.new_email, entry.idempotent):
        return "its body does not agree with its row (a rename or an increment)"
    return None
