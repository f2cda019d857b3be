"""The REST API's objects of every kind but contacts and messages: tags, custom fields,
lists, templates, webhooks, senders, campaigns, posts, post categories and post tags.

An object is a dict in its wire form (``{"id": "list_...", "name": ..., "created": ...}``;
keys that start with ``_`` are the emulator's own and never sent). All of them are held
in memory, per team and kind, in creation order, and loaded at start: a read is a dict
lookup. On disk each is one row of the ``objects`` table (its id and creation order in
columns, the rest as JSON). Like contacts, changes are staged and written by the store's
group commit, so an object created by a request is on disk before it is answered.

The v1 API's catalogues are objects too: a tag attached by identify is a ``tag``, a
field first set by identify a ``custom_field``; the REST API sees them with their ids.
A kind can keep one property unique per team (a name, a URL): :meth:`Objects.find`
looks it up, case-sensitively, as v1 compares tag and field names.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec

__all__ = ["UNIQUE", "Objects"]

#: The property each kind keeps unique within a team (kinds absent have none).
UNIQUE: dict[str, str] = {
    "tag": "name",
    "custom_field": "name",
    "list": "name",
    "template": "name",
    "webhook": "url",
    "sender": "email",
    "campaign": "name",
    "post": "name",
    "post_category": "name",
    "post_tag": "name",
}

_encode = msgspec.json.encode
_decode = msgspec.json.decode
_NONE: dict[str, Any] = {}

_Obj = dict[str, Any]
_Key = tuple[int, str]  # (team, kind)


class Objects:
    """Every object of every team, in memory, with the changes staged for the next
    group commit. Used by :class:`~sendx.emulator.store.database.Store`, which owns the
    connection and calls :meth:`load`, :meth:`write_staged` and :meth:`discard`."""

    def __init__(self) -> None:
        self._items: dict[_Key, dict[str, _Obj]] = {}
        self._unique: dict[_Key, dict[str, str]] = {}
        self._order: dict[str, int] = {}  # id -> creation order, global
        self._next_order = 1
        # (team, kind, id) -> the object to write, or None to delete it.
        self._staged: dict[tuple[int, str, str], _Obj | None] = {}

    # Loading and writing

    def load(self, db: sqlite3.Connection) -> None:
        """Read every object (at start, and after a failed commit)."""
        self._items.clear()
        self._unique.clear()
        self._order.clear()
        self._staged.clear()
        last = 0
        for team, kind, object_id, order, data in db.execute(
            "SELECT team, kind, id, seq, data FROM objects ORDER BY seq"
        ):
            obj = _decode(data)
            obj["id"] = object_id
            self._index(team, kind, obj)
            self._order[object_id] = order
            last = order
        self._next_order = last + 1

    @property
    def staged(self) -> bool:
        """Whether changes wait for the group commit."""
        return bool(self._staged)

    def write_staged(self, db: sqlite3.Connection) -> None:
        """Write the staged changes (inside the group's transaction)."""
        puts = []
        deletes = []
        for (team, kind, object_id), obj in self._staged.items():
            if obj is None:
                deletes.append((team, kind, object_id))
            else:
                data = {k: v for k, v in obj.items() if k != "id"}
                puts.append((team, kind, object_id, self._order[object_id], _encode(data).decode()))
        if puts:
            db.executemany(
                "INSERT OR REPLACE INTO objects (team, kind, id, seq, data) VALUES (?, ?, ?, ?, ?)",
                puts,
            )
        if deletes:
            db.executemany("DELETE FROM objects WHERE team = ? AND kind = ? AND id = ?", deletes)
        self._staged.clear()

    # Reading

    def get(self, team: int, kind: str, object_id: str) -> _Obj | None:
        """The object, or ``None``. Shared: read it, never change it (:meth:`put` a
        changed copy)."""
        return self._items.get((team, kind), _NONE).get(object_id)

    def find(self, team: int, kind: str, value: str) -> _Obj | None:
        """The object whose unique property (:data:`UNIQUE`) is ``value``."""
        object_id = self._unique.get((team, kind), _NONE).get(value)
        return None if object_id is None else self._items[team, kind][object_id]

    def all(self, team: int, kind: str) -> list[_Obj]:
        """The team's objects of this kind, oldest first."""
        return list(self._items.get((team, kind), _NONE).values())

    def count(self, team: int, kind: str) -> int:
        """How many objects of this kind the team has."""
        return len(self._items.get((team, kind), _NONE))

    # Changing

    def put(self, team: int, kind: str, obj: _Obj) -> None:
        """Stage a new object or a changed one (a new dict, with the same ``id``). The
        caller has checked that its unique property is free."""
        object_id: str = obj["id"]
        items = self._items.get((team, kind))
        old = None if items is None else items.get(object_id)
        if old is not None:
            self._unindex(team, kind, old)
        else:
            self._order[object_id] = self._next_order
            self._next_order += 1
        self._index(team, kind, obj)
        self._staged[team, kind, object_id] = obj

    def delete(self, team: int, kind: str, object_id: str) -> _Obj | None:
        """Stage the deletion of an object; the object, or ``None`` if there was none."""
        items = self._items.get((team, kind))
        obj = None if items is None else items.pop(object_id, None)
        if obj is None:
            return None
        unique = UNIQUE.get(kind)
        if unique is not None:
            self._unique[team, kind].pop(obj.get(unique), None)  # type: ignore[arg-type]
        self._staged[team, kind, object_id] = None
        return obj

    def reset(self, team: int | None, db: sqlite3.Connection) -> None:
        """Forget the objects of one team or of all (inside the store's transaction)."""
        if team is None:
            db.execute("DELETE FROM objects")
            self._items.clear()
            self._unique.clear()
            self._staged.clear()
            return
        db.execute("DELETE FROM objects WHERE team = ?", (team,))
        for key in [key for key in self._items if key[0] == team]:
            del self._items[key]
            self._unique.pop(key, None)
        for staged in [staged for staged in self._staged if staged[0] == team]:
            del self._staged[staged]

    def _index(self, team: int, kind: str, obj: _Obj) -> None:
        items = self._items.get((team, kind))
        if items is None:
            items = self._items[team, kind] = {}
        items[obj["id"]] = obj
        unique = UNIQUE.get(kind)
        if unique is not None and obj.get(unique) is not None:
            names = self._unique.get((team, kind))
            if names is None:
                names = self._unique[team, kind] = {}
            names[obj[unique]] = obj["id"]

    def _unindex(self, team: int, kind: str, obj: _Obj) -> None:
        unique = UNIQUE.get(kind)
        if unique is not None:
            self._unique.get((team, kind), {}).pop(obj.get(unique), None)  # type: ignore[arg-type]
