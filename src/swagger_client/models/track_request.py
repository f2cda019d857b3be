"""``TrackRequest``: the body of a track call."""

from __future__ import annotations

from typing import ClassVar

from swagger_client.models._base import Attribute, Model

__all__ = ["TrackRequest"]


class TrackRequest(Model):
    """Tags to add to and remove from a contact; an empty one is sent as no body."""

    swagger_types: ClassVar[dict[str, str]] = {"add_tags": "list[str]", "remove_tags": "list[str]"}
    attribute_map: ClassVar[dict[str, str]] = {"add_tags": "addTags", "remove_tags": "removeTags"}

    add_tags = Attribute[list[str]]("Tag names to add (automations may start).")
    remove_tags = Attribute[list[str]]("Tag names to remove (automations may start).")

    def __init__(
        self, add_tags: list[str] | None = None, remove_tags: list[str] | None = None
    ) -> None:
        self._add_tags = add_tags
        self._remove_tags = remove_tags
