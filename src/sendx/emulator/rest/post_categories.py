"""Post categories: ``/post/category`` and ``/post/category/{identifier}``.

A category is a name, unique in the team: a create or a rename onto a taken name is
refused with 409 (SendX's spec says 409 for the create and gives the update no
conflict status: the emulator answers it the same way). The list has no paging, as
SendX's has none. Deleting a category takes it off every post (its ``postCategory``
becomes ``null``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.posts import rewrite_posts
from sendx.emulator.rest.request import Request
from sendx.emulator.rest.schema import Name, PostCategoryId, Timestamp

__all__ = ["POST_CATEGORIES", "ROUTES"]


class CategoryBody(msgspec.Struct, rename="camel"):
    """A post category to create."""

    name: Name


class CategoryUpdate(msgspec.Struct, rename="camel"):
    """A post category's changes."""

    name: Name | msgspec.UnsetType = msgspec.UNSET


class CategoryOut(msgspec.Struct, rename="camel"):
    """A post category."""

    id: PostCategoryId
    name: str
    created: Timestamp
    updated: Timestamp


def _delete(request: Request, obj: dict[str, Any]) -> None:
    category = obj["id"]
    rewrite_posts(
        request, lambda post: {"postCategory": None} if post["postCategory"] == category else None
    )


POST_CATEGORIES = Collection(
    kind="post_category",
    path="/post/category",
    prefix="post_category_",
    operations="PostCategory",
    plural="PostCategories",
    create=CategoryBody,
    update=CategoryUpdate,
    answer=CategoryOut,
    page=None,
    taken_status=409,
    taken_message="A post category with this name already exists",
    on_delete=_delete,
)
ROUTES = POST_CATEGORIES.routes()
