"""Tags: ``client.tags`` (``/tag``): create, get, update, delete, and list them.

A tag labels contacts (``contacts.create(tags=[...])``, v1's identify and track). It
is named by its id (``tag_...``) or by its name, which the client looks up
(:mod:`sendx.resources._names`).
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

__all__ = ["AsyncTags", "Tag", "Tags"]


class Tag(msgspec.Struct, frozen=True, rename="camel"):
    """A tag: its ``id`` (``tag_...``) and ``name`` (unique in the team)."""

    id: str
    name: str = ""
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


def create_call(name: str) -> Call[Tag]:
    """``POST /tag``: not idempotent (sent twice, the second is a 403: the name is
    taken)."""
    payload = body({"name": check_text(name, "name", required=True)})
    return rest_call("POST", "/tag", decoder(Tag), payload=payload, idempotent=False)


def get_call(tag_id: str) -> Call[Tag]:
    return rest_call("GET", f"/tag/{tag_id}", decoder(Tag))


def update_body(*, name: str | None = None) -> bytes:
    return body({"name": check_text(name, "name")})


def update_call(tag_id: str, payload: bytes) -> Call[Tag]:
    return rest_call("PUT", f"/tag/{tag_id}", decoder(Tag), payload=payload)


def delete_call(tag_id: str) -> Call[Deleted]:
    return rest_call("DELETE", f"/tag/{tag_id}", decoder(Deleted))


def page_call(offset: int, limit: int) -> Call[list[Tag]]:
    params = (("offset", str(offset)), ("limit", str(limit)))
    return rest_call("GET", "/tag", decoder(list[Tag]), params=params)


class Tags(Family):
    """``client.tags``: the team's tags, blocking."""

    _kind, _prefix, _field = "tag", "tag_", "tag_id"

    def create(self, *, name: str, timeout: TimeoutArg = None) -> Tag:
        """Create a tag; a name the team has is a ``PermissionDeniedError`` (403)."""
        created = self._send(create_call(name), timeout)
        self._remember(created)
        return created

    def get(self, tag_id: str, *, timeout: TimeoutArg = None) -> Tag:
        """The tag with this id (or name)."""
        return self._on(self._ref(tag_id), get_call, self._limits(timeout))

    def update(self, tag_id: str, *, name: str | None = None, timeout: TimeoutArg = None) -> Tag:
        """Rename a tag (on every contact that has it); what is not given is kept."""
        ref, limits, payload = self._ref(tag_id), self._limits(timeout), update_body(name=name)
        updated = self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    def delete(self, tag_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a tag: it leaves every contact."""
        return self._delete(self._ref(tag_id), delete_call, self._limits(timeout))

    def list(self) -> Pager[Tag]:
        """Every tag, oldest first, fetched page by page as you iterate
        (``.page(offset, limit)`` for one page)."""
        return Pager(self._shell, page_call, MAX_PAGE)


class AsyncTags(AsyncFamily):
    """``client.tags``: the team's tags, for asyncio."""

    _kind, _prefix, _field = "tag", "tag_", "tag_id"

    async def create(self, *, name: str, timeout: TimeoutArg = None) -> Tag:
        """Create a tag; a name the team has is a ``PermissionDeniedError`` (403)."""
        created = await self._send(create_call(name), timeout)
        self._remember(created)
        return created

    async def get(self, tag_id: str, *, timeout: TimeoutArg = None) -> Tag:
        """The tag with this id (or name)."""
        return await self._on(self._ref(tag_id), get_call, self._limits(timeout))

    async def update(
        self, tag_id: str, *, name: str | None = None, timeout: TimeoutArg = None
    ) -> Tag:
        """Rename a tag (on every contact that has it); what is not given is kept."""
        ref, limits, payload = self._ref(tag_id), self._limits(timeout), update_body(name=name)
        updated = await self._on(ref, functools.partial(update_call, payload=payload), limits)
        self._remember(updated)
        return updated

    async def delete(self, tag_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a tag: it leaves every contact."""
        return await self._delete(self._ref(tag_id), delete_call, self._limits(timeout))

    def list(self) -> AsyncPager[Tag]:
        """Every tag, oldest first, fetched page by page as ``async for`` goes
        (``await .page(offset, limit)`` for one page)."""
        return AsyncPager(self._shell, page_call, MAX_PAGE)
