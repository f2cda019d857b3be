"""Placeholders in captured mail: ``{{firstName}}``, ``{{customFields.Plan}}``, ...

A placeholder is a name between double braces, spaces around it allowed. A name is
looked up, for one recipient:

1. ``customFields.NAME``: the custom field NAME only (the recipient's ``customFields``
   in the send's body, then the contact's field of that name);
2. otherwise, in order: the recipient's ``customFields`` in the body; the contact's
   ``firstName``, ``lastName``, ``email``, ``company``, and ``name`` (the recipient's
   name in the body, else the contact's first and last names); the contact's custom
   field of that name.

A ``contact.`` before a name is dropped (``{{contact.firstName}}``, as SendX's examples
write it). A name found nowhere renders as nothing. Values are HTML-escaped in HTML
bodies and put as they are in subjects, preheaders and text bodies.

The values are looked up when the mail is captured, and kept with the message: a
message reads the same later, whatever happens to its contact.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from sendx.emulator.store.records import ContactRow

__all__ = ["placeholders", "render", "values"]

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_CONTACT = "contact."
_FIELD = "customFields."


def placeholders(texts: Iterable[str | None]) -> set[str]:
    """The names of the placeholders in ``texts``."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(_PLACEHOLDER.findall(text))
    return found


def values(
    names: Iterable[str],
    *,
    email: str,
    name: str | None,
    fields: Mapping[str, str],
    contact: ContactRow | None,
) -> dict[str, str]:
    """What each placeholder renders as for one recipient (``email``, ``name`` and
    ``fields`` as the send's body gives them; ``contact`` when the address is one of the
    team's contacts); names that render as nothing are left out."""
    found: dict[str, str] = {}
    for placeholder in names:
        value = _lookup(placeholder, email=email, name=name, fields=fields, contact=contact)
        if value:
            found[placeholder] = value
    return found


def _lookup(
    placeholder: str,
    *,
    email: str,
    name: str | None,
    fields: Mapping[str, str],
    contact: ContactRow | None,
) -> str | None:
    key = placeholder.removeprefix(_CONTACT)
    contact_fields = contact.fields if contact is not None else {}
    if key.startswith(_FIELD):
        field = key[len(_FIELD) :]
        return fields.get(field, contact_fields.get(field))
    if key in fields:
        return fields[key]
    if key == "email":
        return email
    if key == "name":
        if name:
            return name
        if contact is None:
            return None
        return " ".join(part for part in (contact.first_name, contact.last_name) if part)
    if contact is not None:
        if key == "firstName":
            return contact.first_name
        if key == "lastName":
            return contact.last_name
        if key == "company":
            return contact.company
    return contact_fields.get(key)


def render(text: str | None, found: Mapping[str, str], *, escape: bool) -> str | None:
    """``text`` with its placeholders replaced by ``found`` (what :func:`values`
    gave); escaped for HTML when ``escape``."""
    if not text:
        return text

    def one(match: re.Match[str]) -> str:
        value = found.get(match.group(1), "")
        return html.escape(value) if escape else value

    return _PLACEHOLDER.sub(one, text)
