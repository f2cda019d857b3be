"""Custom fields: ``/customfield`` and ``/customfield/{identifier}``. A field has a
name (unique in the team), a ``type`` (0 text, 1 number, 2 date, 3 boolean, 4 phone)
and a description. Its id is ``custom_field_<22>``; contacts key its values
``field_<22>`` (both forms are taken in paths). v1's identify creates fields by name:
they are these same fields.

A field's type cannot change while contacts hold values for it (they might not fit
the new type): 400. Renaming a field renames it on every contact; deleting it takes
its values off every contact.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.contacts import rewrite_contacts
from sendx.emulator.rest.errors import RestError
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import FieldId, Name, Text, Timestamp
from sendx.emulator.store.fieldtypes import KINDS
from sendx.emulator.store.records import ContactRow

__all__ = ["CUSTOM_FIELDS", "ROUTES"]

#: 0 text, 1 number, 2 date, 3 boolean, 4 phone.
FieldType = Annotated[int, msgspec.Meta(ge=0, le=len(KINDS) - 1)]


class FieldBody(msgspec.Struct, rename="camel"):
    """A custom field to create."""

    name: Name
    type: FieldType
    description: Text | msgspec.UnsetType = msgspec.UNSET


class FieldUpdate(msgspec.Struct, rename="camel"):
    """A custom field's changes."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    type: FieldType | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET


class FieldOut(msgspec.Struct, rename="camel"):
    """A custom field."""

    id: FieldId
    name: str
    type: FieldType
    description: str
    created: Timestamp
    updated: Timestamp


def _check(
    request: Request, given: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    kind = given.get("type")
    if current is not None and kind is not None and kind != current["type"]:
        name = current["name"]
        request.flush()
        if any(name in contact.fields for contact in request.store.contacts(request.team.pk)):
            raise RestError(
                400,
                f"the type of custom field {name!r} cannot change while contacts hold values "
                "for it; create another field",
            )
    return {}


def _renamed(request: Request, old: dict[str, Any], new: dict[str, Any]) -> None:
    before, after = old["name"], new["name"]
    if before == after:
        return

    def rename(contact: ContactRow) -> bool:
        if before not in contact.fields:
            return False
        contact.fields = {after if k == before else k: v for k, v in contact.fields.items()}
        return True

    rewrite_contacts(request, rename)


def _delete(request: Request, obj: dict[str, Any]) -> None:
    name = obj["name"]

    def clear(contact: ContactRow) -> bool:
        return contact.fields.pop(name, None) is not None

    rewrite_contacts(request, clear)


CUSTOM_FIELDS = Collection(
    kind="custom_field",
    path="/customfield",
    prefix="custom_field_",
    operations="CustomField",
    create=FieldBody,
    update=FieldUpdate,
    answer=FieldOut,
    defaults=lambda: {"description": ""},
    check=_check,
    on_update=_renamed,
    on_delete=_delete,
    search=True,
)
ROUTES = CUSTOM_FIELDS.routes()
