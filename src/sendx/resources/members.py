"""Team members: ``client.members`` (``/team/member``): list them, get one (members
are read-only in SendX's API).

A member is named by its id (``member_...``): a post's author (``posts.create(member=
...)``) is one. SendX does not page this list: it comes whole, in one answer.
"""

from __future__ import annotations

import datetime

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx.resources._family import AsyncFamily, Family
from sendx.resources._rest import MAX_PAGE, TimeoutArg, decoder, rest_call

__all__ = ["AsyncMembers", "Member", "Members"]


class Member(msgspec.Struct, frozen=True, rename="camel"):
    """A member of the team: ``id`` (``member_...``), ``email``, ``user_name``,
    ``full_name`` and ``avatar_url``."""

    id: str
    email: str = ""
    user_name: str = ""
    full_name: str = ""
    avatar_url: str | None = None
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


def get_call(member_id: str) -> Call[Member]:
    return rest_call("GET", f"/team/member/{member_id}", decoder(Member))


def all_call(offset: int, limit: int) -> Call[list[Member]]:
    """``GET /team/member``: every member (SendX takes no ``offset`` or ``limit``)."""
    return rest_call("GET", "/team/member", decoder(list[Member]))


class Members(Family):
    """``client.members``: the members of the team, blocking."""

    _prefix, _field = "member_", "member_id"

    def get(self, member_id: str, *, timeout: TimeoutArg = None) -> Member:
        """The member with this id."""
        return self._on(self._ref(member_id), get_call, self._limits(timeout))

    def list(self) -> Pager[Member]:
        """Every member (one request: SendX does not page them)."""
        return Pager(self._shell, all_call, MAX_PAGE, paged=False)


class AsyncMembers(AsyncFamily):
    """``client.members``: the members of the team, for asyncio."""

    _prefix, _field = "member_", "member_id"

    async def get(self, member_id: str, *, timeout: TimeoutArg = None) -> Member:
        """The member with this id."""
        return await self._on(self._ref(member_id), get_call, self._limits(timeout))

    def list(self) -> AsyncPager[Member]:
        """Every member (one request: SendX does not page them)."""
        return AsyncPager(self._shell, all_call, MAX_PAGE, paged=False)
