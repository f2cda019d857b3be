"""identify and track as pure functions: a contact in, the merged contact and its
events out. No I/O here: the app looks the contact up, calls these, and stores the
result in one transaction; the tests and the reference model can read them as the
specification.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sendx._validation import is_increment_text
from sendx.emulator.store.fieldtypes import FieldValueError, check_value
from sendx.emulator.store.records import ContactRow, EventRow, new_id

__all__ = [
    "MergeError",
    "MergeResult",
    "format_number",
    "identify",
    "track",
]

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
# Exact decimal arithmetic with room to spare: operands are capped at 40 digits, so
# thousands of additions cannot round.
_CONTEXT = decimal.Context(prec=200)
_MAX_DIGITS = 40


class MergeError(Exception):
    """The call cannot be applied: ``status`` and ``message`` are the HTTP answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(slots=True)
class MergeResult:
    """The contact after the call, the events in order, and catalogue additions."""

    contact: ContactRow
    events: list[EventRow]
    new_tags: list[str] = field(default_factory=list)
    new_fields: dict[str, str] = field(default_factory=dict)
    created: bool = False


def format_number(value: decimal.Decimal) -> str:
    """A number field's text: integers without a fraction, no exponent, no
    trailing zeros (``3``, ``-2``, ``1.5``)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(_CONTEXT), "f")


def _show(value: str) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number_value(name: str, current: str | None, value: str) -> str:
    """The new text of number field ``name`` after the call's ``value``."""
    if is_increment_text(value):
        digits = value[2:]
        sign = -1 if value.startswith("--") else 1
        operand = digits
    elif _NUMBER.fullmatch(value):
        digits = value.lstrip("-")
        sign = 0
        operand = value
    else:
        raise MergeError(
            400,
            f"customFields[{name!r}] is a number field: send a number, ++N or --N "
            f"(got {_show(value)})",
        )
    if len(digits) > _MAX_DIGITS:
        raise MergeError(
            400, f"customFields[{name!r}] has more than {_MAX_DIGITS} digits (got {_show(value)})"
        )
    amount = decimal.Decimal(operand)
    if sign == 0:
        return format_number(amount)
    base = decimal.Decimal(current) if current is not None else decimal.Decimal(0)
    return format_number(_CONTEXT.add(base, amount * sign))


_new = tuple.__new__  # builds an EventRow without its Python-level __new__ (3x faster)


def _attach(contact: ContactRow, tags: Sequence[str], result: MergeResult) -> None:
    # A set for membership: a 1 MiB body can name 100,000 tags, and a list scan per
    # tag would make that call quadratic.
    attached = set(contact.tags)
    email = contact.email
    for tag in tags:
        if tag not in attached:
            attached.add(tag)
            contact.tags.append(tag)
            result.new_tags.append(tag)
            result.events.append(_new(EventRow, ("tag_added", email, None, tag, None, None)))


def identify(
    current: ContactRow | None,
    *,
    email: str,
    new_email: str | None,
    first_name: str | None,
    last_name: str | None,
    company: str | None,
    birthday: str | None,
    tags: Sequence[str] | None,
    custom_fields: Mapping[str, str] | None,
    field_kinds: Mapping[str, str],
) -> MergeResult:
    """Merge one identify call (already validated) into ``current``.

    ``field_kinds`` holds the kind of each field of the call that the team already
    has. The caller has checked that a rename does not land on another contact.
    The contact's address becomes ``new_email`` when given, else ``email`` (so the
    stored case is the latest call's). Events: contact_created or contact_renamed
    first, then tag_added per newly attached tag, then field_changed per value
    that changed, each in the call's order.
    """
    address = new_email if new_email is not None else email
    # Positional arguments throughout: this runs on every identify.
    if current is None:
        contact = ContactRow(
            None, address, new_id(), first_name, last_name, company, birthday, [], {}
        )
        events = [_new(EventRow, ("contact_created", address, None, None, None, None))]
        result = MergeResult(contact, events, [], {}, True)
    else:
        contact = ContactRow(
            current.pk,
            address,
            current.encrypted_id,
            current.first_name if first_name is None else first_name,
            current.last_name if last_name is None else last_name,
            current.company if company is None else company,
            current.birthday if birthday is None else birthday,
            list(current.tags),
            dict(current.fields),
            current.created,
            current.updated,
            current.extra,
        )
        events = []
        result = MergeResult(contact, events, [], {}, False)
        # Any change of the address, even of its case alone, is a rename: every
        # change is an event, and SendX keeps the spelling of the latest call.
        if address != current.email:
            events.append(
                _new(EventRow, ("contact_renamed", address, current.email, None, None, None))
            )
    if tags:
        _attach(contact, tags, result)
    if custom_fields:
        values = contact.fields
        new_fields = result.new_fields
        for name, value in custom_fields.items():
            kind = field_kinds.get(name) or new_fields.get(name)
            if kind is None:
                kind = "number" if is_increment_text(value) else "text"
                new_fields[name] = kind
            old = values.get(name)
            if kind == "text":
                new = value
            elif kind == "number":
                new = _number_value(name, old, value)
            else:  # a type only the REST API creates: date, boolean, phone
                try:
                    new = check_value(kind, name, value)
                except FieldValueError as exc:
                    raise MergeError(400, str(exc)) from None
            if new != old:
                values[name] = new
                events.append(_new(EventRow, ("field_changed", address, None, None, name, new)))
    return result


def track(
    current: ContactRow, *, add_tags: Sequence[str] | None, remove_tags: Sequence[str] | None
) -> MergeResult:
    """Add ``add_tags`` then remove ``remove_tags``; removing a tag the contact does
    not have is a no-op. A tag in both lists is added, then removed (two events)."""
    contact = ContactRow(
        pk=current.pk,
        email=current.email,
        encrypted_id=current.encrypted_id,
        first_name=current.first_name,
        last_name=current.last_name,
        company=current.company,
        birthday=current.birthday,
        tags=list(current.tags),
        fields=dict(current.fields),
        created=current.created,
        updated=current.updated,
        extra=current.extra,
    )
    result = MergeResult(contact, [])
    if add_tags:
        _attach(contact, add_tags, result)
    if remove_tags:
        attached = set(contact.tags)
        removed = set()
        for tag in remove_tags:
            if tag in attached and tag not in removed:
                removed.add(tag)
                result.events.append(EventRow("tag_removed", contact.email, tag=tag))
        if removed:
            contact.tags = [tag for tag in contact.tags if tag not in removed]
    return result
