"""The mail the REST API captures: each message, what it shares with the other messages
of its send, and its engagement.

A send (``/send/email``, ``/send/template``) or a campaign makes one *content* (sender,
subject, bodies with their placeholders, headers, template) and one *message* per
recipient (its addresses, the values its placeholders took, its campaign). A message's
engagement is a list of events (``{"type": "open", "at": ..., "url": ...}``) simulated
from the control plane. Nothing here renders or sends: see
:mod:`sendx.emulator.rest.mail`.

Like contacts and objects, new messages and changed engagement are staged and written
by the store's group commit, so a message is on disk before its send is answered. A
message is found by id among the staged ones first, then in the table; lists and
reports commit the staged ones first and read the table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import msgspec

from sendx.emulator.store.records import new_id

__all__ = ["MESSAGE_PREFIX", "MessageRow", "Messages", "Report"]

MESSAGE_PREFIX = "message_"

_encode = msgspec.json.encode
_decode = msgspec.json.decode
_Obj = dict[str, Any]
_COLUMNS = "m.seq, m.id, m.team, m.content, m.recipient, m.campaign, m.at, m.data, m.events"


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One captured message. ``content`` is what it shares with its send (see the
    module's docstring); ``data`` its own part: ``to`` (``{"email", "name"}``), ``cc``,
    ``bcc``, ``contact`` (the recipient's contact id, when it is one) and ``values``
    (what its placeholders took). ``recipient`` is the lower-cased ``to`` address."""

    id: str
    team: int
    at: str
    recipient: str
    campaign: str | None
    content: _Obj
    data: _Obj
    events: list[_Obj]


@dataclass(frozen=True, slots=True)
class Report:
    """What happened to a campaign's messages: how many there are, per event type how
    many events and how many distinct messages had one, and per clicked link how many
    clicks (most clicked first)."""

    sent: int
    events: dict[str, tuple[int, int]]
    links: list[tuple[str, int]]

    def total(self, kind: str) -> int:
        return self.events.get(kind, (0, 0))[0]

    def unique(self, kind: str) -> int:
        return self.events.get(kind, (0, 0))[1]


class Messages:
    """The captured messages of every team, their staged changes, and their reads.
    Owned by :class:`~sendx.emulator.store.database.Store`, which writes the staged
    changes in its group commit; ``commit`` is that commit, run before a read of the
    table."""

    def __init__(self, db: sqlite3.Connection, commit: Callable[[], None]) -> None:
        self._db = db
        self._commit = commit
        self._contents: dict[int, tuple[int, _Obj]] = {}  # staged: id -> (team, data)
        self._new: dict[str, MessageRow] = {}  # staged new messages, in order
        self._events: dict[str, list[_Obj]] = {}  # staged engagement of stored ones
        self._rows_content: dict[str, int] = {}  # staged new message -> its content id
        self._next_content = 1

    def load(self) -> None:
        """Forget what is staged and find the next content id (at start, once the
        schema is migrated, and after a failed commit)."""
        self._contents.clear()
        self._new.clear()
        self._rows_content.clear()
        self._events.clear()
        (last,) = self._db.execute("SELECT coalesce(max(id), 0) FROM message_contents").fetchone()
        self._next_content = last + 1

    @property
    def staged(self) -> bool:
        """Whether changes wait for the group commit."""
        return bool(self._contents or self._new or self._events)

    # Staging

    def add_content(self, team: int, data: _Obj) -> int:
        """Stage what the messages of one send share; its id."""
        content_id = self._next_content
        self._next_content += 1
        self._contents[content_id] = (team, data)
        return content_id

    def add(
        self,
        team: int,
        content: int,
        *,
        recipient: str,
        campaign: str | None,
        at: str,
        data: _Obj,
    ) -> MessageRow:
        """Stage one message of the content ``content`` (staged by :meth:`add_content`
        in the same request) to ``recipient``."""
        row = MessageRow(
            MESSAGE_PREFIX + new_id(),
            team,
            at,
            recipient.lower(),
            campaign,
            self._contents[content][1],
            data,
            [],
        )
        self._new[row.id] = row
        self._rows_content[row.id] = content
        return row

    def set_events(self, message: MessageRow, events: list[_Obj]) -> MessageRow:
        """Stage a message's new list of engagement events; the message as it is now."""
        changed = replace(message, events=events)
        if message.id in self._new:
            self._new[message.id] = changed
        else:
            self._events[message.id] = events
        return changed

    def write_staged(self) -> None:
        """Write the staged changes (inside the group's transaction)."""
        db = self._db
        if self._contents:
            db.executemany(
                "INSERT INTO message_contents (id, team, data) VALUES (?, ?, ?)",
                [(i, team, _encode(data).decode()) for i, (team, data) in self._contents.items()],
            )
        if self._new:
            content_of = self._rows_content
            db.executemany(
                "INSERT INTO messages (id, team, content, recipient, campaign, at, data, events) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        row.id,
                        row.team,
                        content_of[row.id],
                        row.recipient,
                        row.campaign,
                        row.at,
                        _encode(row.data).decode(),
                        _encode(row.events).decode(),
                    )
                    for row in self._new.values()
                ],
            )
        if self._events:
            db.executemany(
                "UPDATE messages SET events = ? WHERE id = ?",
                [(_encode(events).decode(), i) for i, events in self._events.items()],
            )
        self._contents.clear()
        self._new.clear()
        self._rows_content.clear()
        self._events.clear()

    # Reading

    def get(self, message_id: str) -> MessageRow | None:
        """The message with this id, staged or stored, or ``None``."""
        staged = self._new.get(message_id)
        if staged is not None:
            return staged
        row = self._db.execute(
            f"SELECT {_COLUMNS}, c.data FROM messages m "  # noqa: S608 (our own columns)
            "JOIN message_contents c ON c.id = m.content WHERE m.id = ?",
            (message_id,),
        ).fetchone()
        if row is None:
            return None
        message = _row(row, _decode(row[9]))
        events = self._events.get(message_id)
        return message if events is None else replace(message, events=events)

    def page(
        self,
        team: int,
        offset: int,
        limit: int,
        *,
        recipient: str | None = None,
        campaign: str | None = None,
    ) -> list[MessageRow]:
        """A page of the team's messages, newest first; only those to ``recipient``
        (any case) or of ``campaign`` when given. Commits the staged ones first."""
        self._commit()
        sql = f"SELECT {_COLUMNS} FROM messages m WHERE m.team = ?"  # noqa: S608
        params: list[Any] = [team]
        if recipient is not None:
            sql += " AND m.recipient = ?"
            params.append(recipient.lower())
        if campaign is not None:
            sql += " AND m.campaign = ?"
            params.append(campaign)
        rows = self._db.execute(
            sql + " ORDER BY m.seq DESC LIMIT ? OFFSET ?", (*params, limit, offset)
        ).fetchall()
        contents = self._read_contents({row[3] for row in rows})
        return [_row(row, contents[row[3]]) for row in rows]

    def report(self, team: int, campaign: str) -> Report:
        """The counts of a campaign's messages and their events. Commits the staged
        ones first."""
        self._commit()
        db = self._db
        where = "m.team = ? AND m.campaign = ?"
        (sent,) = db.execute(
            f"SELECT count(*) FROM messages m WHERE {where}",  # noqa: S608
            (team, campaign),
        ).fetchone()
        kinds = db.execute(
            "SELECT json_extract(e.value, '$.type'), count(*), count(DISTINCT m.seq) "  # noqa: S608
            f"FROM messages m, json_each(m.events) e WHERE {where} GROUP BY 1",
            (team, campaign),
        ).fetchall()
        links = db.execute(
            "SELECT json_extract(e.value, '$.url') AS url, count(*) AS n "  # noqa: S608
            f"FROM messages m, json_each(m.events) e WHERE {where} "
            "AND json_extract(e.value, '$.type') = 'click' GROUP BY url ORDER BY n DESC, url",
            (team, campaign),
        ).fetchall()
        return Report(
            sent,
            {kind: (total, unique) for kind, total, unique in kinds},
            [(url, count) for url, count in links],
        )

    def reset(self, team: int | None) -> None:
        """Forget the messages of one team or of all (inside the store's transaction,
        which commits the staged changes first: nothing is staged here)."""
        if team is None:
            self._db.execute("DELETE FROM messages")
            self._db.execute("DELETE FROM message_contents")
        else:
            self._db.execute("DELETE FROM messages WHERE team = ?", (team,))
            self._db.execute("DELETE FROM message_contents WHERE team = ?", (team,))

    def _read_contents(self, ids: Iterable[int]) -> dict[int, _Obj]:
        wanted = sorted(ids)
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        return {
            content_id: _decode(data)
            for content_id, data in self._db.execute(
                f"SELECT id, data FROM message_contents WHERE id IN ({marks})",  # noqa: S608
                wanted,
            )
        }


def _row(row: tuple[Any, ...], content: _Obj) -> MessageRow:
    """A message from a row of ``_COLUMNS`` and its decoded content."""
    return MessageRow(
        row[1], row[2], row[6], row[4], row[5], content, _decode(row[7]), _decode(row[8])
    )
