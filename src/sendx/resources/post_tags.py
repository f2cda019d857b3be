"""Post tags: ``client.post_tags`` (``/post/tag``): create, get, update, delete, and
list the tags of blog posts.

Post tags are not contacts' tags (:mod:`sendx.resources.tags`): the same name may be
both. A post tag is named by its id (``post_tag_...``) or by its name, which the
client looks up. SendX does not page this list: it comes whole, in one answer.
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

__all__ = ["AsyncPostTags", "PostTag", "PostTags"]


class PostTag(msgspec.Struct, frozen=True, rename="camel"):
    """A tag of blog posts: its ``id`` (``post_tag_...``) and ``name`` (unique in the
    team)."""

    id: str
    name: str = ""
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


def create_call(name: str) -> Call[PostTag]:
    """``POST /post/tag``: not idempotent (sent twice, the second is a 403)."""
    payload = body({"name": check_text(name, "name", required=True)})
    return rest_call("POST", "/post/tag", decoder(PostTag), payload=payload, idempotent=False)


def get_call(post_tag_id: str) -> Call[PostTag]:
    return rest_call("GET", f"/post/tag/{post_tag_id}", decoder(PostTag))


def update_body(*, name: str | None = None) -> bytes:
    return body({"name": check_text(name, "name")})


def update_call(post_tag_id: str, payload: bytes) -> Call[PostTag]:
    return rest_call("PUT", f"/post/tag/{post_tag_id}", decoder(PostTag), payload=payload)


def delete_call(post_tag_id: str) -> Call[Deleted]:
    return rest_call("DELETE", f"/post/tag/{post_tag_id}", decoder(Deleted))


def all_call(offset: int, limit: int) -> Call[list[PostTag]]:
    """``GET /post/tag``: every post tag (SendX takes no ``offset`` or ``limit``)."""
    return rest_call("GET", "/post/tag", decoder(list[PostTag]))


class PostTags(Family):
    """``client.post_tags``: the tags of the team's blog posts, blocking."""

    _kind, _prefix, _field = "post_tag", "post_tag_", "post_tag_id"

    def create(self, *, name: str, timeout: TimeoutArg = None) -> PostTag:
        """Create a post tag; a name the team has is a ``PermissionDeniedError``
        (403)."""
        created = self._send(create_call(name), timeout)
        self._remember(created)
        return created

    def get(self, post_tag_id: str, *, timeout: TimeoutArg = None) -> PostTag:
        """The post tag with this id (or name)."""
        return self._on(self._ref(post_tag_id), get_call, self._limits(timeout))

    def update(
        self, post_tag_id: str, *, name: str | None = None, timeout: TimeoutArg = None
    ) -> PostTag:
        """Rename a post tag; a name another one has is a ``ConflictError`` (409)."""
        ref, limits, payload = self._ref(post_tag_id), self._limits(timeout), update_body(name=name)
        updated = self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    def delete(self, post_tag_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a post tag: it leaves every post."""
        return self._delete(self._ref(post_tag_id), delete_call, self._limits(timeout))

    def list(self) -> Pager[PostTag]:
        """Every post tag, oldest first (one request: SendX does not page them)."""
        return Pager(self._shell, all_call, MAX_PAGE, paged=False)


class AsyncPostTags(AsyncFamily):
    """``client.post_tags``: the tags of the team's blog posts, for asyncio."""

    _kind, _prefix, _field = "post_tag", "post_tag_", "post_tag_id"

    async def create(self, *, name: str, timeout: TimeoutArg = None) -> PostTag:
        """Create a post tag; a name the team has is a ``PermissionDeniedError``
        (403)."""
        created = await self._send(create_call(name), timeout)
        self._remember(created)
        return created

    async def get(self, post_tag_id: str, *, timeout: TimeoutArg = None) -> PostTag:
        """The post tag with this id (or name)."""
        return await self._on(self._ref(post_tag_id), get_call, self._limits(timeout))

    async def update(
        self, post_tag_id: str, *, name: str | None = None, timeout: TimeoutArg = None
    ) -> PostTag:
        """Rename a post tag; a name another one has is a ``ConflictError`` (409)."""
        ref, limits, payload = self._ref(post_tag_id), self._limits(timeout), update_body(name=name)
        updated = await self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    async def delete(self, post_tag_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a post tag: it leaves every post."""
        return await self._delete(self._ref(post_tag_id), delete_call, self._limits(timeout))

    def list(self) -> AsyncPager[PostTag]:
        """Every post tag, oldest first (one request: SendX does not page them)."""
        return AsyncPager(self._shell, all_call, MAX_PAGE, paged=False)
