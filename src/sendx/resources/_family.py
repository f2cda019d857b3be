"""What the classes of the REST families share: the object a method is about, named
by its id or (for kinds whose objects have names) by its name, checked before any I/O
and looked up through the client's :class:`~sendx.resources._names.NameCache`.

A name the client remembers may name an object that another client has deleted since
(or deleted and made again, with a new id): SendX then answers 404. The family forgets
that id, looks the name up again and sends the call once more with what it finds, so a
long-lived client does not keep failing on a name that is valid again. Ids given as
ids are never looked up and never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar
from urllib.parse import urlsplit

from sendx._policies import Timeout
from sendx.errors import InvalidRequestError, NotFoundError
from sendx.resources._names import resolve, resolve_async
from sendx.resources._rest import Deleted, TimeoutArg, check_id, check_text, is_id

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._core import Call
    from sendx._sync import SyncShell
    from sendx.resources._names import NameCache

__all__ = [
    "AsyncFamily",
    "Family",
    "Ref",
    "check_bool",
    "check_labels",
    "check_search",
    "check_url",
]

T = TypeVar("T")

#: The object a call is about: its id, or ``None`` and the name to look up.
Ref = tuple[str | None, str | None]

#: The longest URL the client sends (webhooks, images): what browsers and SendX's
#: emulator take.
MAX_URL = 2048


class _Named(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class _Base:
    #: The kind in the name cache (``"tag"``); ``""`` for objects without names.
    _kind: ClassVar[str] = ""
    #: The prefix of the kind's ids (``"tag_"``).
    _prefix: ClassVar[str]
    #: The argument that names the object, in error messages (``"tag_id"``).
    _field: ClassVar[str]
    _names: NameCache

    def _ref(self, value: Any) -> Ref:
        """``value`` checked (no I/O): an id, or a name to look up."""
        if not self._kind:
            return check_id(value, self._prefix, self._field), None
        check_text(value, self._field, required=True)
        if is_id(value, self._prefix):
            return check_id(value, self._prefix, self._field), None
        return None, value

    def _remember(self, obj: _Named) -> None:
        self._names.remember(self._kind, obj.name, obj.id)


class Family(_Base):
    """The base of a family's blocking class (``client.tags``, ...)."""

    def __init__(self, shell: SyncShell, names: NameCache) -> None:
        self._shell = shell
        self._names = names

    def _limits(self, timeout: TimeoutArg) -> Timeout:
        return Timeout.coerce(timeout, self._shell.timeout)

    def _send(self, call: Call[T], timeout: TimeoutArg) -> T:
        return self._shell.request(call, self._limits(timeout))

    def _on(self, ref: Ref, make: Callable[[str], Call[T]], limits: Timeout) -> T:
        """``make(id)`` sent for the object ``ref`` names (a name is looked up first;
        a remembered one that SendX no longer knows, once more)."""
        object_id, name = ref
        if object_id is not None:
            return self._shell.request(make(object_id), limits)
        assert name is not None
        remembered = self._names.id_of(self._kind, name) is not None
        object_id = resolve(self._shell, self._names, self._kind, [name], self._field)[0]
        try:
            return self._shell.request(make(object_id), limits)
        except NotFoundError:
            if not remembered:
                raise
        self._names.forget(self._kind, object_id)
        object_id = resolve(self._shell, self._names, self._kind, [name], self._field)[0]
        return self._shell.request(make(object_id), limits)

    def _delete(self, ref: Ref, make: Callable[[str], Call[Deleted]], limits: Timeout) -> Deleted:
        """:meth:`_on` for a delete: the object's name is forgotten after."""
        used: list[str] = []

        def call(object_id: str) -> Call[Deleted]:
            used.append(object_id)
            return make(object_id)

        deleted = self._on(ref, call, limits)
        if self._kind:
            self._names.forget(self._kind, used[-1])
        return deleted


class AsyncFamily(_Base):
    """The base of a family's asyncio class: :class:`Family`, awaitable."""

    def __init__(self, shell: AsyncShell, names: NameCache) -> None:
        self._shell = shell
        self._names = names

    def _limits(self, timeout: TimeoutArg) -> Timeout:
        return Timeout.coerce(timeout, self._shell.timeout)

    async def _send(self, call: Call[T], timeout: TimeoutArg) -> T:
        return await self._shell.request(call, self._limits(timeout))

    async def _on(self, ref: Ref, make: Callable[[str], Call[T]], limits: Timeout) -> T:
        """:meth:`Family._on`, awaitable."""
        object_id, name = ref
        if object_id is not None:
            return await self._shell.request(make(object_id), limits)
        assert name is not None
        remembered = self._names.id_of(self._kind, name) is not None
        found = await resolve_async(self._shell, self._names, self._kind, [name], self._field)
        try:
            return await self._shell.request(make(found[0]), limits)
        except NotFoundError:
            if not remembered:
                raise
        self._names.forget(self._kind, found[0])
        found = await resolve_async(self._shell, self._names, self._kind, [name], self._field)
        return await self._shell.request(make(found[0]), limits)

    async def _delete(
        self, ref: Ref, make: Callable[[str], Call[Deleted]], limits: Timeout
    ) -> Deleted:
        """:meth:`_on` for a delete: the object's name is forgotten after."""
        used: list[str] = []

        def call(object_id: str) -> Call[Deleted]:
            used.append(object_id)
            return make(object_id)

        deleted = await self._on(ref, call, limits)
        if self._kind:
            self._names.forget(self._kind, used[-1])
        return deleted


# Argument checks the families share (each raises InvalidRequestError naming the field).


def check_bool(value: Any, field: str) -> bool | None:
    """``None`` (absent) or a bool (not 0 or 1: a flag given as a number is a slip)."""
    if value is None or isinstance(value, bool):
        return value
    raise InvalidRequestError(
        f"{field} must be True or False (got {type(value).__name__})", field=field
    )


def check_url(value: Any, field: str, *, required: bool = False) -> str | None:
    """``None`` (absent) or an http(s) URL with a host, of at most 2,048 characters."""
    text: str | None = check_text(value, field, required=required, max_length=MAX_URL)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
        fits = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a bracketed host that is no IPv6 address
        fits = False
    if not fits or any(ch.isspace() for ch in text):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise InvalidRequestError(
            f"{field} must be an http:// or https:// URL with a host (got {shown!r})",
            field=field,
        )
    return text


def check_labels(values: Iterable[Any] | None, field: str) -> list[str] | None:
    """``None`` (absent) or a list of non-empty strings of at most 255 characters; a
    bare string is refused, as a list of its letters would be sent."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidRequestError(
            f"{field} must be a list of strings (got {type(values).__name__}); for one "
            f"write [{values!r}]",
            field=field,
        )
    return [
        check_text(value, f"{field}[{index}]", required=True) for index, value in enumerate(values)
    ]


def check_search(value: Any, max_length: int = 100) -> str | None:
    """``None`` or a ``search`` text of 2 to ``max_length`` characters."""
    if value is None:
        return None
    check_text(value, "search", required=True, max_length=max_length)
    if len(value) < 2:
        raise InvalidRequestError(
            f"search needs at least 2 characters (got {len(value)})", field="search"
        )
    return value  # type: ignore[no-any-return]
