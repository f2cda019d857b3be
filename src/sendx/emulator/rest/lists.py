"""Lists: ``/list`` and ``/list/{identifier}``. A list has a name (unique in the team)
and a ``type`` (0 a single opt-in list; the emulator makes no double opt-in lists);
contacts name their lists by id. Deleting a list takes it off every contact."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.contacts import rewrite_contacts, without_list
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import ListId, Name, Timestamp

__all__ = ["LISTS", "ROUTES"]


class ListBody(msgspec.Struct, rename="camel"):
    """A list to create."""

    name: Name


class ListUpdate(msgspec.Struct, rename="camel"):
    """A list's changes."""

    name: Name | msgspec.UnsetType = msgspec.UNSET


class ListOut(msgspec.Struct, rename="camel"):
    """A list."""

    id: ListId
    name: str
    type: Literal[0, 1]
    created: Timestamp
    updated: Timestamp


def _delete(request: Request, obj: dict[str, Any]) -> None:
    rewrite_contacts(request, lambda contact: without_list(contact, obj["id"]))


LISTS = Collection(
    kind="list",
    path="/list",
    prefix="list_",
    operations="List",
    create=ListBody,
    update=ListUpdate,
    answer=ListOut,
    defaults=lambda: {"type": 0},
    on_delete=_delete,
    search=True,
)
ROUTES = LISTS.routes()
