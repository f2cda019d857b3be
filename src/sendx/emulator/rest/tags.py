"""Tags: ``/tag`` and ``/tag/{identifier}``. The v1 API attaches tags by name and
creates them on first use; they are these same tags. Renaming a tag renames it on
every contact; deleting it takes it off every contact (no ``tag_removed`` events: the
contacts did not change, the catalogue did)."""

from __future__ import annotations

from typing import Any

import msgspec

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.contacts import rewrite_contacts
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import Name, TagId, Timestamp
from sendx.emulator.store.records import ContactRow

__all__ = ["ROUTES", "TAGS"]


class TagBody(msgspec.Struct, rename="camel"):
    """A tag to create."""

    name: Name


class TagUpdate(msgspec.Struct, rename="camel"):
    """A tag's changes."""

    name: Name | msgspec.UnsetType = msgspec.UNSET


class TagOut(msgspec.Struct, rename="camel"):
    """A tag."""

    id: TagId
    name: str
    created: Timestamp
    updated: Timestamp


def _renamed(request: Request, old: dict[str, Any], new: dict[str, Any]) -> None:
    before, after = old["name"], new["name"]
    if before == after:
        return

    def rename(contact: ContactRow) -> bool:
        if before not in contact.tags:
            return False
        contact.tags = [after if tag == before else tag for tag in contact.tags]
        return True

    rewrite_contacts(request, rename)


def _delete(request: Request, obj: dict[str, Any]) -> None:
    name = obj["name"]

    def untag(contact: ContactRow) -> bool:
        if name not in contact.tags:
            return False
        contact.tags = [tag for tag in contact.tags if tag != name]
        return True

    rewrite_contacts(request, untag)


TAGS = Collection(
    kind="tag",
    path="/tag",
    prefix="tag_",
    operations="Tag",
    create=TagBody,
    update=TagUpdate,
    answer=TagOut,
    on_update=_renamed,
    on_delete=_delete,
)
ROUTES = TAGS.routes()
