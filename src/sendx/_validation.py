"""Argument checks shared by the client (before any I/O) and the emulator (on input).

Each check returns the value in its wire form or raises :class:`InvalidRequestError`
naming the field and the problem. Values are echoed only when short and never whole
bodies: contact data is personal data.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sendx._email import EMAIL_PATTERN, MAX_EMAIL_LENGTH, check_email
from sendx.errors import InvalidRequestError

__all__ = [
    "EMAIL_PATTERN",
    "MAX_EMAIL_LENGTH",
    "check_birthday",
    "check_custom_fields",
    "check_email",
    "check_optional_text",
    "check_tags",
    "is_increment_text",
]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INCREMENT = re.compile(r"(\+\+|--)\d+(\.\d+)?")


def _show(value: Any) -> str:
    """A short, safe rendering of a rejected value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_optional_text(value: Any, field: str) -> str | None:
    """``None`` or a string (names, company)."""
    if value is None or isinstance(value, str):
        return value
    raise InvalidRequestError(f"{field} must be a string (got {type(value).__name__})", field=field)


def check_birthday(value: Any, field: str = "birthday") -> str | None:
    """A ``datetime.date`` or a ``YYYY-MM-DD`` string naming a real date."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        raise InvalidRequestError(
            f"{field} must be a date, not a datetime (got {_show(value)}); pass .date()",
            field=field,
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a datetime.date or a 'YYYY-MM-DD' string "
            f"(got {type(value).__name__})",
            field=field,
        )
    if not _ISO_DATE.fullmatch(value):
        raise InvalidRequestError(
            f"{field} must look like YYYY-MM-DD (got {_show(value)})", field=field
        )
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidRequestError(
            f"{field} is not a real date (got {_show(value)})", field=field
        ) from None
    return value


def check_tags(value: Any, field: str = "tags") -> list[str] | None:
    """``None`` or an iterable (not a string) of non-empty strings."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidRequestError(
            f"{field} must be a list of tag names (got {type(value).__name__}); "
            f"for one tag write [{_show(value)}]",
            field=field,
        )
    tags = list(value)
    for index, tag in enumerate(tags):
        if not isinstance(tag, str) or not tag.strip():
            raise InvalidRequestError(
                f"{field}[{index}] must be a non-empty string (got {_show(tag)})",
                field=field,
            )
    return tags


def is_increment_text(value: str) -> bool:
    """Whether a custom field value is a ``++N`` / ``--N`` increment on the wire."""
    return _INCREMENT.fullmatch(value) is not None


def check_custom_fields(
    value: Any, field: str = "custom_fields", *, convert: Any = None
) -> dict[str, str] | None:
    """``None`` or a mapping of non-empty names to values; ``convert`` turns each
    value into its wire string (or raises ``TypeError`` for an unsupported type)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"{field} must be a mapping of field names to values (got {type(value).__name__})",
            field=field,
        )
    fields: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidRequestError(
                f"{field} has an empty or non-string name ({_show(name)}); "
                "every custom field needs a name",
                field=field,
            )
        where = f"{field}[{name!r}]"
        if convert is None:
            if not isinstance(item, str):
                raise InvalidRequestError(
                    f"{where} must be a string (got {type(item).__name__})", field=where
                )
            fields[name] = item
            continue
        if isinstance(item, float) and not math.isfinite(item):
            raise InvalidRequestError(
                f"{where} must be a finite number (got {item!r})", field=where
            )
        try:
            fields[name] = convert(item)
        except TypeError:
            raise InvalidRequestError(
                f"{where} has an unsupported type {type(item).__name__}; "
                "use str, int, float, bool or sendx.increment(n)",
                field=where,
            ) from None
    return fields
