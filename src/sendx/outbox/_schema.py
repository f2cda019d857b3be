"""The spool's file format: its tables, and how a call is stored in a row.

Shared by the spool, which writes and reads rows, and the salvage of a damaged spool,
which reads them with no trust and builds a new file of the same format.
"""

from __future__ import annotations

import sqlite3

from sendx.outbox._calls import (
    CUSTOM_EVENT,
    IDENTIFY,
    REVENUE,
    SEND_EMAIL,
    SEND_TEMPLATE,
    TRACK,
    Entry,
)

__all__ = [
    "IDEMPOTENT",
    "INSERT",
    "INSERT_WITH_ID",
    "READABLE_VERSIONS",
    "SCHEMA_VERSION",
    "KIND_NAMES",
    "SELECT_CALLS",
    "SET_MARK",
    "STARTED",
    "create_schema",
    "entry_from_row",
    "row_of",
    "upgrade_schema",
]

# Version 1 held identify (0) and track (1) calls. Version 2 adds the REST API's calls
# the outbox takes (2 to 5) in the same table: the upgrade only records the version, so
# that a sendx that knows version 1 refuses the spool instead of failing on a kind it
# does not know.
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, SCHEMA_VERSION)
KINDS = {IDENTIFY: 0, TRACK: 1, SEND_EMAIL: 2, SEND_TEMPLATE: 3, REVENUE: 4, CUSTOM_EVENT: 5}
KIND_NAMES = {number: kind for kind, number in KINDS.items()}
IDEMPOTENT = 1
STARTED = 2  # a non-idempotent call was handed to the network at least once

INSERT = "INSERT INTO calls (kind, email, new_email, body, flags, ref) VALUES (?, ?, ?, ?, ?, ?)"
INSERT_WITH_ID = (
    "INSERT INTO calls (id, kind, email, new_email, body, flags, ref) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
SET_MARK = (
    "INSERT INTO marks (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)
SELECT_CALLS = "SELECT id, kind, email, new_email, body, flags, ref FROM calls"


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables of a new spool, in one transaction. Their root pages are
    always 2 (calls), 3 (marks) and 4 (its index): the salvage relies on it."""
    conn.executescript(
        "BEGIN;"
        "CREATE TABLE IF NOT EXISTS calls ("
        " id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
        " email TEXT NOT NULL, new_email TEXT, body BLOB, flags INTEGER NOT NULL,"
        " ref INTEGER);"
        "CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
        f"PRAGMA user_version = {SCHEMA_VERSION};"
        "COMMIT;"
    )


def upgrade_schema(conn: sqlite3.Connection) -> None:
    """Bring a readable spool of an older version to :data:`SCHEMA_VERSION` (its tables
    are the same)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def row_of(entry: Entry, flags: int | None = None) -> tuple[object, ...]:
    """The values of :data:`INSERT` for ``entry``."""
    if flags is None:
        flags = IDEMPOTENT if entry.idempotent else 0
    return (KINDS[entry.kind], entry.email, entry.new_email, entry.body, flags, entry.ref)


def entry_from_row(row: tuple[object, ...]) -> tuple[Entry, int]:
    """The call of a row of :data:`SELECT_CALLS`, and its flags; ``ValueError`` when a
    value has a type or a range no spool writes (a damaged file)."""
    row_id, kind, email, new_email, body, flags, ref = row
    if (
        not isinstance(row_id, int)
        or kind not in KIND_NAMES
        or not isinstance(flags, int)
        or not 0 <= flags <= IDEMPOTENT | STARTED
        or not isinstance(email, str)
        or not (new_email is None or isinstance(new_email, str))
        or not (body is None or isinstance(body, bytes))
        or not (ref is None or isinstance(ref, int))
    ):
        raise ValueError(f"row {row_id!r} holds values no spool writes")
    entry = Entry(row_id, KIND_NAMES[kind], email, new_email, body, bool(flags & IDEMPOTENT), ref)
    return entry, flags
