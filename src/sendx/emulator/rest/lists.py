"""Lists: ``/list`` and ``/list/{identifier}``. A list has a name (unique in the team)
and a ``type`` (0 a single opt-in list; the emulator makes no double opt-in lists);
contacts name their lists by id. Deleting a list takes it off every contact."""

from __future__ import annotations

from typing import Any

import msgspec

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.contacts import rewrite_contacts, without_list
from sendx.emulator.rest.names import check_name
from sendx.emulator.rest.request import Request

__all__ = ["LISTS", "ROUTES"]


class _List(msgspec.Struct, rename="camel"):
    name: str


class _ListUpdate(msgspec.Struct, rename="camel"):
    name: str | msgspec.UnsetType = msgspec.UNSET


def _check(
    request: Request, given: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    check_name(given)
    return {}


def _delete(request: Request, obj: dict[str, Any]) -> None:
    rewrite_contacts(request, lambda contact: without_list(contact, obj["id"]))


LISTS = Collection(
    kind="list",
    path="/list",
    prefix="list_",
    operations="List",
    create=_List,
    update=_ListUpdate,
    defaults=lambda: {"type": 0},
    check=_check,
    on_delete=_delete,
)
ROUTES = LISTS.routes()
