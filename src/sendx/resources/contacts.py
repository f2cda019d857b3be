"""The v1 contact API: identify (create or update) and track (tags).

The methods only declare: validate the arguments, build the wire body, describe the
call. Sending, retrying and decoding happen in the client's shell and core.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from sendx._core import Call
from sendx._policies import Timeout
from sendx._validation import (
    check_birthday,
    check_custom_fields,
    check_email,
    check_optional_text,
    check_tags,
    is_increment_text,
)
from sendx.models import (
    Contact,
    ContactRequest,
    Increment,
    TrackRequest,
    custom_field_to_wire,
    decode_contact,
)

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._sync import SyncShell

__all__ = ["AsyncContacts", "Contacts", "identify_call", "track_call"]

CustomFieldValue = str | int | float | bool | Increment
_encode = msgspec.json.Encoder().encode


def identify_call(
    email: str,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    company: str | None = None,
    birthday: datetime.date | str | None = None,
    new_email: str | None = None,
    tags: Iterable[str] | None = None,
    custom_fields: Mapping[str, CustomFieldValue] | None = None,
) -> Call[Contact]:
    """The described ``POST /contact/identify``; raises ``InvalidRequestError``."""
    email = check_email(email)
    fields = check_custom_fields(custom_fields, convert=custom_field_to_wire)
    body = ContactRequest(
        email=email,
        first_name=check_optional_text(first_name, "first_name"),
        last_name=check_optional_text(last_name, "last_name"),
        company=check_optional_text(company, "company"),
        birthday=check_birthday(birthday),
        new_email=None if new_email is None else check_email(new_email, "new_email"),
        tags=check_tags(tags),
        custom_fields=fields,
    )
    # Sending an increment or a rename twice changes the contact twice (or fails with
    # 409), so such a call is retried only where SendX surely did not apply it.
    idempotent = new_email is None and not (
        fields and any(is_increment_text(value) for value in fields.values())
    )
    if idempotent and custom_fields:  # an Increment always counts, whatever its text
        idempotent = not any(isinstance(value, Increment) for value in custom_fields.values())
    final_email = new_email if new_email is not None else email

    def decode(raw: bytes) -> Contact:
        return decode_contact(raw, fallback_email=final_email)

    return Call("POST", "/contact/identify", (), _encode(body), idempotent, decode)


def _ignore(raw: bytes) -> None:
    return None


def track_call(
    email: str, *, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = ()
) -> Call[None]:
    """The described ``POST /contact/track?email=...``; raises ``InvalidRequestError``.

    A call with no tags sends no body at all, as the original client does.
    """
    email = check_email(email)
    add = check_tags(add_tags, "add_tags") or None
    remove = check_tags(remove_tags, "remove_tags") or None
    body = (
        None
        if add is None and remove is None
        else _encode(TrackRequest(add_tags=add, remove_tags=remove))
    )
    return Call("POST", "/contact/track", (("email", email),), body, True, _ignore)


class Contacts:
    """``client.contacts``: identify and track, blocking."""

    def __init__(self, shell: SyncShell) -> None:
        self._shell = shell

    def identify(
        self,
        email: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        birthday: datetime.date | str | None = None,
        new_email: str | None = None,
        tags: Iterable[str] | None = None,
        custom_fields: Mapping[str, CustomFieldValue] | None = None,
        timeout: Timeout | float | tuple[float, float] | None = None,
    ) -> Contact:
        """Create the contact ``email`` or merge into it; return it after the merge.

        Nothing is deleted: ``tags`` are added to the contact's tags, ``custom_fields``
        are set and the others kept. ``new_email`` renames the contact. A custom field
        value may be ``sendx.increment(n)`` / ``sendx.decrement(n)`` for number fields.
        ``timeout`` overrides the client's timeout for this call.
        """
        call = identify_call(
            email,
            first_name=first_name,
            last_name=last_name,
            company=company,
            birthday=birthday,
            new_email=new_email,
            tags=tags,
            custom_fields=custom_fields,
        )
        return self._shell.request(call, _timeout(timeout, self._shell.timeout))

    def track(
        self,
        email: str,
        *,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        timeout: Timeout | float | tuple[float, float] | None = None,
    ) -> None:
        """Add ``add_tags`` to the contact ``email``, then remove ``remove_tags``.

        Tag changes start SendX automations. The contact must exist (else
        ``NotFoundError``).
        """
        call = track_call(email, add_tags=add_tags, remove_tags=remove_tags)
        self._shell.request(call, _timeout(timeout, self._shell.timeout))


class AsyncContacts:
    """``client.contacts`` of :class:`AsyncSendX`: identify and track, awaitable."""

    def __init__(self, shell: AsyncShell) -> None:
        self._shell = shell

    async def identify(
        self,
        email: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        birthday: datetime.date | str | None = None,
        new_email: str | None = None,
        tags: Iterable[str] | None = None,
        custom_fields: Mapping[str, CustomFieldValue] | None = None,
        timeout: Timeout | float | tuple[float, float] | None = None,
    ) -> Contact:
        """Create the contact ``email`` or merge into it; return it after the merge.

        The same as :meth:`Contacts.identify`, awaitable.
        """
        call = identify_call(
            email,
            first_name=first_name,
            last_name=last_name,
            company=company,
            birthday=birthday,
            new_email=new_email,
            tags=tags,
            custom_fields=custom_fields,
        )
        return await self._shell.request(call, _timeout(timeout, self._shell.timeout))

    async def track(
        self,
        email: str,
        *,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        timeout: Timeout | float | tuple[float, float] | None = None,
    ) -> None:
        """Add ``add_tags`` to the contact ``email``, then remove ``remove_tags``.

        The same as :meth:`Contacts.track`, awaitable.
        """
        call = track_call(email, add_tags=add_tags, remove_tags=remove_tags)
        await self._shell.request(call, _timeout(timeout, self._shell.timeout))


def _timeout(value: Any, default: Timeout) -> Timeout:
    return default if value is None else Timeout.coerce(value, default)
