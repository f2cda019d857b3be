"""Lists: ``client.lists`` (``/list``): create, get, update, delete, and list them.

A list is named by its id (``list_...``) or by its name, which the client looks up
(:mod:`sendx.resources._names`).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx._policies import Timeout
from sendx.resources._family import check_search
from sendx.resources._names import NameCache, resolve, resolve_async
from sendx.resources._rest import (
    MAX_PAGE,
    Deleted,
    TimeoutArg,
    body,
    check_text,
    decoder,
    is_id,
    rest_call,
)

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._sync import SyncShell

__all__ = ["AsyncLists", "ContactList", "Lists"]


class ContactList(msgspec.Struct, frozen=True, rename="camel"):
    """A list of contacts. ``type`` is 0 for a single opt-in list, 1 for double opt-in
    (other values are kept as SendX sends them)."""

    id: str
    name: str = ""
    type: int = 0
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


def create_call(name: str) -> Call[ContactList]:
    """``POST /list``: not idempotent (sent twice, it would make two lists, or a 403)."""
    payload = body({"name": check_text(name, "name", required=True)})
    return rest_call("POST", "/list", decoder(ContactList), payload=payload, idempotent=False)


def get_call(list_id: str) -> Call[ContactList]:
    return rest_call("GET", f"/list/{list_id}", decoder(ContactList))


def update_call(list_id: str, *, name: str | None = None) -> Call[ContactList]:
    payload = body({"name": check_text(name, "name")})
    return rest_call("PUT", f"/list/{list_id}", decoder(ContactList), payload=payload)


def delete_call(list_id: str) -> Call[Deleted]:
    return rest_call("DELETE", f"/list/{list_id}", decoder(Deleted))


def page_call(search: str | None = None) -> Any:
    """The page maker of ``GET /list`` (``search``: 2 to 100 characters)."""
    search = check_search(search)
    decode = decoder(list[ContactList])

    def make(offset: int, limit: int) -> Call[list[ContactList]]:
        params: tuple[tuple[str, str], ...] = (("offset", str(offset)), ("limit", str(limit)))
        if search is not None:
            params += (("search", search),)
        return rest_call("GET", "/list", decode, params=params)

    return make


def _check(value: Any) -> None:
    # An id or a name: both are strings; which one is decided by the lookup.
    check_text(value, "list_id", required=True)


class Lists:
    """``client.lists``: SendX's lists, blocking."""

    def __init__(self, shell: SyncShell, names: NameCache) -> None:
        self._shell = shell
        self._names = names

    def _id(self, value: str) -> str:
        _check(value)
        if is_id(value, "list_"):
            return value
        return resolve(self._shell, self._names, "list", [value], "list_id")[0]

    def create(self, *, name: str, timeout: TimeoutArg = None) -> ContactList:
        """Create a list; a name the team has is a ``PermissionDeniedError`` (403)."""
        created = self._shell.request(
            create_call(name), Timeout.coerce(timeout, self._shell.timeout)
        )
        self._names.remember("list", created.name, created.id)
        return created

    def get(self, list_id: str, *, timeout: TimeoutArg = None) -> ContactList:
        """The list with this id (or name)."""
        return self._shell.request(
            get_call(self._id(list_id)), Timeout.coerce(timeout, self._shell.timeout)
        )

    def update(
        self, list_id: str, *, name: str | None = None, timeout: TimeoutArg = None
    ) -> ContactList:
        """Rename a list; what is not given is kept."""
        call = update_call(self._id(list_id), name=name)
        updated = self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))
        self._names.remember("list", updated.name, updated.id)
        return updated

    def delete(self, list_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a list: it leaves every contact."""
        return self._shell.request(
            delete_call(self._id(list_id)), Timeout.coerce(timeout, self._shell.timeout)
        )

    def list(self, *, search: str | None = None) -> Pager[ContactList]:
        """Every list, oldest first (``search``: those whose name holds it, in any
        case), fetched page by page as you iterate; ``.page(offset, limit)`` for one
        page."""
        return Pager(self._shell, page_call(search), MAX_PAGE)


class AsyncLists:
    """``client.lists``: SendX's lists, for asyncio."""

    def __init__(self, shell: AsyncShell, names: NameCache) -> None:
        self._shell = shell
        self._names = names

    async def _id(self, value: str) -> str:
        _check(value)
        if is_id(value, "list_"):
            return value
        return (await resolve_async(self._shell, self._names, "list", [value], "list_id"))[0]

    async def create(self, *, name: str, timeout: TimeoutArg = None) -> ContactList:
        """Create a list; a name the team has is a ``PermissionDeniedError`` (403)."""
        created = await self._shell.request(
            create_call(name), Timeout.coerce(timeout, self._shell.timeout)
        )
        self._names.remember("list", created.name, created.id)
        return created

    async def get(self, list_id: str, *, timeout: TimeoutArg = None) -> ContactList:
        """The list with this id (or name)."""
        call = get_call(await self._id(list_id))
        return await self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))

    async def update(
        self, list_id: str, *, name: str | None = None, timeout: TimeoutArg = None
    ) -> ContactList:
        """Rename a list; what is not given is kept."""
        call = update_call(await self._id(list_id), name=name)
        updated = await self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))
        self._names.remember("list", updated.name, updated.id)
        return updated

    async def delete(self, list_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a list: it leaves every contact."""
        call = delete_call(await self._id(list_id))
        return await self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))

    def list(self, *, search: str | None = None) -> AsyncPager[ContactList]:
        """Every list, oldest first (``search``: those whose name holds it, in any
        case), fetched page by page as ``async for`` goes; ``await .page(offset,
        limit)`` for one page."""
        return AsyncPager(self._shell, page_call(search), MAX_PAGE)
