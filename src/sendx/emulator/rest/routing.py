"""Routes of the REST API: ``(method, path template)`` to a handler, and the match of a
request's path (``/contact/{identifier}``; a literal segment wins over a parameter, so
``/post/category`` is never read as the post ``category``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sendx.emulator.rest.errors import RestError

if TYPE_CHECKING:
    from sendx.emulator.rest.request import Reply, Request

__all__ = ["Handler", "Param", "Route", "Router", "allowed_methods"]

Handler = Callable[["Request"], "Reply"]


@dataclass(frozen=True, slots=True)
class Param:
    """A query or path parameter of an operation, for the OpenAPI document."""

    name: str
    schema: dict[str, Any]
    description: str = ""
    required: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """One operation: its method, path template (under ``/api/v1/rest``), handler and
    SendX's ``operationId``, and what the OpenAPI document says of it: the body's type
    (a msgspec Struct, whose constraints the decoder enforces), the answer's type and
    status, the query parameters, the path parameters whose schema is not an id's (the
    default: :data:`~sendx.emulator.rest.ids.PATH_ID_PATTERN`), the error statuses it
    can answer, and OpenAPI links from its answer to other operations (name ->
    (operationId, parameter -> expression)). ``key`` is False for the postback URLs: no
    ``X-Team-ApiKey``, the team is named by the query's ``team_id`` (which ``query``
    then lists).
    """

    method: str
    path: str
    handler: Handler
    operation: str
    summary: str = ""
    body: Any = None
    answer: Any = None
    status: int = 200
    query: tuple[Param, ...] = ()
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()
    links: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    key: bool = True

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))


class Router:
    """Finds the route of a request; 404 for an unknown path, 405 for a known path
    with another method."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(routes)
        self._literal: dict[tuple[str, str], Route] = {}
        # Templates with parameters, by segment count; literals before parameters.
        self._templates: dict[int, list[tuple[tuple[str, ...], Route]]] = {}
        seen: set[tuple[str, str]] = set()
        for route in self.routes:
            if (route.method, route.path) in seen:
                raise ValueError(f"two routes for {route.method} {route.path}")
            seen.add((route.method, route.path))
            if "{" not in route.path:
                self._literal[route.method, route.path] = route
            else:
                self._templates.setdefault(len(route.segments), []).append((route.segments, route))
        for candidates in self._templates.values():
            candidates.sort(key=lambda item: [part.startswith("{") for part in item[0]])
        self._literal_paths = {path for _, path in self._literal}

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route and the path's parameters (raw segments, percent-decoded)."""
        route = self._literal.get((method, path))
        if route is not None:
            return route, {}
        if path in self._literal_paths:  # a literal path is never a parameter's value
            raise _MethodNotAllowed(method, sorted(m for m, p in self._literal if p == path))
        segments = path.strip("/").split("/")
        allowed: set[str] = set()
        for template, candidate in self._templates.get(len(segments), ()):
            params = _bind(template, segments)
            if params is None:
                continue
            if candidate.method == method:
                return candidate, params
            allowed.add(candidate.method)
        if allowed:
            raise _MethodNotAllowed(method, sorted(allowed))
        raise RestError(404, f"no route {_shown(path)}")


class _MethodNotAllowed(RestError):
    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(405, f"method {method} not allowed; use {', '.join(allowed)}")
        self.allowed = allowed


def _bind(template: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    params: dict[str, Any] = {}
    for part, segment in zip(template, segments, strict=True):
        if part.startswith("{"):
            if not segment:
                return None
            params[part[1:-1]] = segment
        elif part != segment:
            return None
    return params


def _shown(path: str) -> str:
    return path if len(path) <= 200 else path[:197] + "..."


def allowed_methods(error: RestError) -> list[str] | None:
    """The methods a 405 names (for its ``Allow`` header)."""
    return error.allowed if isinstance(error, _MethodNotAllowed) else None
