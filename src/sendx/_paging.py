"""Auto-paging: a REST list as an iterator that fetches its pages lazily.

``client.lists.list()`` returns a :class:`Pager` (``AsyncPager`` on the async client):
iterating it sends ``offset``/``limit`` requests of the largest page the API allows,
one page at a time as the iteration needs it, and stops at the first short page.
``.page(offset=..., limit=...)`` fetches one page only. A list SendX does not page
(senders, webhooks, ...) is fetched whole, once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

from sendx._core import Call
from sendx.errors import InvalidRequestError

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._sync import SyncShell

__all__ = ["AsyncPager", "PageCall", "Pager"]

T = TypeVar("T")

#: Builds the call for one page: ``(offset, limit) -> Call[list[T]]``; ``None`` for a
#: list that SendX does not page (called with ``(0, 0)``).
PageCall = Callable[[int, int], Call[list[T]]]


def _check_page(offset: int, limit: int | None, maximum: int) -> int:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidRequestError(f"offset must be an int >= 0 (got {offset!r})", field="offset")
    if limit is None:
        return maximum
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= maximum:
        raise InvalidRequestError(
            f"limit must be an int from 1 to {maximum} (got {limit!r})", field="limit"
        )
    return limit


class _PagerBase(Generic[T]):
    __slots__ = ("_make", "_page_size", "_paged")

    def __init__(self, make: PageCall[T], page_size: int, *, paged: bool = True) -> None:
        self._make = make
        self._page_size = page_size
        self._paged = paged

    def __repr__(self) -> str:
        kind = f"pages of {self._page_size}" if self._paged else "one answer"
        return f"<{type(self).__name__}: {kind}>"


class Pager(_PagerBase[T]):
    """Every object of a list, fetched page by page as the iteration goes (blocking)."""

    __slots__ = ("_shell",)

    def __init__(
        self, shell: SyncShell, make: PageCall[T], page_size: int, *, paged: bool = True
    ) -> None:
        super().__init__(make, page_size, paged=paged)
        self._shell = shell

    def __iter__(self) -> Iterator[T]:
        if not self._paged:
            yield from self._shell.request(self._make(0, 0))
            return
        offset, size = 0, self._page_size
        while True:
            items = self._shell.request(self._make(offset, size))
            yield from items
            if len(items) < size:
                return
            offset += len(items)

    def page(self, offset: int = 0, limit: int | None = None) -> list[T]:
        """One page: ``limit`` objects (at most the API's maximum, the default) from
        ``offset``; every object at once for a list that SendX does not page."""
        if not self._paged:
            return self._shell.request(self._make(0, 0))
        limit = _check_page(offset, limit, self._page_size)
        return self._shell.request(self._make(offset, limit))


class AsyncPager(_PagerBase[T]):
    """Every object of a list, fetched page by page as ``async for`` goes."""

    __slots__ = ("_shell",)

    def __init__(
        self, shell: AsyncShell, make: PageCall[T], page_size: int, *, paged: bool = True
    ) -> None:
        super().__init__(make, page_size, paged=paged)
        self._shell = shell

    async def __aiter__(self) -> AsyncIterator[T]:
        if not self._paged:
            for item in await self._shell.request(self._make(0, 0)):
                yield item
            return
        offset, size = 0, self._page_size
        while True:
            items = await self._shell.request(self._make(offset, size))
            for item in items:
                yield item
            if len(items) < size:
                return
            offset += len(items)

    async def page(self, offset: int = 0, limit: int | None = None) -> list[T]:
        """One page (see :meth:`Pager.page`)."""
        if not self._paged:
            return await self._shell.request(self._make(0, 0))
        limit = _check_page(offset, limit, self._page_size)
        return await self._shell.request(self._make(offset, limit))
