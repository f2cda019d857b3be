"""The REST part of the emulator's OpenAPI document, generated from the routes.

Every :class:`~sendx.emulator.rest.routing.Route` carries what the document says of it
(its body and answer Structs, status, query and path parameters, error statuses and
links), and the body Structs are what the decoder enforces: the document and the
checks cannot drift. The component schemas come from msgspec
(:func:`msgspec.json.schema_components`), JSON Schema 2020-12 as OpenAPI 3.1 takes it
as is, named ``Rest...`` so that they never meet the v1 ones.

What every operation can answer besides its route's own statuses: 400 for a path or
query string that is not UTF-8, 401 without a valid ``X-Team-ApiKey``, 413 (but a
GET, whose body is not read), 414 and 431 past the body, query and header limits, and
500 when the database cannot commit.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec

from sendx.emulator.http.asgi import MAX_QUERY
from sendx.emulator.rest import routes
from sendx.emulator.rest.api import REST_PREFIX
from sendx.emulator.rest.errors import AUTH_MESSAGE
from sendx.emulator.rest.ids import PATH_ID_PATTERN
from sendx.emulator.rest.routing import Param, Route

__all__ = ["SECURITY_SCHEMES", "rest_paths", "rest_schemas"]

_JSON = "application/json"
_PREFIX = "Rest"
_REF = "#/components/schemas/"
_SECURITY: list[dict[str, list[str]]] = [{"TeamApiKey": []}]

SECURITY_SCHEMES: dict[str, Any] = {
    "TeamApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Team-ApiKey",
        "description": "The team's API key. With --team, only the keys given there; "
        "without, a key first seen names a team of its own.",
    }
}

#: What each error status means, whichever operation answers it.
_ERRORS: dict[int, str] = {
    400: "A path id that is no id, a required property missing, a value out of its "
    "bounds, a query parameter out of range, or a path or query string that is not UTF-8.",
    401: f"{AUTH_MESSAGE} (X-Team-ApiKey missing or unknown).",
    403: "The name (or the webhook's URL) is taken by another object of the team.",
    404: "The team has no such object.",
    409: "The address belongs to another contact of the team.",
    413: "The body is over 1 MiB.",
    414: f"The query string is over {MAX_QUERY} bytes.",
    422: "The body is not a JSON object, or a value has the wrong JSON type.",
    431: "The request headers are too large.",
    500: "The database could not commit the request: nothing of it is kept.",
}
#: The statuses every operation can answer (see the module's docstring).
_ALWAYS = (400, 401, 413, 414, 431, 500)

_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error, its HTTP status saying which.",
    "required": ["status", "message"],
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "message": {"type": "string", "description": "What was wrong, and with which value."},
    },
}


def _types(found: list[Route]) -> list[Any]:
    return [t for route in found for t in (route.body, route.answer) if t is not None]


@cache
def _generated() -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """Each body and answer type's schema, and the component schemas they refer to."""
    found = routes()
    types = list(dict.fromkeys(_types(found)))
    schemas, components = msgspec.json.schema_components(
        types, ref_template=_REF + _PREFIX + "{name}"
    )
    by_type = dict(zip(types, schemas, strict=True))
    named = {_PREFIX + name: schema for name, schema in components.items()}
    named[_PREFIX + "Error"] = _ERROR_SCHEMA
    return by_type, named


def rest_schemas() -> dict[str, Any]:
    """The component schemas of the REST operations (``RestContactOut``, ...)."""
    return dict(_generated()[1])


def rest_paths() -> dict[str, Any]:
    """The REST operations, by path under :data:`~sendx.emulator.rest.api.REST_PREFIX`."""
    paths: dict[str, Any] = {}
    for route in routes():
        paths.setdefault(REST_PREFIX + route.path, {})[route.method.lower()] = _operation(route)
    return paths


def _operation(route: Route) -> dict[str, Any]:
    by_type = _generated()[0]
    operation: dict[str, Any] = {"operationId": route.operation}
    if route.key:  # else a postback URL: the team is its query's team_id
        operation["security"] = _SECURITY
    if route.summary:
        operation["summary"] = route.summary
    parameters = [_path_parameter(route, name) for name in _path_names(route)]
    parameters += [_parameter(param, "query") for param in route.query]
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {_JSON: {"schema": by_type[route.body]}},
        }
    success: dict[str, Any] = {"description": "Done."}
    if route.answer is not None:
        success["content"] = {_JSON: {"schema": by_type[route.answer]}}
    if route.links:
        success["links"] = {
            name: {"operationId": target, "parameters": dict(parameters_)}
            for name, target, parameters_ in route.links
        }
    responses: dict[str, Any] = {str(route.status): success}
    always = _ALWAYS if route.method != "GET" else tuple(s for s in _ALWAYS if s != 413)
    for status in sorted({*route.errors, *always}):
        responses[str(status)] = {
            "description": _ERRORS[status],
            "content": {_JSON: {"schema": {"$ref": _REF + _PREFIX + "Error"}}},
        }
    operation["responses"] = responses
    return operation


def _path_names(route: Route) -> list[str]:
    return [part[1:-1] for part in route.segments if part.startswith("{")]


def _path_parameter(route: Route, name: str) -> dict[str, Any]:
    for param in route.params:
        if param.name == name:
            return _parameter(param, "path")
    return _parameter(
        Param(name, {"type": "string", "pattern": PATH_ID_PATTERN}, "The object's id."), "path"
    )


def _parameter(param: Param, where: str) -> dict[str, Any]:
    found: dict[str, Any] = {
        "name": param.name,
        "in": where,
        "required": param.required or where == "path",
        "schema": param.schema,
    }
    if param.description:
        found["description"] = param.description
    return found
