"""Post tags: ``/post/tag`` and ``/post/tag/{identifier}`` (the tags of blog posts,
apart from contacts' tags).

A post tag is a name, unique in the team. SendX's spec gives the two conflicts two
statuses, and the emulator follows it: a create onto a taken name is 403, a rename
onto one 409. The list has no paging, as SendX's has none. Deleting a post tag takes
it off every post's ``includedTags``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.posts import rewrite_posts
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import Name, PostTagId, Timestamp

__all__ = ["POST_TAGS", "ROUTES"]


class PostTagBody(msgspec.Struct, rename="camel"):
    """A post tag to create."""

    name: Name


class PostTagUpdate(msgspec.Struct, rename="camel"):
    """A post tag's changes."""

    name: Name | msgspec.UnsetType = msgspec.UNSET


class PostTagOut(msgspec.Struct, rename="camel"):
    """A post tag."""

    id: PostTagId
    name: str
    created: Timestamp
    updated: Timestamp


def _delete(request: Request, obj: dict[str, Any]) -> None:
    tag = obj["id"]

    def untag(post: dict[str, Any]) -> dict[str, Any] | None:
        tags = post["includedTags"]
        return {"includedTags": [t for t in tags if t != tag]} if tag in tags else None

    rewrite_posts(request, untag)


POST_TAGS = Collection(
    kind="post_tag",
    path="/post/tag",
    prefix="post_tag_",
    operations="PostTag",
    create=PostTagBody,
    update=PostTagUpdate,
    answer=PostTagOut,
    page=None,
    taken_status=403,
    taken_on_update=409,
    taken_message="A post tag with this name already exists",
    on_delete=_delete,
)
ROUTES = POST_TAGS.routes()
