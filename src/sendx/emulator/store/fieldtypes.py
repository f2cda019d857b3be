"""Custom field types: their names (the v1 catalogue's ``kind``), their numbers on the
REST API's wire (``type`` 0 to 4), and the values each accepts.

A field's type is fixed when the field is created: over REST with its ``type``, over v1
by its first value (``number`` when it is ``++N``/``--N``, else ``text``). Values are
checked against it wherever they are set (REST contacts, v1 identify); number values
are also merged (increments) by :mod:`sendx.emulator.v1.merge`.
"""

from __future__ import annotations

import datetime
import re

__all__ = ["KINDS", "TYPE_OF_KIND", "FieldValueError", "check_value"]

#: The kinds, indexed by their REST ``type`` number.
KINDS = ("text", "number", "date", "boolean", "phone")
TYPE_OF_KIND = {kind: number for number, kind in enumerate(KINDS)}

MAX_TEXT = 255  # SendX's limit on a text field's value
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# International format, as SendX describes it: an optional '+', then digits that may be
# grouped by spaces, dots, hyphens or parentheses; 7 to 15 digits (E.164's maximum).
_PHONE = re.compile(r"\+?[0-9][0-9 .()\-]*[0-9]")
_BOOLEANS = frozenset({"true", "false"})

_HINTS = {
    "number": "a number such as 42 or -1.5",
    "date": "a date as YYYY-MM-DD",
    "boolean": '"true" or "false"',
    "phone": "a phone number in international format, such as +1 415 555 0100",
}


class FieldValueError(ValueError):
    """A value that the field's type does not accept; the message says what it wants."""


def _show(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_value(kind: str, name: str, value: str) -> str:
    """``value`` when a field of ``kind`` named ``name`` accepts it (``number`` fields
    take plain numbers here: increments are v1's and merged there)."""
    ok = True
    if kind == "text":
        ok = len(value) <= MAX_TEXT
        if not ok:
            raise FieldValueError(
                f"custom field {name!r} is a text field of at most {MAX_TEXT} characters "
                f"(got {len(value)})"
            )
    elif kind == "number":
        ok = _NUMBER.fullmatch(value) is not None
    elif kind == "date":
        ok = _DATE.fullmatch(value) is not None
        if ok:
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                ok = False
    elif kind == "boolean":
        ok = value in _BOOLEANS
    elif kind == "phone":
        digits = sum(ch.isdigit() for ch in value)
        ok = _PHONE.fullmatch(value) is not None and 7 <= digits <= 15
    if not ok:
        raise FieldValueError(
            f"custom field {name!r} is a {kind} field: send {_HINTS[kind]} (got {_show(value)})"
        )
    return value
