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
from collections.abc import Iterable, Iterator, Sequence
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
# An events row holds [id, type, email, previous_email, tag, field, value, at] per
# event; rows written before schema version 2 lack the ``at`` (the row's applies).
_decode_events = msgspec.json.Decoder(list[tuple[Any, ...]]).decode
_Event = tuple[int, str, str, str | None, str | None, str | None, str | None, str]

_CONTACT_COLUMNS = "id, email, encrypted_id, first_name, last_name, company, birthday, tags, fields"
_FIND_CONTACT = f"SELECT {_CONTACT_COLUMNS} FROM contacts WHERE team = ? AND email_key = ?"  # noqa: S608


def _contact(row: Sequence[Any]) -> ContactRow:
    # Positional: keywords cost a third more on every identify.
    return ContactRow(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        _decode_tags(row[7]),
        _decode_fields(row[8]),
    )


# The contact statements, one per combination of NULL optional columns (first name,
# last name, company, birthday; bit i set when the i-th is None). Python's sqlite3
# binds None (and bytes) through a slow adapter lookup, about 0.3 us a value; a NULL
# written in the statement costs nothing, and each text is prepared once and then
# found in the connection's statement cache.
_OPTIONAL = ("first_name", "last_name", "company", "birthday")


def _values(mask: int) -> str:
    return ", ".join("NULL" if mask >> i & 1 else "?" for i in range(len(_OPTIONAL)))


def _sets(mask: int) -> str:
    return ", ".join(
        f"{name} = {'NULL' if mask >> i & 1 else '?'}" for i, name in enumerate(_OPTIONAL)
    )


_INSERT_CONTACT = tuple(
    "INSERT INTO contacts (team, email, email_key, encrypted_id, first_name, last_name, "  # noqa: S608
    f"company, birthday, tags, fields) VALUES (?, ?, ?, ?, {_values(mask)}, ?, ?)"
    for mask in range(1 << len(_OPTIONAL))
)
_UPDATE_CONTACT = tuple(
    f"UPDATE contacts SET email = ?, email_key = ?, {_sets(mask)}, tags = ?, fields = ? "  # noqa: S608
    "WHERE team = ? AND id = ?"
    for mask in range(1 << len(_OPTIONAL))
)


class _Request:
    """``with store.request():`` (a class: cheaper per request than a generator)."""

    __slots__ = ("_savepoint", "_store")

    def __init__(self, store: Store, savepoint: bool) -> None:
        self._store = store
        self._savepoint = savepoint

    def __enter__(self) -> None:
        self._store._begin_request(self._savepoint)

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
        # Rows written at the group's commit (see request()); every pending tag and
        # field is also in its cache, so the requests of the group see them.
        self._pending_tags: list[tuple[int, str]] = []
        self._pending_fields: list[tuple[int, str, str]] = []
        self._pending_events: list[tuple[int, list[_Event]]] = []
        # One cursor for the statements of every identify (a new one per call costs).
        self._cursor = self._db.cursor()
        self._group_open = False
        self._group_broken = False
        # The state of the request in progress (see _begin_request).
        self._in_request = False
        self._savepoint_open = False
        self._writes = 0
        self._marks = (0, 0, 0)
        self._single = _Request(self, savepoint=False)
        self._several = _Request(self, savepoint=True)
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

    def request(self, *, savepoint: bool = True) -> _Request:
        """One API request's changes (``with store.request():``): all applied, or
        none, inside the group transaction that :meth:`flush` commits.

        Group commit: the requests the server's loop handles in one turn share one
        ``BEGIN IMMEDIATE`` ... ``COMMIT``, and none is answered before that commit.
        A commit costs far more than a request's statements, so under concurrency
        this is what keeps the emulator near the bare server's throughput.

        Catalogue rows (tags, fields) and events are not written at once: they are
        kept in order and written by :meth:`flush` just before the ``COMMIT``, with
        one statement per table for the whole group. Only contacts and teams are
        written during the request. With ``savepoint=False`` the request promises
        at most one such statement, which SQLite applies entirely or not at all, so
        it needs no savepoint (two statements saved per request); a second one is
        refused. Otherwise a savepoint undoes the request's statements if it fails.
        A failed request also drops its pending rows and their cache entries.
        """
        return self._several if savepoint else self._single

    def _begin_request(self, savepoint: bool) -> None:
        if not self._group_open:
            self._db.execute("BEGIN IMMEDIATE")
            self._group_open = True
        elif not self._db.in_transaction:
            # SQLite rolled the group back after an error (a full disk, say): a
            # statement now would commit on its own. The group fails at flush().
            raise StoreError("the transaction was rolled back by the database")
        if savepoint:
            self._db.execute("SAVEPOINT request")
        self._in_request = True
        self._savepoint_open = savepoint
        self._writes = 0
        self._marks = (
            len(self._pending_tags),
            len(self._pending_fields),
            len(self._pending_events),
        )

    def _write(self) -> None:
        """Called before each statement that writes during a request."""
        if self._in_request and not self._savepoint_open:
            if self._writes:
                # The first statement cannot be undone alone: the whole group fails
                # at flush(), so that this request still changes nothing.
                self._group_broken = True
                raise RuntimeError("a request without a savepoint writes one statement only")
            self._writes = 1

    def _end_request(self, failed: bool) -> None:
        self._in_request = False
        if self._savepoint_open:
            self._savepoint_open = False
            if failed:
                self._db.execute("ROLLBACK TO request")
            self._db.execute("RELEASE request")
        if failed:
            # Forget what the request queued, and its cache entries: the caches must
            # name only rows that are stored or pending.
            tags_mark, fields_mark, events_mark = self._marks
            self._tags.difference_update(self._pending_tags[tags_mark:])
            for team, name, _ in self._pending_fields[fields_mark:]:
                self._kinds.pop((team, name), None)
            del self._pending_tags[tags_mark:]
            del self._pending_fields[fields_mark:]
            del self._pending_events[events_mark:]

    def _write_pending(self) -> None:
        """Write the queued catalogue rows and events (inside the group transaction)."""
        db = self._db
        if self._pending_tags:
            db.executemany(
                "INSERT OR IGNORE INTO tags (team, name) VALUES (?, ?)", self._pending_tags
            )
            self._pending_tags.clear()
        if self._pending_fields:
            db.executemany(
                "INSERT INTO fields (team, name, kind) VALUES (?, ?, ?)", self._pending_fields
            )
            self._pending_fields.clear()
        if self._pending_events:
            # One row per team for the whole group, however many requests it holds:
            # a row costs about as much to insert as the dozen events in it.
            by_team: dict[int, list[_Event]] = {}
            for team, events in self._pending_events:
                rows = by_team.get(team)
                if rows is None:
                    by_team[team] = list(events)
                else:
                    rows.extend(events)
            db.executemany(
                "INSERT INTO events (last_id, team, at, events) VALUES (?, ?, ?, ?)",
                [
                    (events[-1][0], team, events[-1][7], _encode(events).decode())
                    for team, events in by_team.items()
                ],
            )
            self._pending_events.clear()

    def flush(self) -> None:
        """Commit the group transaction, if one is open. If the commit fails, the
        group is rolled back and the caches forgotten; the error propagates."""
        if not self._group_open:
            return
        self._group_open = False
        try:
            if self._group_broken:
                self._group_broken = False
                raise StoreError("a request of the group broke its one-statement promise")
            if not self._db.in_transaction:
                # SQLite rolled the group back itself (after a full disk, say):
                # writing the pending rows now would commit them on their own.
                raise StoreError("the transaction was rolled back by the database")
            self._write_pending()
            self._db.execute("COMMIT")
        except BaseException:
            self._pending_tags.clear()
            self._pending_fields.clear()
            self._pending_events.clear()
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
        self._write()
        cursor = self._db.execute(
            "INSERT INTO teams (team_id, key_hash, encrypted_id, configured) VALUES (?, ?, ?, ?)",
            (team_id, key_hash, encrypted_id, int(configured)),
        )
        assert cursor.lastrowid is not None
        return TeamRow(cursor.lastrowid, team_id, key_hash, encrypted_id, configured)

    def set_team_key(self, pk: int, key_hash: str, *, configured: bool) -> None:
        """Replace a team's key hash (inside a write transaction)."""
        self._write()
        self._db.execute(
            "UPDATE teams SET key_hash = ?, configured = ? WHERE id = ?",
            (key_hash, int(configured), pk),
        )

    # Contacts

    def find_contact(self, team: int, email_key: str) -> ContactRow | None:
        """The team's contact whose lower-cased email is ``email_key``."""
        row = self._cursor.execute(_FIND_CONTACT, (team, email_key)).fetchone()
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
        email = contact.email
        if contact.pk is None:
            params: list[Any] = [team, email, email.lower(), contact.encrypted_id]
        else:
            params = [email, email.lower()]
        mask = 0
        # The optional columns that are set; the others are NULL in the statement.
        if contact.first_name is None:
            mask = 1
        else:
            params.append(contact.first_name)
        if contact.last_name is None:
            mask |= 2
        else:
            params.append(contact.last_name)
        if contact.company is None:
            mask |= 4
        else:
            params.append(contact.company)
        if contact.birthday is None:
            mask |= 8
        else:
            params.append(contact.birthday)
        # Text, not bytes: bytes are bound through the same slow lookup as None.
        params.append(_encode(contact.tags).decode())
        params.append(_encode(contact.fields).decode())
        self._write()
        if contact.pk is None:
            cursor = self._cursor.execute(_INSERT_CONTACT[mask], params)
            contact.pk = cursor.lastrowid
        else:
            params.append(team)
            params.append(contact.pk)
            self._cursor.execute(_UPDATE_CONTACT[mask], params)

    # Catalogues

    def add_tags(self, team: int, names: Sequence[str]) -> None:
        """Create the tags the team does not have yet (inside a request; written by
        :meth:`flush`)."""
        known = self._tags
        for name in names:
            tag = (team, name)
            if tag not in known:
                # Tags are only ever removed by reset(), which clears this cache.
                known.add(tag)
                self._pending_tags.append(tag)

    def field_kinds(self, team: int, names: Iterable[str]) -> dict[str, str]:
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
        """Create fields with their kinds (inside a request; written by :meth:`flush`,
        known to :meth:`field_kinds` at once)."""
        cache = self._kinds
        pending = self._pending_fields
        for name, kind in kinds.items():
            cache[(team, name)] = kind
            pending.append((team, name, kind))

    # Events

    def add_events(self, team: int, events: Sequence[EventRow], at: str) -> range:
        """Append events in order (inside a request; written by :meth:`flush`);
        their new ids."""
        first = self._next_event
        ids = range(first, first + len(events))
        if events:
            self._pending_events.append(
                (team, [(i, *event, at) for i, event in zip(ids, events, strict=True)])
            )
            self._next_event = ids.stop
        return ids

    def events(self, team: int, after: int = 0) -> list[dict[str, Any]]:
        """The team's events with ids above ``after``, oldest first, in wire form."""
        if self._group_open:
            # A reader on the same connection sees the open group, as before events
            # were queued: the queued ones are written into it first.
            self._write_pending()
        rows = self._db.execute(
            "SELECT at, events FROM events WHERE team = ? AND last_id > ? ORDER BY last_id",
            (team, after),
        ).fetchall()
        out = []
        for row_at, payload in rows:
            for entry in _decode_events(payload):
                event_id, kind, email, previous, tag, field_name, value = entry[:7]
                if event_id <= after:
                    continue
                at = entry[7] if len(entry) > 7 else row_at
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
