"""Names for ids: where the REST API wants tag, list or custom-field ids (or post tag
and post category ids), a client takes names too, and looks them up; so it does for
the object a method is about, of every kind whose objects have names (a template, a
post, ...).

A client keeps, per kind, the names it has seen with their ids. A name it does not know
makes it list that kind again (all pages) before deciding: so an object created
elsewhere is found, and a name that is still unknown is an ``InvalidRequestError``
naming it. Ids (with their prefix) are taken as they are, without a lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from sendx._paging import AsyncPager, Pager
from sendx.errors import InvalidRequestError
from sendx.resources._rest import MAX_PAGE, check_id, decoder, is_id, rest_call

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._core import Call
    from sendx._sync import SyncShell

__all__ = [
    "KINDS",
    "Lookup",
    "NameCache",
    "check_names",
    "drive",
    "drive_async",
    "resolve",
    "resolve_async",
]


T = TypeVar("T")


class _Named(msgspec.Struct):
    id: str
    name: str


#: kind -> (id prefix, list path, what to call it in messages, how to create one,
#: whether SendX pages its list).
KINDS: dict[str, tuple[str, str, str, str, bool]] = {
    "tag": ("tag_", "/tag", "tag", "client.tags.create(name=...)", True),
    "list": ("list_", "/list", "list", "client.lists.create(name=...)", True),
    "custom_field": (
        "custom_field_",
        "/customfield",
        "custom field",
        "client.custom_fields.create(name=..., type=...)",
        True,
    ),
    "template": (
        "template_",
        "/template/email",
        "template",
        "client.templates.create(name=..., subject=...)",
        True,
    ),
    "post": ("post_", "/post", "post", "client.posts.create(name=..., post_title=...)", True),
    "post_category": (
        "post_category_",
        "/post/category",
        "post category",
        "client.post_categories.create(name=...)",
        False,
    ),
    "post_tag": ("post_tag_", "/post/tag", "post tag", "client.post_tags.create(name=...)", False),
    "campaign": ("campaign_", "/campaign", "campaign", "client.campaigns.create(...)", True),
}


def _pager_args(kind: str) -> tuple[Any, int, bool]:
    """What a :class:`Pager` of ``kind`` needs: its page maker, size and pagedness (a
    list SendX does not page is asked for without ``offset`` and ``limit``)."""
    _, path, _, _, paged = KINDS[kind]
    decode = decoder(list[_Named])

    def make(offset: int, limit: int) -> Call[list[_Named]]:
        params = (("offset", str(offset)), ("limit", str(limit))) if paged else ()
        return rest_call("GET", path, decode, params=params)

    return make, MAX_PAGE, paged


class NameCache:
    """The names a client has seen, per kind, with their ids (thread-safe)."""

    def __init__(self) -> None:
        self._ids: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def id_of(self, kind: str, name: str) -> str | None:
        return self._ids.get(kind, {}).get(name)

    def learn(self, kind: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Replace what is known of ``kind`` with these ``(name, id)`` pairs."""
        with self._lock:
            self._ids[kind] = dict(pairs)

    def remember(self, kind: str, name: str, object_id: str) -> None:
        """One object just created or renamed (its old name is forgotten)."""
        with self._lock:
            known = self._ids.setdefault(kind, {})
            for old in [old for old, known_id in known.items() if known_id == object_id]:
                del known[old]
            known[name] = object_id

    def forget(self, kind: str, object_id: str) -> None:
        """An object deleted, or that SendX no longer knows: its name is looked up
        again at its next use."""
        with self._lock:
            known = self._ids.get(kind, {})
            for old in [old for old, known_id in known.items() if known_id == object_id]:
                del known[old]


def _split(kind: str, values: Iterable[Any], field: str) -> list[tuple[str | None, str]]:
    """``(id, name)`` per value: ids as they are, names to look up."""
    prefix = KINDS[kind][0]
    if isinstance(values, (str, bytes)):
        raise InvalidRequestError(
            f"{field} must be a list (got {type(values).__name__}); for one write [{values!r}]",
            field=field,
        )
    found: list[tuple[str | None, str]] = []
    for index, value in enumerate(values):
        where = f"{field}[{index}]"
        if not isinstance(value, str) or not value.strip():
            raise InvalidRequestError(
                f"{where} must be a name or an id (got {value!r})", field=where
            )
        if is_id(value, prefix):
            found.append((check_id(value, prefix, where), value))
        else:
            found.append((None, value))
    return found


def _finish(
    cache: NameCache, kind: str, split: list[tuple[str | None, str]], field: str
) -> list[str]:
    ids = []
    _, _, noun, create, _ = KINDS[kind]
    for object_id, name in split:
        if object_id is None:
            object_id = cache.id_of(kind, name)
            if object_id is None:
                shown = name if len(name) <= 60 else name[:57] + "..."
                raise InvalidRequestError(
                    f"{field}: the team has no {noun} named {shown!r}; create it first "
                    f"({create}) or pass its id",
                    field=field,
                )
        ids.append(object_id)
    return ids


def _misses(cache: NameCache, kind: str, split: list[tuple[str | None, str]]) -> bool:
    return any(oid is None and cache.id_of(kind, name) is None for oid, name in split)


def check_names(kind: str, values: Iterable[Any] | None, field: str) -> list[Any] | None:
    """``values`` as a list, each a non-empty string (a name or an id of ``kind``),
    checked before any lookup; ``None`` stays absent."""
    if values is None:
        return None
    found = list(values) if not isinstance(values, (str, bytes)) else values
    _split(kind, found, field)
    return list(found)


#: A lookup a call needs before it can be built: ``(kind, names or ids, field)``.
Lookup = tuple[str, list[Any], str]


def drive(plan: Generator[Lookup, list[str], T], shell: SyncShell, cache: NameCache) -> T:
    """Run a plan (a generator that yields the lookups it needs and returns the call)
    with blocking lookups."""
    try:
        lookup = next(plan)
        while True:
            lookup = plan.send(resolve(shell, cache, *lookup))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


async def drive_async(
    plan: Generator[Lookup, list[str], T], shell: AsyncShell, cache: NameCache
) -> T:
    """:func:`drive`, with the async client's lookups."""
    try:
        lookup = next(plan)
        while True:
            lookup = plan.send(await resolve_async(shell, cache, *lookup))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def resolve(
    shell: SyncShell, cache: NameCache, kind: str, values: Iterable[Any], field: str
) -> list[str]:
    """The ids of ``values`` (names or ids), in order; listing ``kind`` again if a name
    is not known yet."""
    split = _split(kind, values, field)
    if _misses(cache, kind, split):
        make, size, paged = _pager_args(kind)
        items = Pager(shell, make, size, paged=paged)
        cache.learn(kind, ((item.name, item.id) for item in items))
    return _finish(cache, kind, split, field)


async def resolve_async(
    shell: AsyncShell, cache: NameCache, kind: str, values: Iterable[Any], field: str
) -> list[str]:
    """:func:`resolve`, for the async client."""
    split = _split(kind, values, field)
    if _misses(cache, kind, split):
        make, size, paged = _pager_args(kind)
        pager = AsyncPager(shell, make, size, paged=paged)
        cache.learn(kind, [(item.name, item.id) async for item in pager])
    return _finish(cache, kind, split, field)
