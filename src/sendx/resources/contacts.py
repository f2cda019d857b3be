"""The v1 contact API: identify (create or update) and track (tags).

The methods only declare: validate the arguments, build the wire body, describe the
call. Sending, retrying and decoding happen in the client's shell and core.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
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
from sendx.resources._names import NameCache, drive, drive_async
from sendx.resources._rest import Deleted, Message, TimeoutArg

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._sync import SyncShell
    from sendx.resources.rest_contacts import ContactRecord, RestFieldValue

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
    """``client.contacts``: identify and track (v1); create, get, update, delete,
    unsubscribe and list (REST). Blocking."""

    def __init__(self, shell: SyncShell, names: NameCache | None = None) -> None:
        self._shell = shell
        self._names = names if names is not None else NameCache()

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

    # The REST API (its module loads at the first of these calls)

    def create(
        self,
        *,
        email: str,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        custom_fields: Mapping[str, RestFieldValue] | None = None,
        lists: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        last_tracked_ip: str | None = None,
        timeout: TimeoutArg = None,
    ) -> ContactRecord:
        """Create a contact (REST); an address the team has is a ``ConflictError``.

        ``custom_fields``, ``lists`` and ``tags`` take names or ids; names are looked up
        (tags SendX does not know by id are ignored, as SendX does). Not retried where
        SendX may have made the contact."""
        from sendx.resources import rest_contacts as rc

        plan = rc.plan(
            rc.create_call,
            email=email,
            first_name=first_name,
            last_name=last_name,
            company=company,
            custom_fields=custom_fields,
            lists=lists,
            tags=tags,
            last_tracked_ip=last_tracked_ip,
        )
        call = drive(plan, self._shell, self._names)
        return self._shell.request(call, _timeout(timeout, self._shell.timeout))  # type: ignore[no-any-return]

    def get(self, contact: str, *, timeout: TimeoutArg = None) -> ContactRecord:
        """The contact with this id (``contact_...``) or address."""
        from sendx.resources import rest_contacts as rc

        return self._shell.request(rc.get_call(contact), _timeout(timeout, self._shell.timeout))

    def update(
        self,
        contact: str,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        custom_fields: Mapping[str, RestFieldValue] | None = None,
        lists: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        last_tracked_ip: str | None = None,
        timeout: TimeoutArg = None,
    ) -> ContactRecord:
        """Change a contact (id or address): what is not given is kept; ``tags`` and
        ``lists`` given replace the contact's; ``custom_fields`` are merged."""
        from sendx.resources import rest_contacts as rc

        plan = rc.plan(
            functools.partial(rc.update_call, contact),
            email=email,
            first_name=first_name,
            last_name=last_name,
            company=company,
            custom_fields=custom_fields,
            lists=lists,
            tags=tags,
            last_tracked_ip=last_tracked_ip,
        )
        call = drive(plan, self._shell, self._names)
        return self._shell.request(call, _timeout(timeout, self._shell.timeout))  # type: ignore[no-any-return]

    def delete(self, contact: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a contact (id or address): gone from every read, its address free."""
        from sendx.resources import rest_contacts as rc

        return self._shell.request(rc.delete_call(contact), _timeout(timeout, self._shell.timeout))

    def unsubscribe(self, contact: str, *, timeout: TimeoutArg = None) -> Message:
        """Unsubscribe a contact (id or address) from all marketing email."""
        from sendx.resources import rest_contacts as rc

        return self._shell.request(
            rc.unsubscribe_call(contact), _timeout(timeout, self._shell.timeout)
        )

    def list(self, *, search: str | None = None) -> Pager[ContactRecord]:
        """Every contact, oldest first (``search``: those whose name or address holds
        it), fetched page by page as you iterate; ``.page(offset, limit)`` for one page."""
        from sendx.resources import rest_contacts as rc

        return Pager(self._shell, rc.page_call(search), rc.PAGE_SIZE)


class AsyncContacts:
    """``client.contacts`` of :class:`AsyncSendX`: the same as :class:`Contacts`,
    awaitable."""

    def __init__(self, shell: AsyncShell, names: NameCache | None = None) -> None:
        self._shell = shell
        self._names = names if names is not None else NameCache()

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

    # The REST API (its module loads at the first of these calls)

    async def create(
        self,
        *,
        email: str,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        custom_fields: Mapping[str, RestFieldValue] | None = None,
        lists: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        last_tracked_ip: str | None = None,
        timeout: TimeoutArg = None,
    ) -> ContactRecord:
        """Create a contact (REST); an address the team has is a ``ConflictError``.

        ``custom_fields``, ``lists`` and ``tags`` take names or ids; names are looked up
        (tags SendX does not know by id are ignored, as SendX does). Not retried where
        SendX may have made the contact."""
        from sendx.resources import rest_contacts as rc

        plan = rc.plan(
            rc.create_call,
            email=email,
            first_name=first_name,
            last_name=last_name,
            company=company,
            custom_fields=custom_fields,
            lists=lists,
            tags=tags,
            last_tracked_ip=last_tracked_ip,
        )
        call = await drive_async(plan, self._shell, self._names)
        return await self._shell.request(call, _timeout(timeout, self._shell.timeout))

    async def get(self, contact: str, *, timeout: TimeoutArg = None) -> ContactRecord:
        """The contact with this id (``contact_...``) or address."""
        from sendx.resources import rest_contacts as rc

        return await self._shell.request(
            rc.get_call(contact), _timeout(timeout, self._shell.timeout)
        )

    async def update(
        self,
        contact: str,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        company: str | None = None,
        custom_fields: Mapping[str, RestFieldValue] | None = None,
        lists: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        last_tracked_ip: str | None = None,
        timeout: TimeoutArg = None,
    ) -> ContactRecord:
        """Change a contact (id or address): what is not given is kept; ``tags`` and
        ``lists`` given replace the contact's; ``custom_fields`` are merged."""
        from sendx.resources import rest_contacts as rc

        plan = rc.plan(
            functools.partial(rc.update_call, contact),
            email=email,
            first_name=first_name,
            last_name=last_name,
            company=company,
            custom_fields=custom_fields,
            lists=lists,
            tags=tags,
            last_tracked_ip=last_tracked_ip,
        )
        call = await drive_async(plan, self._shell, self._names)
        return await self._shell.request(call, _timeout(timeout, self._shell.timeout))

    async def delete(self, contact: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a contact (id or address): gone from every read, its address free."""
        from sendx.resources import rest_contacts as rc

        return await self._shell.request(
            rc.delete_call(contact), _timeout(timeout, self._shell.timeout)
        )

    async def unsubscribe(self, contact: str, *, timeout: TimeoutArg = None) -> Message:
        """Unsubscribe a contact (id or address) from all marketing email."""
        from sendx.resources import rest_contacts as rc

        return await self._shell.request(
            rc.unsubscribe_call(contact), _timeout(timeout, self._shell.timeout)
        )

    def list(self, *, search: str | None = None) -> AsyncPager[ContactRecord]:
        """Every contact, oldest first (``search``: those whose name or address holds
        it), fetched page by page as ``async for`` goes; ``await .page(offset,
        limit)`` for one page."""
        from sendx.resources import rest_contacts as rc

        return AsyncPager(self._shell, rc.page_call(search), rc.PAGE_SIZE)


def _timeout(value: Any, default: Timeout) -> Timeout:
    return default if value is None else Timeout.coerce(value, default)
