"""Addresses as the sending calls take them, checked before any I/O.

An address is ``"ann@x.io"``, ``"Ann <ann@x.io>"`` (the display-name form, read with
the standard library's :mod:`email.utils`) or ``{"email": "ann@x.io", "name": "Ann"}``;
its address part follows sendx's one email rule (:func:`sendx._email.check_email`). A
recipient (``to=``) is one of these, or a mapping that also holds its ``cc``, ``bcc``
and ``custom_fields`` (values for its placeholders).

Errors name the argument (``to[1].cc[0]``) and never echo an address whole: it is
personal data, and error messages end up in logs.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sendx._email import check_email
from sendx.errors import InvalidRequestError
from sendx.models import Increment, custom_field_to_wire

__all__ = [
    "Address",
    "Recipient",
    "address",
    "header_values",
    "recipients",
]

#: What ``from_`` and ``reply_to`` take: ``"ann@x.io"``, ``"Ann <ann@x.io>"`` or
#: ``{"email": "ann@x.io", "name": "Ann"}``.
Address = str | Mapping[str, Any]
#: One recipient: an :data:`Address`, or a mapping with ``email`` and optionally
#: ``name``, ``cc``, ``bcc`` and ``custom_fields``.
Recipient = str | Mapping[str, Any]

MAX_NAME = 255
#: A header value is one line of an email: RFC 5322 caps a line at 998 characters.
MAX_HEADER_VALUE = 998

_ADDRESS_KEYS = ("email", "name")
_RECIPIENT_KEYS = ("email", "name", "cc", "bcc", "custom_fields")
# A header name is an HTTP token (RFC 9110), which every mail system takes as is.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORMS = "write 'ann@x.io', 'Ann <ann@x.io>' or {'email': 'ann@x.io', 'name': 'Ann'}"


def _name(value: Any, field: str) -> str | None:
    """A display name: one line of at most 255 characters; empty means none."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a string (got {type(value).__name__})", field=field
        )
    if _CONTROL.search(value):
        # A line break in a name could add a header to the email SendX builds.
        raise InvalidRequestError(
            f"{field} holds a line break or another control character", field=field
        )
    if len(value) > MAX_NAME:
        raise InvalidRequestError(
            f"{field} is longer than {MAX_NAME} characters ({len(value)})", field=field
        )
    return value or None


def _parse(text: str, field: str) -> tuple[str | None, str]:
    """``(name, address)`` of a string in one of the two string forms."""
    if not any(mark in text for mark in '<>"()'):
        return None, check_email(text, field)
    if _CONTROL.search(text):
        # email.utils would unfold a line break; refuse it rather than guess.
        raise InvalidRequestError(
            f"{field} holds a line break or another control character", field=field
        )
    pairs = email.utils.getaddresses([text])
    if len(pairs) != 1 or not pairs[0][1]:
        raise InvalidRequestError(
            f"{field} is not one address in the form 'Name <address>'; {_FORMS} "
            "(one recipient per item of a list)",
            field=field,
        )
    name, found = pairs[0]
    return _name(name, f"{field} (its name)"), check_email(found, field)


def _mapping(value: Mapping[Any, Any], allowed: tuple[str, ...], field: str) -> None:
    unknown = [key for key in value if key not in allowed]
    if unknown:
        shown = repr(unknown[0])[:40]
        hint = " (write custom_fields)" if unknown[0] == "customFields" else ""
        raise InvalidRequestError(
            f"{field} has an unknown key {shown}{hint}; it takes {', '.join(allowed)}",
            field=field,
        )
    if "email" not in value:
        raise InvalidRequestError(f"{field} has no 'email'; {_FORMS}", field=field)


def address(value: Any, field: str) -> dict[str, str]:
    """``{"email": ..., "name": ...}`` (no ``name`` when there is none) of an address
    in any of its three forms."""
    if isinstance(value, str):
        name, found = _parse(value, field)
    elif isinstance(value, Mapping):
        _mapping(value, _ADDRESS_KEYS, field)
        found = check_email(value["email"], f"{field}.email")
        name = _name(value.get("name"), f"{field}.name")
    else:
        raise InvalidRequestError(
            f"{field} must be an address (got {type(value).__name__}); {_FORMS}", field=field
        )
    return {"email": found} if name is None else {"email": found, "name": name}


def _copies(value: Any, field: str) -> list[str] | None:
    """The plain addresses of ``cc`` or ``bcc`` (SendX keeps no names for them)."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Iterable) or isinstance(items, (bytes, Mapping)):
        raise InvalidRequestError(
            f"{field} must be an address or a list of addresses (got {type(value).__name__})",
            field=field,
        )
    found = []
    for index, item in enumerate(items):
        where = f"{field}[{index}]"
        if not isinstance(item, str):
            raise InvalidRequestError(
                f"{where} must be an address string (got {type(item).__name__})", field=where
            )
        name, plain = _parse(item, where)
        if name is not None:
            raise InvalidRequestError(
                f"{where} has a display name, which SendX does not keep for copies; give "
                "the address alone",
                field=where,
            )
        found.append(plain)
    return found or None


def _placeholders(value: Any, field: str) -> dict[str, str] | None:
    """A recipient's ``custom_fields``: names to values, sent as strings."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"{field} must be a mapping of names to values (got {type(value).__name__})",
            field=field,
        )
    wire: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidRequestError(f"{field} has an empty or non-string name", field=field)
        where = f"{field}[{key!r}]"
        if isinstance(item, Increment):
            raise InvalidRequestError(
                f"{where}: an increment is for identify; a placeholder takes a value",
                field=where,
            )
        try:
            text = custom_field_to_wire(item)
        except (TypeError, ValueError):
            raise InvalidRequestError(
                f"{where} has an unsupported type {type(item).__name__}; use str, int, float "
                "or bool",
                field=where,
            ) from None
        wire[key] = text
    return wire or None


def _recipient(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return address(value, field)
    _mapping(value, _RECIPIENT_KEYS, field)
    wire: dict[str, Any] = address(
        {key: value[key] for key in _ADDRESS_KEYS if key in value}, field
    )
    for key, wire_key, check in (
        ("cc", "cc", _copies),
        ("bcc", "bcc", _copies),
        ("custom_fields", "customFields", _placeholders),
    ):
        checked = check(value.get(key), f"{field}.{key}")
        if checked is not None:
            wire[wire_key] = checked
    return wire


def recipients(value: Any, field: str = "to") -> list[dict[str, Any]]:
    """The wire recipients of ``to``: one recipient, or an iterable of them (at least
    one)."""
    if isinstance(value, (str, Mapping)):
        return [_recipient(value, field)]
    if not isinstance(value, Iterable) or isinstance(value, bytes):
        raise InvalidRequestError(
            f"{field} must be a recipient or a list of them (got {type(value).__name__}); {_FORMS}",
            field=field,
        )
    found = [_recipient(item, f"{field}[{index}]") for index, item in enumerate(value)]
    if not found:
        raise InvalidRequestError(f"{field} needs at least one recipient", field=field)
    return found


def header_values(value: Any, field: str = "headers") -> dict[str, str] | None:
    """Extra headers of an email: token names, one-line values of at most 998
    characters (a line break would let a value add headers of its own)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"{field} must be a mapping of header names to values (got {type(value).__name__})",
            field=field,
        )
    for name, text in value.items():
        if not isinstance(name, str) or _HEADER_NAME.fullmatch(name) is None:
            raise InvalidRequestError(
                f"{field}: {repr(name)[:40]} is not a header name (1 to 100 letters, digits "
                "and !#$%&'*+-.^_`|~)",
                field=field,
            )
        where = f"{field}[{name!r}]"
        if not isinstance(text, str):
            raise InvalidRequestError(
                f"{where} must be a string (got {type(text).__name__})", field=where
            )
        if any(ch in text for ch in "\r\n\x00") or len(text) > MAX_HEADER_VALUE:
            raise InvalidRequestError(
                f"{where} must be one line of at most {MAX_HEADER_VALUE} characters, with no "
                "line break or NUL",
                field=where,
            )
    return dict(value)
