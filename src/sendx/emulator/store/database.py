"""The emulator's SQLite store: the connection, its transactions and its queries
(the contact statements and the row formats are in :mod:`sendx.emulator.store.rows`).

One connection, one writer: the server's event loop is the only thread that calls
in, so requests never interleave inside the store. Write transactions start with
``BEGIN IMMEDIATE`` (the write lock is taken up front, never upgraded mid-way); a
request's changes commit together or not at all. Every query names the team, so
teams cannot see each other's data.

Group commit: a request stages its changes (contacts, tags, fields, events) in
memory, after every check has passed, and :meth:`Store.commit_group` writes the
changes of all the requests of a group in one transaction, one statement per kind
of row. The app answers none of them before that commit.

A contact keeps its tags (in attach order) and custom field values in two JSON
columns. Which address belongs to which contact is known from an index in memory
(one dict per team, loaded at start): it answers "is there a contact with this
address?" without a query, and it keeps addresses unique within a team. A second
index finds a contact by its ``encryptedId`` (the REST API's contact id). A soft-
deleted contact keeps its row, but is in neither index and in no read.

Every other object, the tag and field catalogues included, is in
:class:`~sendx.emulator.store.objects.Objects` (``store.objects``), staged and
committed with the rest.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sendx._lockfile import Locked, acquire
from sendx.emulator.store.fieldtypes import KINDS, TYPE_OF_KIND
from sendx.emulator.store.messages import Messages
from sendx.emulator.store.objects import Objects
from sendx.emulator.store.records import ContactRow, EventRow, TeamRow, hash_key, new_id
from sendx.emulator.store.rows import (
    CONTACT_COLUMNS,
    FIND_CONTACT,
    INSERT_CONTACT,
    UPDATE_CONTACT,
    contact_from_row,
    contact_params,
    events_from_row,
    events_row,
)
from sendx.emulator.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from sendx.emulator.v1.merge import MergeResult

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


_EventsEntry = list[Any]  # one request's events: [first_id, at, list of EventRow]
_NO_KEYS: dict[str, int] = {}


def _holds(text: str | None, needle: str) -> bool:
    return text is not None and needle in text.casefold()


class Store:
    """The SQLite database behind one emulator. Not thread-safe by design: one
    thread (the server's loop) uses it; :meth:`close` comes after that thread ends."""

    def __init__(self, path: str) -> None:
        # One emulator per file: a second one would keep its own index of addresses
        # and its own ids, and write duplicates that nothing would stop.
        try:
            self._lock_fd = acquire(path + ".lock")
        except Locked as exc:
            raise StoreError(
                f"the database {path!r} is in use by {exc.holder}: one emulator per "
                "database file; stop the other one, or use another --db file"
            ) from None
        try:
            # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
            # check_same_thread=False: opened by the thread that starts the server,
            # used by the server's thread, closed by the one that stops it.
            self._db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, cached_statements=256
            )
        except BaseException:
            os.close(self._lock_fd)
            raise
        self.objects = Objects()
        """The REST objects, the tag and field catalogues among them."""
        self.messages = Messages(self._db, self.commit_group)
        """The mail the REST API captured (sends and campaigns)."""
        # team -> lower-cased address -> contact id, for every stored or staged contact.
        self._keys: dict[int, dict[str, int]] = {}
        # team -> encryptedId -> contact id, for the same contacts.
        self._eids: dict[int, dict[str, int]] = {}
        self._next_contact = 1
        self._next_team = 1
        # What the group has staged, written by commit_group(). Every staged team,
        # object and contact is also in its cache or index, so the requests of the
        # group see them. A staged contact: id -> (team, row, whether it is new).
        self._staged_teams: list[TeamRow] = []
        self._staged_contacts: dict[int, tuple[int, ContactRow, bool]] = {}
        self._staged_events: list[tuple[int, _EventsEntry]] = []
        # One cursor for the statements of every request (a new one per call costs).
        self._cursor = self._db.cursor()
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            # OFF: a commit is handed to the OS at once, so it survives the emulator
            # being killed, though not a power cut: right for a test tool. Measured on
            # this project's machine, NORMAL's checkpoint fsyncs tripled the cost of a
            # write transaction (111 us against 36 us).
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute("PRAGMA busy_timeout=5000")
            # SQLite's LIKE and lower() fold ASCII only; a search must match 'ZOË'
            # with 'zoë' (the needle comes casefolded).
            self._db.create_function("sendx_holds", 2, _holds, deterministic=True)
            self._migrate()
            self._next_event = self._load_next_event()
            self._load_ids()
            self.objects.load(self._db)
            self.messages.load()
        except BaseException:
            self._db.close()
            os.close(self._lock_fd)
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

    def _load_ids(self) -> None:
        """Build the index of addresses from the stored contacts, and find the next
        contact and team ids."""
        keys: dict[int, dict[str, int]] = {}
        eids: dict[int, dict[str, int]] = {}
        for team, key, pk, eid in self._db.execute(
            "SELECT team, email_key, id, encrypted_id FROM contacts WHERE deleted IS NULL"
        ):
            team_keys = keys.get(team)
            if team_keys is None:
                team_keys = keys[team] = {}
                eids[team] = {}
            elif key in team_keys:
                # The index is what keeps addresses unique; two rows with one
                # address mean the file was edited by hand.
                raise StoreError(
                    f"the database holds two contacts of team {team} with one address "
                    f"(ids {team_keys[key]} and {pk}); delete one, or use another --db file"
                )
            team_keys[key] = pk
            eids[team][eid] = pk
        self._keys = keys
        self._eids = eids
        (last,) = self._db.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()
        self._next_contact = last + 1
        (last_team,) = self._db.execute("SELECT coalesce(max(id), 0) FROM teams").fetchone()
        self._next_team = last_team + 1

    def close(self) -> None:
        """Commit what is staged, checkpoint, close the database, release the lock."""
        try:
            self.commit_group()
        finally:
            self._db.close()
            os.close(self._lock_fd)

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction of its own: everything inside commits together, at
        the end of the block, or not at all. The staged group commits first."""
        self.commit_group()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def commit_group(self) -> None:
        """Commit what the group's requests staged, in one transaction (nothing, if
        nothing is staged).

        If the commit fails, nothing of the group is kept: the transaction is rolled
        back, the caches and the index are rebuilt from the database, and the error
        propagates. Reads and other transactions call this first, so that they see
        and follow the staged changes; the app's waiting requests learn of it from
        ``GroupCommit``, through which the control plane commits before it reads.
        """
        if not (
            self._staged_contacts
            or self._staged_events
            or self._staged_teams
            or self.objects.staged
            or self.messages.staged
        ):
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._write_staged()
            self._db.execute("COMMIT")
        except BaseException:
            self._discard()
            raise

    def _discard(self) -> None:
        """Drop the group: roll back, and rebuild what named its rows (a failed
        commit is rare, a full disk say: rebuilding reads every contact's address)."""
        self._staged_teams.clear()
        self._staged_contacts.clear()
        self._staged_events.clear()
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._load_ids()
        self.objects.load(self._db)
        self.messages.load()

    def _write_staged(self) -> None:
        """Write the staged rows (inside the group transaction), one statement per
        kind of row and NULL mask."""
        db = self._db
        if self._staged_teams:  # first: the other rows name them
            db.executemany(
                "INSERT INTO teams (id, team_id, key_hash, encrypted_id, configured) "
                "VALUES (?, ?, ?, ?, 0)",
                [(t.pk, t.team_id, t.key_hash, t.encrypted_id) for t in self._staged_teams],
            )
            self._staged_teams.clear()
        if self._staged_contacts:
            inserts: dict[int, list[list[Any]]] = {}
            updates: dict[int, list[list[Any]]] = {}
            for team, contact, new in self._staged_contacts.values():
                mask, params = contact_params(team, contact, new)
                (inserts if new else updates).setdefault(mask, []).append(params)
            for mask, params_list in inserts.items():
                db.executemany(INSERT_CONTACT[mask], params_list)
            for mask, params_list in updates.items():
                db.executemany(UPDATE_CONTACT[mask], params_list)
            self._staged_contacts.clear()
        if self.objects.staged:
            self.objects.write_staged(db)
        if self.messages.staged:
            self.messages.write_staged()
        if self._staged_events:
            # One row per team for the whole group, however many requests it holds:
            # a row costs about as much to insert as the dozen events in it.
            by_team: dict[int, list[_EventsEntry]] = {}
            for team, entry in self._staged_events:
                entries = by_team.get(team)
                if entries is None:
                    by_team[team] = [entry]
                else:
                    entries.append(entry)
            db.executemany(
                "INSERT INTO events (team, last_id, at, events) VALUES (?, ?, ?, ?)",
                [(team, *events_row(entries)) for team, entries in by_team.items()],
            )
            self._staged_events.clear()

    # Teams

    def teams(self) -> list[TeamRow]:
        """Every known team."""
        rows = self._db.execute(
            "SELECT id, team_id, key_hash, encrypted_id, configured FROM teams ORDER BY id"
        ).fetchall()
        return [TeamRow(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def add_team(self, team_id: str, key_hash: str, *, configured: bool) -> TeamRow:
        """Create a team (inside :meth:`write`)."""
        encrypted_id = new_id()
        cursor = self._db.execute(
            "INSERT INTO teams (team_id, key_hash, encrypted_id, configured) VALUES (?, ?, ?, ?)",
            (team_id, key_hash, encrypted_id, int(configured)),
        )
        assert cursor.lastrowid is not None
        self._next_team = max(self._next_team, cursor.lastrowid + 1)
        return TeamRow(cursor.lastrowid, team_id, key_hash, encrypted_id, configured)

    def bind_team(self, team_id: str, key_hash: str) -> TeamRow:
        """Stage a team bound by its first key; its id is known at once."""
        team = TeamRow(self._next_team, team_id, key_hash, new_id(), False)
        self._next_team += 1
        self._staged_teams.append(team)
        return team

    def set_team_key(self, pk: int, key_hash: str, *, configured: bool) -> None:
        """Replace a team's key hash (inside :meth:`write`)."""
        self._db.execute(
            "UPDATE teams SET key_hash = ?, configured = ? WHERE id = ?",
            (key_hash, int(configured), pk),
        )

    # Contacts

    def find_contact(self, team: int, email_key: str) -> ContactRow | None:
        """The team's contact whose lower-cased email is ``email_key``, as stored or
        staged. The row is shared: read it, never change it."""
        pk = self._keys.get(team, _NO_KEYS).get(email_key)
        if pk is None:
            return None
        staged = self._staged_contacts.get(pk)
        if staged is not None:
            return staged[1]
        row = self._cursor.execute(FIND_CONTACT, (pk, team)).fetchone()
        return contact_from_row(row)

    def contact_by_id(self, team: int, encrypted_id: str) -> ContactRow | None:
        """The team's contact whose ``encryptedId`` this is, as stored or staged (shared:
        read it, never change it)."""
        pk = self._eids.get(team, _NO_KEYS).get(encrypted_id)
        if pk is None:
            return None
        staged = self._staged_contacts.get(pk)
        if staged is not None:
            return staged[1]
        row = self._cursor.execute(FIND_CONTACT, (pk, team)).fetchone()
        return contact_from_row(row)

    def contacts(self, team: int) -> list[ContactRow]:
        """Every contact of the team, oldest first (the group commits first)."""
        self.commit_group()
        rows = self._db.execute(
            f"SELECT {CONTACT_COLUMNS} FROM contacts "  # noqa: S608
            "WHERE team = ? AND deleted IS NULL ORDER BY id",
            (team,),
        ).fetchall()
        return [contact_from_row(row) for row in rows]

    def page_contacts(
        self,
        team: int,
        offset: int,
        limit: int,
        search: str | None = None,
        *,
        newest: bool = False,
    ) -> list[ContactRow]:
        """A page of the team's contacts, oldest first (or, with ``newest``, the last
        changed first); with ``search``, only those whose first name, last name or
        address holds it, case-insensitively (the group commits first)."""
        self.commit_group()
        sql = f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE team = ? AND deleted IS NULL"  # noqa: S608
        params: list[Any] = [team]
        if search is not None:
            sql += (
                " AND (sendx_holds(first_name, ?) OR sendx_holds(last_name, ?)"
                " OR sendx_holds(email, ?))"
            )
            params += [search.casefold()] * 3
        order = " ORDER BY updated DESC, id DESC" if newest else " ORDER BY id"
        rows = self._db.execute(sql + order + " LIMIT ? OFFSET ?", (*params, limit, offset))
        return [contact_from_row(row) for row in rows]

    def contact_count(self, team: int) -> int:
        """How many contacts the team has (stored or staged; none deleted)."""
        return len(self._keys.get(team, _NO_KEYS))

    def save_contact(self, team: int, contact: ContactRow, old_key: str | None, at: str) -> None:
        """Stage a new contact (``pk`` is ``None``; it gets one) or a changed one,
        found by the lower-cased address ``old_key``, changed at ``at``. The caller
        has checked that its address is free in the team."""
        keys = self._keys.get(team)
        if keys is None:
            keys = self._keys[team] = {}
        contact.updated = at
        pk = contact.pk
        if pk is None:
            pk = contact.pk = self._next_contact
            self._next_contact = pk + 1
            contact.created = at
            keys[contact.email.lower()] = pk
            eids = self._eids.get(team)
            if eids is None:
                eids = self._eids[team] = {}
            eids[contact.encrypted_id] = pk
            self._staged_contacts[pk] = (team, contact, True)
            return
        key = contact.email.lower()
        if key != old_key:  # a rename
            if old_key is not None:
                del keys[old_key]
            keys[key] = pk
        staged = self._staged_contacts.get(pk)
        self._staged_contacts[pk] = (team, contact, staged is not None and staged[2])

    def stage_merge(self, team: int, result: MergeResult, old_key: str | None, at: str) -> range:
        """Stage what a merge (:mod:`sendx.emulator.v1.merge`) made of a contact found by
        the lower-cased address ``old_key`` (``None``: a new one): the tags and fields it
        created, its events, the contact. The ids of its events."""
        if result.new_tags:
            self.add_tags(team, result.new_tags, at)
        if result.new_fields:
            self.add_fields(team, result.new_fields, at)
        ids = self.add_events(team, result.events, at)
        self.save_contact(team, result.contact, old_key, at)
        return ids

    def delete_contact(self, team: int, contact: ContactRow, at: str) -> None:
        """Stage the soft delete of a contact (a copy, with ``deleted`` set): it leaves
        both indexes, so its address is free again and no read finds it."""
        assert contact.pk is not None
        contact.deleted = contact.updated = at
        self._keys.get(team, {}).pop(contact.email.lower(), None)
        self._eids.get(team, {}).pop(contact.encrypted_id, None)
        staged = self._staged_contacts.get(contact.pk)
        self._staged_contacts[contact.pk] = (team, contact, staged is not None and staged[2])

    # Catalogues (objects of kind tag and custom_field, named as v1 names them)

    def add_tags(self, team: int, names: Sequence[str], at: str) -> None:
        """Stage the tags the team does not have yet."""
        objects = self.objects
        for name in names:
            if objects.find(team, "tag", name) is None:
                tag = {"id": "tag_" + new_id(), "name": name, "created": at, "updated": at}
                objects.put(team, "tag", tag)

    def field_kinds(self, team: int, names: Iterable[str]) -> dict[str, str]:
        """The kind (:data:`~sendx.emulator.store.fieldtypes.KINDS`) of each named field
        the team has."""
        kinds: dict[str, str] = {}
        objects = self.objects
        for name in names:
            found = objects.find(team, "custom_field", name)
            if found is not None:
                kinds[name] = KINDS[found["type"]]
        return kinds

    def add_fields(self, team: int, kinds: dict[str, str], at: str) -> None:
        """Stage fields with their kinds (known to :meth:`field_kinds` at once)."""
        objects = self.objects
        for name, kind in kinds.items():
            field = {
                "id": "custom_field_" + new_id(),
                "name": name,
                "type": TYPE_OF_KIND[kind],
                "description": "",
                "created": at,
                "updated": at,
            }
            objects.put(team, "custom_field", field)

    # Events

    def add_events(self, team: int, events: Sequence[EventRow], at: str) -> range:
        """Stage events, in order; their new ids."""
        first = self._next_event
        if events:
            self._staged_events.append((team, [first, at, events]))
            self._next_event = first + len(events)
        return range(first, first + len(events))

    def events(self, team: int, after: int = 0) -> list[dict[str, Any]]:
        """The team's events with ids above ``after``, oldest first, in wire form
        (the group commits first)."""
        self.commit_group()
        rows = self._db.execute(
            "SELECT at, events FROM events WHERE team = ? AND last_id > ? ORDER BY last_id",
            (team, after),
        ).fetchall()
        out: list[dict[str, Any]] = []
        for row_at, payload in rows:
            out.extend(events_from_row(payload, row_at, after))
        return out

    def _load_next_event(self) -> int:
        row = self._db.execute(
            "SELECT max(coalesce((SELECT max(last_id) FROM events), 0), "
            "coalesce((SELECT value FROM counters WHERE name = 'next_event'), 0) - 1)"
        ).fetchone()
        return int(row[0]) + 1

    # Reset

    def reset(self, team: int | None) -> None:
        """Forget contacts, objects, events and messages: of one team, or of all. Teams
        bound by their first request are forgotten too; configured ones stay."""
        with self.write():
            self._db.execute(
                "INSERT OR REPLACE INTO counters (name, value) VALUES ('next_event', ?)",
                (self._next_event,),
            )
            if team is None:
                for table in ("contacts", "events"):
                    self._db.execute(f"DELETE FROM {table}")  # noqa: S608 (our own names)
                self._db.execute("DELETE FROM teams WHERE configured = 0")
            else:
                for table in ("contacts", "events"):
                    self._db.execute(f"DELETE FROM {table} WHERE team = ?", (team,))  # noqa: S608
                self._db.execute("DELETE FROM teams WHERE id = ? AND configured = 0", (team,))
            self.objects.reset(team, self._db)
            self.messages.reset(team)
        # The addresses and ids of the team (or of all) are gone with its contacts.
        if team is None:
            self._keys.clear()
            self._eids.clear()
        else:
            self._keys.pop(team, None)
            self._eids.pop(team, None)
