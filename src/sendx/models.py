"""Wire models: camelCase on the wire, snake_case in Python.

Requests are strict msgspec Structs that omit unset fields; responses decode
leniently (unknown keys ignored, ``status`` as string or number, ``data`` missing or
not an object), because SendX's answers have varied over the years and a client must
not break on an extra key.
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any

import msgspec

__all__ = [
    "Contact",
    "ContactRequest",
    "Increment",
    "NotAnAnswer",
    "TrackRequest",
    "contact_from_wire",
    "custom_field_to_wire",
    "decode_contact",
    "decode_envelope",
    "decrement",
    "envelope_problem",
    "increment",
]


class Increment:
    """A change to a number custom field: sent as ``++N`` (add) or ``--N`` (subtract).

    Build it with :func:`sendx.increment` or :func:`sendx.decrement`. An identify that
    holds one is not idempotent, so the client retries it only where SendX surely did
    not apply it.
    """

    __slots__ = ("amount",)

    def __init__(self, amount: int | float) -> None:
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise TypeError(f"an increment needs a number (got {type(amount).__name__})")
        if not math.isfinite(amount):
            raise ValueError(f"an increment needs a finite number (got {amount!r})")
        self.amount = amount

    def to_wire(self) -> str:
        """The wire form: ``++N`` or ``--N``."""
        sign = "--" if self.amount < 0 else "++"
        return f"{sign}{_number_text(abs(self.amount))}"

    def __repr__(self) -> str:
        return f"Increment({self.amount!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Increment) and other.amount == self.amount

    def __hash__(self) -> int:
        return hash(("Increment", self.amount))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Increment, (self.amount,))


def increment(amount: int | float = 1) -> Increment:
    """Add ``amount`` to a number custom field (``++amount`` on the wire)."""
    return Increment(amount)


def decrement(amount: int | float = 1) -> Increment:
    """Subtract ``amount`` from a number custom field (``--amount`` on the wire)."""
    return Increment(-amount)


def _number_text(value: int | float) -> str:
    """Plain decimal text, never an exponent (``1e-07`` would not read as a number,
    nor ``++1e+20`` as an increment): ``2.0`` is ``2``, ``1e-07`` is ``0.0000001``."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        text = repr(value)
        if "e" in text or "E" in text:
            # repr is the shortest text that reads back as the same float; Decimal
            # spells those digits out positionally.
            return format(decimal.Decimal(text), "f")
        return text
    return str(value)


def custom_field_to_wire(value: Any) -> str:
    """A custom field value as SendX's wire string.

    ``str`` passes through unchanged (a raw ``"++5"`` still works), ``bool`` becomes
    ``"true"`` / ``"false"``, numbers their decimal text, an :class:`Increment` its
    ``++N`` / ``--N`` form. Anything else raises ``TypeError``.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError("not a finite number")
        return _number_text(value)
    if isinstance(value, Increment):
        return value.to_wire()
    raise TypeError(type(value).__name__)


class ContactRequest(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """The body of ``POST /contact/identify``, in the original client's key order."""

    first_name: str | None = None
    last_name: str | None = None
    email: str
    new_email: str | None = None
    company: str | None = None
    birthday: str | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, str] | None = None


class TrackRequest(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=True):
    """The body of ``POST /contact/track``; sent as no body at all when empty."""

    add_tags: list[str] | None = None
    remove_tags: list[str] | None = None


class Contact(msgspec.Struct, kw_only=True):
    """A SendX contact as it stands after a merge.

    ``id`` and ``team_id`` are the wire's ``encryptedId`` and ``encryptedTeamId``;
    ``birthday`` is a ``datetime.date`` (``None`` when unset or unreadable);
    ``custom_fields`` maps names to their text as SendX stores it.
    """

    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    birthday: datetime.date | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    custom_fields: dict[str, str] = msgspec.field(default_factory=dict)
    id: str | None = None
    team_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with snake_case keys; ``birthday`` as ``YYYY-MM-DD``."""
        return {
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "company": self.company,
            "birthday": self.birthday.isoformat() if self.birthday else None,
            "tags": list(self.tags),
            "custom_fields": dict(self.custom_fields),
            "id": self.id,
            "team_id": self.team_id,
        }

    def to_wire(self) -> dict[str, Any]:
        """The contact as SendX sends it: camelCase keys, ``company`` ``""`` when unset."""
        return {
            "encryptedTeamId": self.team_id,
            "encryptedId": self.id,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": self.email,
            "company": self.company or "",
            "birthday": self.birthday.isoformat() if self.birthday else None,
            "tags": list(self.tags),
            "customFields": dict(self.custom_fields),
        }


class _Envelope(msgspec.Struct):
    """Every v1 response: ``{"status", "message", "data"}``, each possibly missing."""

    status: Any = None
    message: Any = None
    data: Any = None


_ENVELOPE_DECODER = msgspec.json.Decoder(_Envelope)
_EMPTY_ENVELOPE = _Envelope()


def decode_envelope(body: bytes) -> _Envelope:
    """The response envelope; an empty one when the body is not a JSON object."""
    try:
        return _ENVELOPE_DECODER.decode(body)
    except msgspec.DecodeError:
        return _EMPTY_ENVELOPE


class _AnyObject(msgspec.Struct):
    """Any JSON object: every key is skipped, nothing is built."""


_OBJECT_DECODER = msgspec.json.Decoder(_AnyObject)


class NotAnAnswer(ValueError):
    """Raised by a decoder for a 2xx body that is not SendX's (not JSON, or JSON of
    another shape): the message says how. The core makes it an
    :class:`~sendx.errors.UnexpectedResponseError`."""


def envelope_problem(body: bytes) -> str | None:
    """Why ``body`` cannot be a v1 answer, or ``None`` when it is a JSON object.

    Every v1 answer is an object (``{"status", "message", "data"}``); what is inside
    is read leniently. An empty body, text that is not JSON (an HTML page), other JSON
    (an array, a string) or JSON nested past what can be decoded came from something
    else that answered in SendX's place.
    """
    if not body:
        return "an empty body"
    try:
        _OBJECT_DECODER.decode(body)
    except msgspec.ValidationError:
        return "JSON, but not an object"
    except msgspec.DecodeError:
        return "not JSON"
    except RecursionError:  # msgspec's depth limit is the interpreter's
        return "JSON nested too deeply to decode"
    return None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    return None


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


class _WireContact(
    msgspec.Struct,
    rename={
        "first_name": "firstName",
        "last_name": "lastName",
        "custom_fields": "customFields",
        "id": "encryptedId",
        "team_id": "encryptedTeamId",
    },
):
    """A ``Contact`` exactly as SendX documents it; only the fast path decodes into it."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    birthday: datetime.date | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, str] | None = None
    id: str | None = None
    team_id: str | None = None


class _ContactEnvelope(msgspec.Struct):
    data: _WireContact


_CONTACT_DECODER = msgspec.json.Decoder(_ContactEnvelope)


def decode_contact(body: bytes, *, fallback_email: str | None = None) -> Contact:
    """The contact in an identify answer, as ``contact_from_wire(decode_envelope(body)
    .data, fallback_email=...)`` gives it, but faster for well-formed answers.

    A typed decode handles the documented shape in one C pass; any other shape (a
    number where a string belongs, ``data`` not an object, not JSON) falls back to the
    lenient path, so the result is the same either way.
    """
    try:
        wire = _CONTACT_DECODER.decode(body).data
    except msgspec.DecodeError:  # ValidationError included
        return contact_from_wire(decode_envelope(body).data, fallback_email=fallback_email)
    return Contact(
        email=wire.email or fallback_email,
        first_name=wire.first_name,
        last_name=wire.last_name,
        company=wire.company,
        birthday=wire.birthday,
        tags=wire.tags if wire.tags is not None else [],
        custom_fields=wire.custom_fields if wire.custom_fields is not None else {},
        id=wire.id,
        team_id=wire.team_id,
    )


def contact_from_wire(data: Any, *, fallback_email: str | None = None) -> Contact:
    """A :class:`Contact` from the wire's ``data``, tolerating any shape.

    A ``data`` that is not an object gives a contact with only ``fallback_email``.
    """
    if not isinstance(data, dict):
        return Contact(email=fallback_email)
    tags = data.get("tags")
    fields = data.get("customFields")
    return Contact(
        email=_text(data.get("email")) or fallback_email,
        first_name=_text(data.get("firstName")),
        last_name=_text(data.get("lastName")),
        company=_text(data.get("company")),
        birthday=_date(data.get("birthday")),
        tags=[t for t in map(_text, tags) if t is not None] if isinstance(tags, list) else [],
        custom_fields=(
            {str(k): v for k, v in ((k, _text(v)) for k, v in fields.items()) if v is not None}
            if isinstance(fields, dict)
            else {}
        ),
        id=_text(data.get("encryptedId")),
        team_id=_text(data.get("encryptedTeamId")),
    )


Contact.__module__ = "sendx"
Increment.__module__ = "sendx"
increment.__module__ = "sendx"
decrement.__module__ = "sendx"
