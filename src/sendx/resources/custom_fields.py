"""Custom fields: ``client.custom_fields`` (``/customfield``): create, get, update,
delete, and list them.

A field is named by its id or by its name, which the client looks up. Its id is
``custom_field_<22>`` in SendX's answers while contacts key its values ``field_<22>``
(the same 22 characters): both spellings are taken. In paths the client writes
``field_<22>``, the form SendX's spec gives for ``/customfield/{identifier}``.

A field's ``type`` is ``"text"``, ``"number"``, ``"date"``, ``"boolean"`` or
``"phone"`` (the wire's 0 to 4, which are taken too).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any, Literal

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx.errors import InvalidRequestError
from sendx.resources._family import AsyncFamily, Family, check_search
from sendx.resources._rest import (
    MAX_PAGE,
    Deleted,
    TimeoutArg,
    body,
    check_text,
    decoder,
    rest_call,
)

__all__ = ["AsyncCustomFields", "CustomField", "CustomFields", "FieldType", "TYPES"]

#: The types of custom fields, by their number on the wire.
TYPES = ("text", "number", "date", "boolean", "phone")
FieldType = Literal["text", "number", "date", "boolean", "phone"]

_PREFIX = "custom_field_"


class CustomField(msgspec.Struct, frozen=True, rename="camel"):
    """A custom field of contacts: ``id`` (``custom_field_...``), ``name`` (unique in
    the team), ``type`` (0 text, 1 number, 2 date, 3 boolean, 4 phone; other values are
    kept as SendX sends them; :attr:`type_name` names them) and ``description``."""

    id: str
    name: str = ""
    type: int = 0
    description: str = ""
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None

    @property
    def type_name(self) -> str | None:
        """``"text"``, ``"number"``, ``"date"``, ``"boolean"`` or ``"phone"``; ``None``
        for a type this client does not know."""
        return TYPES[self.type] if 0 <= self.type < len(TYPES) else None


def field_type(value: Any, *, required: bool = False) -> int | None:
    """A type given by name or by its number, as the wire's number."""
    if value is None and not required:
        return None
    if isinstance(value, str) and value in TYPES:
        return TYPES.index(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(TYPES):
        return value
    names = ", ".join(repr(name) for name in TYPES)
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    raise InvalidRequestError(
        f"type must be one of {names} (or their numbers, 0 to {len(TYPES) - 1}; got {shown})",
        field="type",
    )


def _path(field_id: str) -> str:
    return f"/customfield/field_{field_id[len(_PREFIX) :]}"


def create_call(
    *, name: str, type: FieldType | int, description: str | None = None
) -> Call[CustomField]:
    """``POST /customfield``: not idempotent (sent twice, the second is a 403: the
    name is taken)."""
    payload = body(
        {
            "name": check_text(name, "name", required=True),
            "type": field_type(type, required=True),
            "description": check_text(description, "description"),
        }
    )
    return rest_call(
        "POST", "/customfield", decoder(CustomField), payload=payload, idempotent=False
    )


def get_call(field_id: str) -> Call[CustomField]:
    return rest_call("GET", _path(field_id), decoder(CustomField))


def update_body(
    *, name: str | None = None, type: FieldType | int | None = None, description: str | None = None
) -> bytes:
    return body(
        {
            "name": check_text(name, "name"),
            "type": field_type(type),
            "description": check_text(description, "description"),
        }
    )


def update_call(field_id: str, payload: bytes) -> Call[CustomField]:
    return rest_call("PUT", _path(field_id), decoder(CustomField), payload=payload)


def delete_call(field_id: str) -> Call[Deleted]:
    return rest_call("DELETE", _path(field_id), decoder(Deleted))


def page_call(search: str | None) -> Any:
    """The page maker of ``GET /customfield`` (``search``: 2 to 100 characters)."""
    search = check_search(search)
    decode = decoder(list[CustomField])

    def make(offset: int, limit: int) -> Call[list[CustomField]]:
        params: tuple[tuple[str, str], ...] = (("offset", str(offset)), ("limit", str(limit)))
        if search is not None:
            params += (("search", search),)
        return rest_call("GET", "/customfield", decode, params=params)

    return make


class CustomFields(Family):
    """``client.custom_fields``: the team's custom fields, blocking."""

    _kind, _prefix, _field = "custom_field", _PREFIX, "custom_field_id"

    def create(
        self,
        *,
        name: str,
        type: FieldType | int,
        description: str | None = None,
        timeout: TimeoutArg = None,
    ) -> CustomField:
        """Create a field; a name the team has is a ``PermissionDeniedError`` (403)."""
        created = self._send(create_call(name=name, type=type, description=description), timeout)
        self._remember(created)
        return created

    def get(self, custom_field_id: str, *, timeout: TimeoutArg = None) -> CustomField:
        """The field with this id (or name)."""
        return self._on(self._ref(custom_field_id), get_call, self._limits(timeout))

    def update(
        self,
        custom_field_id: str,
        *,
        name: str | None = None,
        type: FieldType | int | None = None,
        description: str | None = None,
        timeout: TimeoutArg = None,
    ) -> CustomField:
        """Change a field; what is not given is kept. SendX refuses a new ``type``
        while contacts hold values for the field (``BadRequestError``)."""
        ref, limits = self._ref(custom_field_id), self._limits(timeout)
        payload = update_body(name=name, type=type, description=description)
        updated = self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    def delete(self, custom_field_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a field: its values leave every contact."""
        return self._delete(self._ref(custom_field_id), delete_call, self._limits(timeout))

    def list(self, *, search: str | None = None) -> Pager[CustomField]:
        """Every field, oldest first (``search``: those whose name holds it, in any
        case), fetched page by page as you iterate; ``.page(offset, limit)`` for one
        page."""
        return Pager(self._shell, page_call(search), MAX_PAGE)


class AsyncCustomFields(AsyncFamily):
    """``client.custom_fields``: the team's custom fields, for asyncio."""

    _kind, _prefix, _field = "custom_field", _PREFIX, "custom_field_id"

    async def create(
        self,
        *,
        name: str,
        type: FieldType | int,
        description: str | None = None,
        timeout: TimeoutArg = None,
    ) -> CustomField:
        """Create a field; a name the team has is a ``PermissionDeniedError`` (403)."""
        call = create_call(name=name, type=type, description=description)
        created = await self._send(call, timeout)
        self._remember(created)
        return created

    async def get(self, custom_field_id: str, *, timeout: TimeoutArg = None) -> CustomField:
        """The field with this id (or name)."""
        return await self._on(self._ref(custom_field_id), get_call, self._limits(timeout))

    async def update(
        self,
        custom_field_id: str,
        *,
        name: str | None = None,
        type: FieldType | int | None = None,
        description: str | None = None,
        timeout: TimeoutArg = None,
    ) -> CustomField:
        """Change a field; what is not given is kept. SendX refuses a new ``type``
        while contacts hold values for the field (``BadRequestError``)."""
        ref, limits = self._ref(custom_field_id), self._limits(timeout)
        payload = update_body(name=name, type=type, description=description)
        updated = await self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    async def delete(self, custom_field_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a field: its values leave every contact."""
        ref, limits = self._ref(custom_field_id), self._limits(timeout)
        return await self._delete(ref, delete_call, limits)

    def list(self, *, search: str | None = None) -> AsyncPager[CustomField]:
        """Every field, oldest first (``search``: those whose name holds it, in any
        case), fetched page by page as ``async for`` goes; ``await .page(offset,
        limit)`` for one page."""
        return AsyncPager(self._shell, page_call(search), MAX_PAGE)
