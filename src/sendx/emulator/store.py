"""The emulator's SQLite store: the connection, its transactions and every query.

One connection, one writer: the server's event loop is the only thread that calls
in, so a request's reads and its write transaction never interleave with another's.
Write transactions start with ``BEGIN IMMEDIATE`` (the write lock is taken up front,
never upgraded mid-way); a request's changes commit together or not at all. Every
query names the team, so teams cannot see each other's data.

A contact keeps its tags (in attach order) and custom field values in two JSON
columns: identify then costs one read and one write, which is what keeps the
emulator close to the raw server's throughput. The per-team catalogues (``tags``,
``fields``) record what was created, and a field's kind (text or number).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec

from sendx.emulator.records import ContactRow, EventRow, TeamRow, hash_key, new_id
from sendx.emulator.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "ContactRow",
    "EventRow",
    "Store",
    "StoreError",
    "TeamRow",
    "hash_key",
    "new_id",
]


class StoreError(Exception):
    """The database cannot be used (e.g. written by a newer emulator)."""


_encode = msgspec.json.encode
_decode_tags = msgspec.json.Decoder(list[str]).decode
_decode_fields = msgspec.json.Decoder(dict[str, str]).decode
_Text = str | None
_decode_events = msgspec.json.Decoder(list[tuple[int, str, str, _Text, _Text, _Text, _Text]]).decode

_CONTACT_COLUMNS = "id, email, encrypted_id, first_name, last_name, company, birthday, tags, fields"


def _contact(row: Sequence[Any]) -> ContactRow:
    return ContactRow(
        pk=row[0],
        email=row[1],
        encrypted_id=row[2],
        first_name=row[3],
        last_name=row[4],
        company=row[5],
        birthday=row[6],
        tags=_decode_tags(row[7]),
        fields=_decode_fields(row[8]),
    )


class _Savepoint:
    """``with store.request():`` (a class: cheaper per request than a generator)."""

    __slots__ = ("_store",)

    def __init__(self, store: Store) -> None:
        self._store = store

    def __enter__(self) -> None:
        self._store._begin_request()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._store._end_request(exc_type is not None)


class Store:
    """The SQLite database behind one emulator. Not thread-safe by design: one
    thread (the server's loop) uses it; :meth:`close` comes after that thread ends."""

    def __init__(self, path: str) -> None:
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        # check_same_thread=False: opened by the thread that starts the server,
        # used by the server's thread, closed by the one that stops it.
        self._db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, cached_statements=256
        )
        self._kinds: dict[tuple[int, str], str] = {}
        self._tags: set[tuple[int, str]] = set()
        self._group_open = False
        self._savepoint = _Savepoint(self)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            # OFF: a commit is handed to the OS at once, so it survives the emulator
            # being killed, though not a power cut: right for a test tool. Measured on
            # this project's machine, NORMAL's checkpoint fsyncs tripled the cost of a
            # write transaction (111 us against 36 us).
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
            self._next_event = self._load_next_event()
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the database has schema version {version}, newer than this emulator's "
                f"{SCHEMA_VERSION}; upgrade sendx-client or use another --db file"
            )
        for number in range(version, SCHEMA_VERSION):
            with self.write():
                for statement in MIGRATIONS[number]:
                    self._db.execute(statement)
                # PRAGMA takes no parameters; the value is our own integer.
                self._db.execute(f"PRAGMA user_version={number + 1}")

    def close(self) -> None:
        """Commit what is pending, checkpoint and close the database."""
        self.flush()
        self._db.close()

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction of its own: everything inside commits together, at
        the end of the block, or not at all."""
        self.flush()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def request(self) -> _Savepoint:
        """One API request's changes (``with store.request():``): all applied, or
        none (a savepoint), inside the group transaction that :meth:`flush` commits.

        Group commit: the requests the server's loop handles in one turn share one
        ``BEGIN IMMEDIATE`` ... ``COMMIT``, and none is answered before that commit.
        A commit costs far more than a request's statements, so under concurrency
        this is what keeps the emulator near the bare server's throughput.
        """
        return self._savepoint

    def _begin_request(self) -> None:
        if not self._group_open:
            self._db.execute("BEGIN IMMEDIATE")
            self._group_open = True
        self._db.execute("SAVEPOINT request")

    def _end_request(self, failed: bool) -> None:
        if failed:
            self._db.execute("ROLLBACK TO request")
            self._db.execute("RELEASE request")
            # The caches may name what was just rolled back; they refill on demand.
            self._kinds.clear()
            self._tags.clear()
        else:
            self._db.execute("RELEASE request")

    def flush(self) -> None:
        """Commit the group transaction, if one is open. If the commit fails, the
        group is rolled back and the caches forgotten; the error propagates."""
        if not self._group_open:
            return
        self._group_open = False
        try:
            self._db.execute("COMMIT")
        except BaseException:
            self._kinds.clear()
            self._tags.clear()
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    # Teams

    def teams(self) -> list[TeamRow]:
        """Every known team."""
        rows = self._db.execute(
            "SELECT id, team_id, key_hash, encrypted_id, configured FROM teams ORDER BY id"
        ).fetchall()
        return [TeamRow(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def add_team(self, team_id: str, key_hash: str, *, configured: bool) -> TeamRow:
        """Create a team (inside a write transaction)."""
        encrypted_id = new_id()
        cursor = self._db.execute(
            "INSERT INTO teams (team_id, key_hash, encrypted_id, configured) VALUES (?, ?, ?, ?)",
            (team_id, key_hash, encrypted_id, int(configured)),
        )
        assert cursor.lastrowid is not None
        return TeamRow(cursor.lastrowid, team_id, key_hash, encrypted_id, configured)

    def set_team_key(self, pk: int, key_hash: str, *, configured: bool) -> None:
        """Replace a team's key hash (inside a write transaction)."""
        self._db.execute(
            "UPDATE teams SET key_hash = ?, configured = ? WHERE id = ?",
            (key_hash, int(configured), pk),
        )

    # Contacts

    def find_contact(self, team: int, email_key: str) -> ContactRow | None:
        """The team's contact whose lower-cased email is ``email_key``."""
        row = self._db.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE team = ? AND email_key = ?",  # noqa: S608
            (team, email_key),
        ).fetchone()
        return None if row is None else _contact(row)

    def contacts(self, team: int) -> list[ContactRow]:
        """Every contact of the team, oldest first."""
        rows = self._db.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE team = ? ORDER BY id",  # noqa: S608
            (team,),
        ).fetchall()
        return [_contact(row) for row in rows]

    def count_contacts(self) -> int:
        """How many contacts all teams hold together."""
        return int(self._db.execute("SELECT count(*) FROM contacts").fetchone()[0])

    def save_contact(self, team: int, contact: ContactRow) -> None:
        """Insert or update a contact (inside a write transaction)."""
        tags = _encode(contact.tags)
        fields = _encode(contact.fields)
        if contact.pk is None:
            cursor = self._db.execute(
                "INSERT INTO contacts (team, email, email_key, encrypted_id, first_name, "
                "last_name, company, birthday, tags, fields) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    team,
                    contact.email,
                    contact.email.lower(),
                    contact.encrypted_id,
                    contact.first_name,
                    contact.last_name,
                    contact.company,
                    contact.birthday,
                    tags,
                    fields,
                ),
            )
            contact.pk = cursor.lastrowid
        else:
            self._db.execute(
                "UPDATE contacts SET email = ?, email_key = ?, first_name = ?, last_name = ?, "
                "company = ?, birthday = ?, tags = ?, fields = ? WHERE team = ? AND id = ?",
                (
                    contact.email,
                    contact.email.lower(),
                    contact.first_name,
                    contact.last_name,
                    contact.company,
                    contact.birthday,
                    tags,
                    fields,
                    team,
                    contact.pk,
                ),
            )

    # Catalogues

    def add_tags(self, team: int, names: Sequence[str]) -> None:
        """Create the tags the team does not have yet (inside a write transaction)."""
        known = self._tags
        new = [(team, name) for name in names if (team, name) not in known]
        if new:
            self._db.executemany("INSERT OR IGNORE INTO tags (team, name) VALUES (?, ?)", new)
            # Tags are only ever removed by reset(), which clears this cache.
            known.update(new)

    def field_kinds(self, team: int, names: Sequence[str]) -> dict[str, str]:
        """The kind (``text`` or ``number``) of each named field the team has."""
        kinds: dict[str, str] = {}
        cache = self._kinds
        for name in names:
            kind = cache.get((team, name))
            if kind is None:
                row = self._db.execute(
                    "SELECT kind FROM fields WHERE team = ? AND name = ?", (team, name)
                ).fetchone()
                if row is None:
                    continue
                # A field's kind never changes once created, so it can be cached;
                # only reset() removes fields, and it clears the cache.
                kind = cache[(team, name)] = row[0]
            kinds[name] = kind
        return kinds

    def add_fields(self, team: int, kinds: dict[str, str]) -> None:
        """Create fields with their kinds (inside a write transaction; they are
        cached by the next :meth:`field_kinds` after the commit)."""
        self._db.executemany(
            "INSERT INTO fields (team, name, kind) VALUES (?, ?, ?)",
            [(team, name, kind) for name, kind in kinds.items()],
        )

    # Events

    def add_events(self, team: int, events: Sequence[EventRow], at: str) -> list[int]:
        """Append events in order (inside a write transaction); their new ids."""
        if not events:
            return []
        first = self._next_event
        self._next_event = first + len(events)
        ids = list(range(first, first + len(events)))
        payload = _encode(
            [
                (i, e.type, e.email, e.previous_email, e.tag, e.field, e.value)
                for i, e in zip(ids, events, strict=True)
            ]
        )
        self._db.execute(
            "INSERT INTO events (last_id, team, at, events) VALUES (?, ?, ?, ?)",
            (ids[-1], team, at, payload),
        )
        return ids

    def events(self, team: int, after: int = 0) -> list[dict[str, Any]]:
        """The team's events with ids above ``after``, oldest first, in wire form."""
        rows = self._db.execute(
            "SELECT at, events FROM events WHERE team = ? AND last_id > ? ORDER BY last_id",
            (team, after),
        ).fetchall()
        out = []
        for at, payload in rows:
            for event_id, kind, email, previous, tag, field_name, value in _decode_events(payload):
                if event_id <= after:
                    continue
                event: dict[str, Any] = {"id": event_id, "type": kind, "email": email}
                if previous is not None:
                    event["previous_email"] = previous
                if tag is not None:
                    event["tag"] = tag
                if field_name is not None:
                    event["field"] = field_name
                    event["value"] = value
                event["at"] = at
                out.append(event)
        return out

    def _load_next_event(self) -> int:
        row = self._db.execute(
            "SELECT max(coalesce((SELECT max(last_id) FROM events), 0), "
            "coalesce((SELECT value FROM counters WHERE name = 'next_event'), 0) - 1)"
        ).fetchone()
        return int(row[0]) + 1

    # Reset

    def reset(self, team: int | None) -> None:
        """Forget contacts, tags, fields and events: of one team, or of all. Teams
        bound by their first request are forgotten too; configured ones stay."""
        self._kinds.clear()
        self._tags.clear()
        with self.write():
            self._db.execute(
                "INSERT OR REPLACE INTO counters (name, value) VALUES ('next_event', ?)",
                (self._next_event,),
            )
            if team is None:
                for table in ("contacts", "tags", "fields", "events"):
                    self._db.execute(f"DELETE FROM {table}")  # noqa: S608 (our own names)
                self._db.execute("DELETE FROM teams WHERE configured = 0")
            else:
                for table in ("contacts", "tags", "fields", "events"):
                    self._db.execute(f"DELETE FROM {table} WHERE team = ?", (team,))  # noqa: S608
                self._db.execute("DELETE FROM teams WHERE id = ? AND configured = 0", (team,))
