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

from sendx.errors import InvalidRequestError

__all__ = [
    "MAX_EMAIL_LENGTH",
    "check_birthday",
    "check_custom_fields",
    "check_email",
    "check_optional_text",
    "check_tags",
    "is_increment_text",
]

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INCREMENT = re.compile(r"(\+\+|--)\d+(\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# An address every check of check_email() accepts: no whitespace, control character or
# second '@', and a domain of dot-separated labels.
_PLAIN_EMAIL = re.compile(r"[^\s@\x00-\x1f\x7f]+@[^\s@.\x00-\x1f\x7f]+(?:\.[^\s@.\x00-\x1f\x7f]+)+")


def _show(value: Any) -> str:
    """A short, safe rendering of a rejected value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _mask_email(value: str) -> str:
    """An address as error messages show it: enough to find the typo, not the person
    (``'j***@gmail'``). Emails are personal data and messages end up in logs."""
    local, at, domain = value.rpartition("@")
    if not at:
        return f"{value[:1]!r}... ({len(value)} characters, no '@')"
    return repr(f"{local[:1]}***@{domain[:40]}")


def check_email(value: Any, field: str = "email") -> str:
    """An address is accepted when it is surely one: ``local@domain``.

    Deliberately lenient, as SendX is: the local part may hold ``+``, spaces (quoted
    local parts allow them) and non-ASCII; the domain must be non-empty with no
    whitespace. Rejected: no ``@``, an empty side, control characters, whitespace at
    either end (``" ann@x.io"`` would be another contact than ``"ann@x.io"``), over
    254 chars. The message masks the address.
    """
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a string (got {type(value).__name__})", field=field
        )
    if len(value) <= MAX_EMAIL_LENGTH and _PLAIN_EMAIL.fullmatch(value):
        return value  # the common case, in one regex; the checks below explain the rest
    local, at, domain = value.rpartition("@")
    problem = None
    if not value:
        problem = "is empty"
    elif len(value) > MAX_EMAIL_LENGTH:
        problem = f"is longer than {MAX_EMAIL_LENGTH} characters"
    elif value != value.strip():
        problem = "has leading or trailing whitespace"
    elif not at:
        problem = "has no '@'"
    elif not local.strip():
        problem = "has nothing before the '@'"
    elif not domain or any(ch.isspace() for ch in domain) or "." not in domain.strip("."):
        problem = "has no valid domain after the '@'"
    elif _CONTROL.search(value):
        problem = "contains control characters"
    if problem:
        raise InvalidRequestError(
            f"{field} {problem}: {_mask_email(value)} is not an email address", field=field
        )
    return value


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
