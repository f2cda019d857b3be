"""What every REST resource shares: ids checked before any I/O, bodies without unset
properties, answers decoded leniently into frozen models.

A REST operation is declared like identify and track: a function checks the
arguments and returns a :class:`~sendx._core.Call` (``rest=True``); the client's shell
sends it. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import msgspec

from sendx._core import Call
from sendx._policies import Timeout
from sendx._validation import check_email
from sendx.errors import InvalidRequestError
from sendx.models import NotAnAnswer

__all__ = [
    "MAX_PAGE",
    "Deleted",
    "TimeoutArg",
    "Message",
    "body",
    "check_id",
    "check_int",
    "check_text",
    "contact_ref",
    "decoder",
    "ids_of",
    "is_id",
    "rest_call",
]

T = TypeVar("T")

#: What every method's ``timeout=`` takes: a ``Timeout``, seconds for both phases, a
#: ``(connect, read)`` pair, or ``None`` for the client's.
TimeoutArg = Timeout | float | tuple[float, float] | None

#: The largest page SendX's REST API serves (and the emulator's limit).
MAX_PAGE = 100
_CORE = re.compile(r"[a-zA-Z0-9]{22}")
_encode = msgspec.json.Encoder().encode


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_id(value: Any, prefix: str, field: str) -> str:
    """``value`` as a canonical id ``prefix`` + 22 letters and digits (the prefix may be
    left out); ``InvalidRequestError`` otherwise. A custom field's ``field_`` spelling
    (how contacts key their values) is taken for ``custom_field_``."""
    if isinstance(value, str):
        core = None
        if value.startswith(prefix):
            core = value[len(prefix) :]
        elif prefix == "custom_field_" and value.startswith("field_"):
            core = value[len("field_") :]
        elif "_" not in value:
            core = value
        if core is not None and _CORE.fullmatch(core):
            return prefix + core
    raise InvalidRequestError(
        f"{field} must be an id such as {prefix}{'A' * 22} ({prefix} and 22 letters or "
        f"digits; got {_shown(value)})",
        field=field,
    )


def is_id(value: str, prefix: str) -> bool:
    """Whether ``value`` is written as an id of this kind (with its prefix)."""
    if value.startswith(prefix):
        return _CORE.fullmatch(value[len(prefix) :]) is not None
    if prefix == "custom_field_" and value.startswith("field_"):
        return _CORE.fullmatch(value[len("field_") :]) is not None
    return False


def contact_ref(value: Any, field: str = "contact") -> str:
    """A contact named by its id (``contact_...``) or its address, as a path segment."""
    if isinstance(value, str) and "@" in value:
        return quote(check_email(value, field), safe="")
    return check_id(value, "contact_", field)


def check_text(value: Any, field: str, *, required: bool = False, max_length: int = 255) -> Any:
    """``None`` (absent) or a string of at most ``max_length`` characters; a required
    one must not be blank."""
    if value is None:
        if required:
            raise InvalidRequestError(f"{field} is required", field=field)
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a string (got {type(value).__name__})", field=field
        )
    if required and not value.strip():
        raise InvalidRequestError(f"{field} must not be empty", field=field)
    if len(value) > max_length:
        raise InvalidRequestError(
            f"{field} is longer than {max_length} characters ({len(value)})", field=field
        )
    return value


def check_int(value: Any, field: str, low: int, high: int) -> int:
    """An int from ``low`` to ``high`` (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequestError(
            f"{field} must be an int from {low} to {high} (got {_shown(value)})", field=field
        )
    return value


def ids_of(values: Iterable[Any] | None, prefix: str, field: str) -> list[str] | None:
    """A list of ids (``None`` stays absent); a bare string is refused, as a list of
    its letters would be sent."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidRequestError(
            f"{field} must be a list of ids (got {type(values).__name__}); for one write "
            f"[{_shown(values)}]",
            field=field,
        )
    return [check_id(value, prefix, f"{field}[{index}]") for index, value in enumerate(values)]


def body(properties: Mapping[str, Any]) -> bytes:
    """The JSON body of ``properties`` (wire names), those that are ``None`` left out:
    an unset property is never sent as ``null``."""
    return _encode({name: value for name, value in properties.items() if value is not None})


def rest_call(
    method: str,
    path: str,
    decode: Callable[[bytes], T],
    *,
    params: tuple[tuple[str, str], ...] = (),
    payload: bytes | None = None,
    idempotent: bool = True,
) -> Call[T]:
    """A REST call (``path`` under ``rest_base_url``, segments already quoted)."""
    return Call(method, path, params, payload, idempotent, decode, rest=True)


# Decoding: fast and strict first, then lenient where SendX is inconsistent.

_DECODERS: dict[Any, Callable[[bytes], Any]] = {}
_MAX_REPAIRS = 64


def decoder(kind: Any) -> Callable[[bytes], Any]:
    """The decoder of answers of type ``kind`` (a model, or ``list[model]``), cached.

    It decodes strictly first (the common case, fast). An answer that does not fit is
    read again leniently: values of another JSON type are converted where that is safe
    (``"3"`` to 3), and a property that still does not fit is dropped (it gets its
    default) rather than failing the whole answer. A body that is not JSON, or JSON of
    another shape (an array for an object), raises :class:`NotAnAnswer`."""
    found = _DECODERS.get(kind)
    if found is not None:
        return found
    strict = msgspec.json.Decoder(kind)

    def decode(raw: bytes) -> Any:
        try:
            return strict.decode(raw)
        except msgspec.ValidationError:
            pass
        except msgspec.DecodeError:
            raise NotAnAnswer("not JSON") from None
        return _lenient(msgspec.json.decode(raw), kind)

    _DECODERS[kind] = decode
    return decode


def _lenient(data: Any, kind: Any) -> Any:
    for _ in range(_MAX_REPAIRS):
        try:
            return msgspec.convert(data, kind, strict=False)
        except msgspec.ValidationError as exc:
            text = str(exc)
            path = text.partition(" - at `")[2].rstrip("`")
            if not _drop(data, path):
                raise NotAnAnswer(f"JSON of another shape ({text})") from None
    raise NotAnAnswer("JSON of another shape (too many values that do not fit)")


_STEP = re.compile(r"\[(\d+)\]|\.([^.\[]+)")


def _drop(data: Any, path: str) -> bool:
    """Remove the value at ``path`` (``$[0].tags[2]``) from ``data``: a property of an
    object, or an item of a list inside an object. The items of the answer's own list
    are never dropped (a page would look short, and paging would stop)."""
    steps = [int(index) if index else key for index, key in _STEP.findall(path.removeprefix("$"))]
    if not steps or (len(steps) == 1 and isinstance(steps[0], int)):
        return False
    parent = data
    for step in steps[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return False
    last = steps[-1]
    if isinstance(last, str) and isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(last, int) and isinstance(parent, list) and last < len(parent):
        del parent[last]
        return True
    return False


class Deleted(msgspec.Struct, frozen=True):
    """SendX's answer to a delete: ``status`` ("success") and its ``message``."""

    status: str = ""
    message: str = ""


class Message(msgspec.Struct, frozen=True):
    """A short answer: ``status`` and ``message`` (unsubscribe, events, ...)."""

    status: str = ""
    message: str = ""
