"""Post categories: ``client.post_categories`` (``/post/category``): create, get,
update, delete, and list the categories of blog posts.

A category is named by its id (``post_category_...``) or by its name, which the client
looks up. SendX does not page this list: it comes whole, in one answer.
"""

from __future__ import annotations

import datetime
import functools

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx.resources._family import AsyncFamily, Family
from sendx.resources._rest import (
    MAX_PAGE,
    Deleted,
    TimeoutArg,
    body,
    check_text,
    decoder,
    rest_call,
)

__all__ = ["AsyncPostCategories", "PostCategories", "PostCategory"]

_PATH = "/post/category"


class PostCategory(msgspec.Struct, frozen=True, rename="camel"):
    """A category of blog posts: its ``id`` (``post_category_...``) and ``name``
    (unique in the team)."""

    id: str
    name: str = ""
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


def create_call(name: str) -> Call[PostCategory]:
    """``POST /post/category``: not idempotent (sent twice, the second is a 409)."""
    payload = body({"name": check_text(name, "name", required=True)})
    return rest_call("POST", _PATH, decoder(PostCategory), payload=payload, idempotent=False)


def get_call(post_category_id: str) -> Call[PostCategory]:
    return rest_call("GET", f"{_PATH}/{post_category_id}", decoder(PostCategory))


def update_body(*, name: str | None = None) -> bytes:
    return body({"name": check_text(name, "name")})


def update_call(post_category_id: str, payload: bytes) -> Call[PostCategory]:
    return rest_call("PUT", f"{_PATH}/{post_category_id}", decoder(PostCategory), payload=payload)


def delete_call(post_category_id: str) -> Call[Deleted]:
    return rest_call("DELETE", f"{_PATH}/{post_category_id}", decoder(Deleted))


def all_call(offset: int, limit: int) -> Call[list[PostCategory]]:
    """``GET /post/category``: every category (SendX takes no ``offset`` or
    ``limit``)."""
    return rest_call("GET", _PATH, decoder(list[PostCategory]))


class PostCategories(Family):
    """``client.post_categories``: the categories of the team's blog posts, blocking."""

    _kind, _prefix, _field = "post_category", "post_category_", "post_category_id"

    def create(self, *, name: str, timeout: TimeoutArg = None) -> PostCategory:
        """Create a category; a name the team has is a ``ConflictError`` (409)."""
        created = self._send(create_call(name), timeout)
        self._remember(created)
        return created

    def get(self, post_category_id: str, *, timeout: TimeoutArg = None) -> PostCategory:
        """The category with this id (or name)."""
        return self._on(self._ref(post_category_id), get_call, self._limits(timeout))

    def update(
        self, post_category_id: str, *, name: str | None = None, timeout: TimeoutArg = None
    ) -> PostCategory:
        """Rename a category; a name another one has is a ``ConflictError`` (409)."""
        ref, limits = self._ref(post_category_id), self._limits(timeout)
        payload = update_body(name=name)
        updated = self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    def delete(self, post_category_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a category: its posts are left without one."""
        return self._delete(self._ref(post_category_id), delete_call, self._limits(timeout))

    def list(self) -> Pager[PostCategory]:
        """Every category, oldest first (one request: SendX does not page them)."""
        return Pager(self._shell, all_call, MAX_PAGE, paged=False)


class AsyncPostCategories(AsyncFamily):
    """``client.post_categories``: the categories of the team's blog posts, for
    asyncio."""

    _kind, _prefix, _field = "post_category", "post_category_", "post_category_id"

    async def create(self, *, name: str, timeout: TimeoutArg = None) -> PostCategory:
        """Create a category; a name the team has is a ``ConflictError`` (409)."""
        created = await self._send(create_call(name), timeout)
        self._remember(created)
        return created

    async def get(self, post_category_id: str, *, timeout: TimeoutArg = None) -> PostCategory:
        """The category with this id (or name)."""
        return await self._on(self._ref(post_category_id), get_call, self._limits(timeout))

    async def update(
        self, post_category_id: str, *, name: str | None = None, timeout: TimeoutArg = None
    ) -> PostCategory:
        """Rename a category; a name another one has is a ``ConflictError`` (409)."""
        ref, limits = self._ref(post_category_id), self._limits(timeout)
        payload = update_body(name=name)
        updated = await self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    async def delete(self, post_category_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a category: its posts are left without one."""
        ref, limits = self._ref(post_category_id), self._limits(timeout)
        return await self._delete(ref, delete_call, limits)

    def list(self) -> AsyncPager[PostCategory]:
        """Every category, oldest first (one request: SendX does not page them)."""
        return AsyncPager(self._shell, all_call, MAX_PAGE, paged=False)
