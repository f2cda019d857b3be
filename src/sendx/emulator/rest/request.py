"""What a REST handler gets and gives: the :class:`Request` (its team, parameters,
body, time, and the emulator's state) and the :class:`Reply`.

A handler is a plain function: it checks everything first, then stages its changes in
the store; the API answers once the group they belong to is committed
(:mod:`sendx.emulator.rest.api`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from sendx.emulator.rest.errors import NOT_FOUND, NOT_PROPER_FORMAT, RestError
from sendx.emulator.rest.ids import path_id
from sendx.emulator.rest.schema import PATTERN_WORDS

if TYPE_CHECKING:
    from sendx.emulator.rest.api import RestApi
    from sendx.emulator.store.database import Store
    from sendx.emulator.store.objects import Objects
    from sendx.emulator.store.records import TeamRow

__all__ = ["Page", "Reply", "Request", "deleted", "required_message"]

T = TypeVar("T")

_DECODERS: dict[type[Any], msgspec.json.Decoder[Any]] = {}


@dataclass(slots=True)
class Reply:
    """A handler's answer: the status, the JSON payload, and what to run once the
    request's changes are committed (webhooks)."""

    status: int
    payload: Any
    after: Callable[[], None] | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """The ``offset`` and ``limit`` of a list request."""

    offset: int
    limit: int

    def slice(self, items: list[T]) -> list[T]:
        return items[self.offset : self.offset + self.limit]


def deleted(what: str) -> Reply:
    """SendX's answer to a delete: ``{"status": "success", "message": ...}``."""
    return Reply(200, {"status": "success", "message": f"{what} has been deleted successfully"})


def required_message(error: str) -> str | None:
    """The property named by msgspec's "Object missing required field `x`", or None."""
    prefix = "Object missing required field `"
    if error.startswith(prefix) and error.endswith("`"):
        return error[len(prefix) : -1]
    return None


class Request:
    """One REST request, checked as far as its route, key and body size."""

    __slots__ = ("api", "at", "body", "method", "params", "query", "team")

    def __init__(
        self,
        api: RestApi,
        team: TeamRow,
        method: str,
        params: dict[str, str],
        query: dict[str, str],
        body: bytes,
        at: str,
    ) -> None:
        self.api = api
        self.team = team
        self.method = method
        self.params = params
        self.query = query
        self.body = body
        self.at = at
        """The request's time, as every time the emulator writes."""

    @property
    def store(self) -> Store:
        return self.api.store

    @property
    def objects(self) -> Objects:
        return self.api.store.objects

    def json(self, kind: type[T]) -> T:
        """The body decoded as ``kind`` (a msgspec Struct; unknown properties ignored).

        Not JSON, not an object, or a value of the wrong type: 422 "Request body is not
        in proper format" (with where); a required property missing: 400 "<name> is
        required"; a value out of the bounds the Struct declares (a length, a range):
        400 saying which."""
        decoder = _DECODERS.get(kind)
        if decoder is None:
            decoder = _DECODERS[kind] = msgspec.json.Decoder(kind)
        if not self.body.strip():
            raise RestError(422, f"{NOT_PROPER_FORMAT}: the body must be a JSON object")
        try:
            try:
                value: T = decoder.decode(self.body)
                return value
            except msgspec.ValidationError as exc:
                if not str(exc).startswith("Expected `int`, got `float`"):
                    raise
            # JSON has numbers, not ints: 3.0 is the integer 3 (as JSON Schema, and so
            # the OpenAPI document, reads it). Rare: decoded again, integral floats as ints.
            return msgspec.convert(_integral(msgspec.json.decode(self.body)), kind)
        except msgspec.ValidationError as exc:
            raise _refusal(str(exc)) from None
        except (msgspec.DecodeError, RecursionError):
            raise RestError(422, f"{NOT_PROPER_FORMAT}: the body is not valid JSON") from None

    def page(self, default: int, maximum: int) -> Page:
        """``offset`` (0 and up) and ``limit`` (1 to ``maximum``) from the query; 400
        when either is not such an integer. A limit over the maximum is refused, not
        cut: a client that stops at the first short page would stop too early."""
        return Page(
            _integer(self.query, "offset", 0, 0, 1_000_000_000),
            _integer(self.query, "limit", default, 1, maximum),
        )

    def id(self, prefix: str, name: str = "identifier") -> str:
        """The path parameter ``name`` as a canonical id of this kind; 400 if it is no
        id, 404 if it is one of another kind."""
        found = path_id(self.params[name], prefix)
        if found is None:
            raise RestError(404, NOT_FOUND)
        return found

    def flush(self) -> None:
        """Commit the requests waiting for their group, for a read of the whole
        database (a 500, as theirs, if that commit fails)."""
        try:
            self.api.groups.flush()
        except Exception as exc:
            raise RestError(500, f"the emulator could not commit: {exc}") from None


def _bounds_message(text: str) -> str:
    """msgspec's message for a value out of its bounds, with a pattern said in words."""
    head, _, where = text.partition(" - at `")
    if " matching regex " in head:
        pattern = head.split(" matching regex ", 1)[1]
        try:
            words = PATTERN_WORDS.get(ast.literal_eval(pattern))
        except (ValueError, SyntaxError):
            words = None
        if words is not None and where:
            return f"{where.rstrip('`')} {words}"
    return _lower_first(text)


def _refusal(text: str) -> RestError:
    """The answer to a body msgspec refused with ``text``."""
    missing = required_message(text)
    if missing is not None:
        return RestError(400, f"{missing} is required")
    if ", got `" in text or text.startswith("Object contains unknown field"):
        # The wrong JSON type: the body is not what the operation takes.
        return RestError(422, f"{NOT_PROPER_FORMAT}: {_lower_first(text)}")
    # The right type, out of its bounds (a length, a range, a pattern).
    return RestError(400, _bounds_message(text))


def _integral(value: Any) -> Any:
    """``value`` (decoded JSON) with integral floats as ints, anywhere inside."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_integral(item) for item in value]
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    return value


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _integer(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 10) or not low <= int(text) <= high:
        raise RestError(400, f"{name} must be an integer from {low} to {high} (got {text[:20]!r})")
    return int(text)
