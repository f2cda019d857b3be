"""How the store's rows are written and read: the contact statements and their
parameters, and the events row format. No connection here: :mod:`store` runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from sendx.emulator.store.records import ContactRow

__all__ = [
    "CONTACT_COLUMNS",
    "FIND_CONTACT",
    "INSERT_CONTACT",
    "UPDATE_CONTACT",
    "contact_from_row",
    "contact_params",
    "events_from_row",
    "events_row",
]

_encode = msgspec.json.encode
_decode_tags = msgspec.json.Decoder(list[str]).decode
_decode_fields = msgspec.json.Decoder(dict[str, str]).decode
_decode_extra = _decode_details = msgspec.json.Decoder(dict[str, Any]).decode
# An events row holds the events of one group for one team. Since schema version 3
# it is a list of [first_id, at, [[type, email, previous_email, tag, field, value],
# ...]], one entry per request, its events numbered from first_id: the entries are
# the staged values as they are, so staging builds nothing per event. Rows written
# before hold [id, type, email, previous_email, tag, field, value, at] per event
# (before version 2 without the ``at``: the row's applies).
_decode_events = msgspec.json.Decoder(list[tuple[Any, ...]]).decode

CONTACT_COLUMNS = (
    "id, email, encrypted_id, first_name, last_name, company, birthday, tags, fields, "
    "created, updated, extra"
)
FIND_CONTACT = f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ? AND team = ?"  # noqa: S608


def contact_from_row(row: Sequence[Any]) -> ContactRow:
    """A contact from a row of :data:`CONTACT_COLUMNS`."""
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
        row[9],
        row[10],
        None if row[11] is None else _decode_extra(row[11]),
    )


# The contact statements, one per combination of NULL optional columns (first name,
# last name, company, birthday, extra, deleted; bit i set when the i-th is None). Python's sqlite3
# binds None (and bytes) through a slow adapter lookup, about 0.3 us a value; a NULL
# written in the statement costs nothing, and each text is prepared once and then
# found in the connection's statement cache.
_OPTIONAL = ("first_name", "last_name", "company", "birthday", "extra", "deleted")


def _values(mask: int) -> str:
    return ", ".join("NULL" if mask >> i & 1 else "?" for i in range(len(_OPTIONAL)))


def _sets(mask: int) -> str:
    return ", ".join(
        f"{name} = {'NULL' if mask >> i & 1 else '?'}" for i, name in enumerate(_OPTIONAL)
    )


INSERT_CONTACT = tuple(
    "INSERT INTO contacts (id, team, email, email_key, encrypted_id, first_name, "  # noqa: S608
    "last_name, company, birthday, extra, deleted, tags, fields, created, updated) "
    f"VALUES (?, ?, ?, ?, ?, {_values(mask)}, ?, ?, ?, ?)"
    for mask in range(1 << len(_OPTIONAL))
)
UPDATE_CONTACT = tuple(
    f"UPDATE contacts SET email = ?, email_key = ?, {_sets(mask)}, tags = ?, fields = ?, "  # noqa: S608
    "updated = ? WHERE id = ? AND team = ?"
    for mask in range(1 << len(_OPTIONAL))
)


def contact_params(team: int, contact: ContactRow, new: bool) -> tuple[int, list[Any]]:
    """The statement (its NULL mask, an index into :data:`INSERT_CONTACT` or
    :data:`UPDATE_CONTACT`) and the parameters that store ``contact``."""
    email = contact.email
    if new:
        params: list[Any] = [contact.pk, team, email, email.lower(), contact.encrypted_id]
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
    if contact.extra is None:
        mask |= 16
    else:
        params.append(_encode(contact.extra).decode())
    if contact.deleted is None:
        mask |= 32
    else:
        params.append(contact.deleted)
    # Text, not bytes: bytes are bound through the same slow lookup as None.
    params.append(_encode(contact.tags).decode())
    params.append(_encode(contact.fields).decode())
    if new:
        params.append(contact.created)
    params.append(contact.updated)
    if not new:
        params.append(contact.pk)
        params.append(team)
    return mask, params


def events_row(entries: list[list[Any]]) -> tuple[int, str, str]:
    """The ``last_id``, ``at`` and ``events`` columns of a row holding ``entries``,
    each ``[first_id, at, [EventRow, ...]]`` (one request's events)."""
    first, at, events = entries[-1]
    return first + len(events) - 1, at, _encode(entries).decode()


def events_from_row(payload: str | bytes, row_at: str, after: int) -> list[dict[str, Any]]:
    """The events of a row (``events`` column; ``at`` column) with ids above
    ``after``, as ``GET /_emulator/events`` lists them."""
    out: list[dict[str, Any]] = []
    for entry in _decode_events(payload):
        if len(entry) == 3:  # a request's events: [first_id, at, [event, ...]]
            first, at, events = entry
            for event_id, event in enumerate(events, first):
                if event_id > after:
                    out.append(_event_wire(event_id, event, at))
        elif entry[0] > after:  # one event of a version 1 or 2 row
            out.append(_event_wire(entry[0], entry[1:7], entry[7] if len(entry) > 7 else row_at))
    return out


def _event_wire(event_id: int, event: Sequence[Any], at: str) -> dict[str, Any]:
    kind, email, previous, tag, field_name, value = event
    wire: dict[str, Any] = {"id": event_id, "type": kind, "email": email}
    if previous is not None:
        wire["previous_email"] = previous
    if tag is not None:
        wire["tag"] = tag
    if field_name is not None:
        wire["field"] = field_name
        wire["value"] = value
    elif value is not None:  # the REST API's events keep their details as a JSON object
        wire.update(_decode_details(value))
    wire["at"] = at
    return wire
