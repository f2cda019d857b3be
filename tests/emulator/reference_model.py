"""A plain in-memory model of the v1 contact semantics, to check the emulator against.

It follows the contract's "Semantics" section and issue 3's "Behaviour", for one team:

- identify is an upsert keyed by email, matched case-insensitively; it never deletes;
  the tags of a call are added (attach order kept, no duplicates); the custom fields
  of a call are set and the others kept; unknown fields are created as text, except
  that a field first created with ``++N`` / ``--N`` is a number field starting at
  +N / -N; on a number field ``++N`` / ``--N`` add and subtract; on a text field any
  string is stored as given; numbers are rendered as decimal text (integers without
  ``.0``);
- ``newEmail`` renames; a rename onto another contact's address is a 409 that
  changes nothing; an identify with ``newEmail`` whose ``email`` does not exist
  creates the contact under the new address;
- track on an unknown contact is a 404; track adds, then removes.

Every change is an event: ``contact_created``, ``contact_renamed``, ``tag_added``
(only when newly attached), ``tag_removed`` (only when it was attached),
``field_changed`` (only when the value changed).

The model speaks the wire form (camelCase dicts, as identify's ``data`` and
``/_emulator/contacts`` carry it) minus ``encryptedId`` / ``encryptedTeamId``, which
are random; the state machine checks those for stability on its own.

Points the issue leaves open follow docs/emulator.md, each marked "open point"
below: the stored address takes the case of the latest call (a case-only change
is a contact_renamed like any other); creating under a ``newEmail`` another contact holds is a 409;
a plain number sets a number field and other text on it is a 400; events of one
call come as created/renamed, then tags, then fields, in the call's order;
``contact_renamed`` carries ``previous_email`` and ``field_changed`` the new
``value``.
"""

from __future__ import annotations

import copy
import decimal
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ModelContact", "ModelError", "ModelEvent", "ReferenceModel", "render_number"]

_INCREMENT = re.compile(r"(\+\+|--)(\d+(?:\.\d+)?)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# Enough digits that sums of the short amounts the tests send are exact.
_CONTEXT = decimal.Context(prec=50)


class ModelError(Exception):
    """The error status the emulator must answer with (e.g. 404, 409)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ModelEvent:
    """One expected event: its type, the contact's email, and what changed.

    ``previous_email`` is set for a rename, ``tag`` for tag events, ``field`` and its
    new ``value`` for ``field_changed``.
    """

    type: str
    email: str
    previous_email: str | None = None
    tag: str | None = None
    field: str | None = None
    value: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """The event as ``/_emulator/events`` lists it, without ``id`` and ``at``."""
        wire: dict[str, Any] = {"type": self.type, "email": self.email}
        if self.previous_email is not None:
            wire["previous_email"] = self.previous_email
        if self.tag is not None:
            wire["tag"] = self.tag
        if self.field is not None:
            wire["field"] = self.field
            wire["value"] = self.value
        return wire


@dataclass
class ModelContact:
    """A contact as the model holds it; ``key`` is its creation rank (stable id)."""

    key: int
    email: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    birthday: str | None = None
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, str] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        """The wire form of identify's ``data``, without the two encrypted ids."""
        return {
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": self.email,
            "company": self.company or "",  # the contract: "" when unset
            "birthday": self.birthday,
            "tags": list(self.tags),
            "customFields": dict(self.custom_fields),
        }


def render_number(value: decimal.Decimal) -> str:
    """Decimal text of a number field's value: ``5``, ``-3``, ``2.5`` (never ``5.0``)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(_CONTEXT), "f")


def _key(email: str) -> str:
    # Emails match case-insensitively.
    return email.lower()


class ReferenceModel:
    """The expected state of one team: its contacts, custom field types and events."""

    def __init__(self) -> None:
        self.contacts: list[ModelContact] = []  # in creation order
        self.field_types: dict[str, str] = {}  # name -> "text" | "number"
        self.events: list[ModelEvent] = []
        self._next_key = 0

    # -- queries -------------------------------------------------------------------

    def find(self, email: str) -> ModelContact | None:
        """The contact whose address equals ``email`` ignoring case, if any."""
        wanted = _key(email)
        for contact in self.contacts:
            if _key(contact.email) == wanted:
                return contact
        return None

    def contacts_wire(self) -> list[dict[str, Any]]:
        """Every contact in wire form, in creation order."""
        return [contact.to_wire() for contact in self.contacts]

    def is_number_field(self, name: str) -> bool:
        """Whether the team's custom field ``name`` exists and is a number field."""
        return self.field_types.get(name) == "number"

    # -- the two API calls -----------------------------------------------------------

    def identify(self, body: dict[str, Any]) -> ModelContact:
        """Apply an identify body (wire keys); return the merged contact.

        Raises :class:`ModelError`, with nothing changed: 409 for a rename onto
        another contact, 400 for a value a number field cannot take.
        """
        email: str = body["email"]
        new_email: str | None = body.get("newEmail")
        current = self.find(email)
        if new_email is not None:
            holder = self.find(new_email)
            # Open point (emulator): creating under a new address that another
            # contact holds is a 409 too.
            if holder is not None and holder is not current:
                raise ModelError(409, "newEmail belongs to another contact")
        # Open point (emulator): the stored spelling is the latest call's, so a call
        # naming the contact in another case changes its address, and like every
        # change of the address that is a contact_renamed event.
        address = new_email if new_email is not None else email
        events: list[ModelEvent] = []
        if current is None:
            contact = ModelContact(key=self._next_key, email=address)
            events.append(ModelEvent("contact_created", address))
        else:
            contact = copy.deepcopy(current)
            if address != current.email:
                events.append(ModelEvent("contact_renamed", address, previous_email=current.email))
            contact.email = address
        for key, attr in (
            ("firstName", "first_name"),
            ("lastName", "last_name"),
            ("company", "company"),
            ("birthday", "birthday"),
        ):
            if body.get(key) is not None:
                setattr(contact, attr, body[key])
        events.extend(self._attach(contact, body.get("tags") or ()))
        new_kinds: dict[str, str] = {}
        for name, value in (body.get("customFields") or {}).items():
            events.extend(self._set_field(contact, name, value, new_kinds))
        # Nothing failed: commit the contact, the new fields and the events together.
        if current is None:
            self._next_key += 1
            self.contacts.append(contact)
        else:
            self.contacts[self.contacts.index(current)] = contact
        self.field_types.update(new_kinds)
        self.events.extend(events)
        return contact

    def track(self, email: str, add: list[str], remove: list[str]) -> None:
        """Add ``add`` to the contact ``email``, then remove ``remove``.

        Raises :class:`ModelError` (404) when no contact has that address.
        """
        contact = self.find(email)
        if contact is None:
            raise ModelError(404, "no contact with that email")
        events = self._attach(contact, add)
        for tag in remove:
            if tag in contact.tags:
                contact.tags.remove(tag)
                events.append(ModelEvent("tag_removed", contact.email, tag=tag))
        self.events.extend(events)

    def reset(self) -> None:
        """Forget everything, as ``POST /_emulator/reset?team_id=`` does."""
        self.contacts.clear()
        self.field_types.clear()
        self.events.clear()
        self._next_key = 0

    # -- the merge rules -------------------------------------------------------------

    def _attach(self, contact: ModelContact, tags: Any) -> list[ModelEvent]:
        events = []
        for tag in tags:
            if tag not in contact.tags:
                contact.tags.append(tag)
                events.append(ModelEvent("tag_added", contact.email, tag=tag))
        return events

    def _set_field(
        self, contact: ModelContact, name: str, value: str, new_kinds: dict[str, str]
    ) -> list[ModelEvent]:
        kind = self.field_types.get(name) or new_kinds.get(name)
        increment = _INCREMENT.fullmatch(value)
        if kind is None:
            kind = "number" if increment else "text"
            new_kinds[name] = kind
        current = contact.custom_fields.get(name)
        if kind == "text":
            new = value
        elif increment:
            amount = decimal.Decimal(increment.group(2))
            if increment.group(1) == "--":
                amount = -amount
            # Where the contact has no value yet, the amount is the starting value.
            base = decimal.Decimal(current) if current is not None else decimal.Decimal(0)
            new = render_number(_CONTEXT.add(base, amount))
        elif _NUMBER.fullmatch(value):
            # Open point (emulator): a plain number sets a number field.
            new = render_number(decimal.Decimal(value))
        else:
            # Open point (emulator): text on a number field is a 400.
            raise ModelError(400, f"customFields[{name!r}] is a number field")
        if current == new:
            return []
        contact.custom_fields[name] = new
        return [ModelEvent("field_changed", contact.email, field=name, value=new)]
