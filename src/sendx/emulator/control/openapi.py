"""The OpenAPI 3.1 document served at ``GET /_emulator/openapi.json``.

It describes what the emulator really answers: the two v1 endpoints (the ``api_key``
header, ``team_id``, bodies, every success and error) and the control plane. The
schemas are as strict as the emulator's checks and no stricter, so a body valid here
is accepted and one invalid here is refused: most patterns are the very ones the
checks use; the email rule and the real-date rule are restated in forms test
generators can draw from, and ``tests/emulator/test_openapi_rules.py`` checks that
they say what the checks do.
"""

from __future__ import annotations

from typing import Any

from sendx.emulator.control.openapi_email import email_schema
from sendx.emulator.control.openapi_messages import message_paths
from sendx.emulator.control.openapi_page import PAGE_SCHEMAS, page_paths
from sendx.emulator.control.openapi_rest import SECURITY_SCHEMES, rest_paths, rest_schemas
from sendx.emulator.control.openapi_schemas import SCHEMAS, ref

__all__ = ["document"]

_JSON = "application/json"


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": ref(schema)}}}


def _error(description: str) -> dict[str, Any]:
    return _answer(description, "Error")


def _query(name: str, description: str, *, required: bool, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


_API_KEY = {
    "name": "api_key",
    "in": "header",
    "required": True,
    "description": "The team's API key (the header name has an underscore).",
    "schema": {"type": "string"},
}
_TEAM_ID = _query("team_id", "The team's id.", required=True, minLength=1)
# Every operation: a Host that names no host the emulator answers to (DNS rebinding).
_FOREIGN_HOST = {
    "403": _error(
        "The Host header names no loopback name, nor the bound host, nor one given with "
        "--allow-host."
    )
}
# Control-plane writes: what a web page can send without a preflight is refused.
_WRITE_REFUSED = {
    "403": _error(
        "The Host is not allowed, or the Origin header is present and is not the "
        "emulator's own (http://HOST:PORT)."
    ),
    "415": _error("The Content-Type is not application/json (a body or not)."),
}
_TOO_LONG = {
    "413": _error("The body is over 1 MiB."),
    "414": _error("The query string is over 8 KiB."),
}
_QUERY_TOO_LONG = {"414": _error("The query string is over 8 KiB."), **_FOREIGN_HOST}
_BAD_QUERY = {
    "400": _error("The query string is not UTF-8."),
    **_QUERY_TOO_LONG,
}
_API_ERRORS = {
    "401": _error("The Team ID or API Key specified is not valid."),
    **_FOREIGN_HOST,
    **_TOO_LONG,
    "431": _error("The request headers are too large."),
    "default": {
        **_error(
            "An injected fault (PUT /_emulator/faults): any 4xx or 5xx status; or 500 "
            "when the database cannot commit."
        ),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait, when the fault sets retry_after.",
                "required": False,
                "schema": {"type": "string"},
            }
        },
    },
}


def _api_paths() -> dict[str, Any]:
    return {
        "/api/v1/contact/identify": {
            "post": {
                "operationId": "identify",
                "summary": "Create or update a contact (upsert by email) and return it merged.",
                "parameters": [_TEAM_ID, _API_KEY],
                "requestBody": {
                    "required": True,
                    "content": {_JSON: {"schema": ref("ContactRequest")}},
                },
                "responses": {
                    "200": _answer("The contact after the merge.", "ContactResponse"),
                    "400": _error(
                        "Malformed JSON, a missing email, a value of the wrong type, an "
                        "invalid email or birthday, or a non-number on a number field."
                    ),
                    "409": _error("newEmail belongs to another contact of the team."),
                    **_API_ERRORS,
                },
            }
        },
        "/api/v1/contact/track": {
            "post": {
                "operationId": "track",
                "summary": "Add then remove tags of the contact named by ?email=.",
                "parameters": [
                    _TEAM_ID,
                    {
                        "name": "email",
                        "in": "query",
                        "required": True,
                        "description": "The contact's email.",
                        "schema": email_schema(),
                    },
                    _API_KEY,
                ],
                "requestBody": {
                    "required": False,
                    "description": "May be absent (Content-Length: 0): a no-op.",
                    "content": {_JSON: {"schema": ref("TrackRequest")}},
                },
                "responses": {
                    "200": _answer("Applied.", "TrackResponse"),
                    "400": _error("Malformed JSON, a missing or invalid email, a wrong type."),
                    "404": _error("No contact with this email in the team."),
                    **_API_ERRORS,
                },
            }
        },
    }


def _control_paths() -> dict[str, Any]:
    team = _query("team_id", "The team's id.", required=True, minLength=1)
    ok = "200"
    return {
        "/_emulator/health": {
            "get": {
                "operationId": "health",
                "responses": {ok: _answer("The emulator is up.", "Health"), **_BAD_QUERY},
            }
        },
        "/_emulator/reset": {
            "post": {
                "operationId": "reset",
                "summary": "Forget contacts, REST objects, events, captured messages and "
                "deliveries, of one team or of all; rules and faults stay.",
                "parameters": [_query("team_id", "Only this team.", required=False, minLength=1)],
                "requestBody": {
                    "required": True,
                    "description": "Empty, or {}: the team is named by ?team_id=. Either way "
                    "the request says Content-Type: application/json.",
                    "content": {_JSON: {"schema": ref("ResetRequest")}},
                },
                "responses": {
                    ok: _answer("Done.", "ResetResult"),
                    "400": _error(
                        "team_id is empty, the body is other than {}, or the query string "
                        "is not UTF-8."
                    ),
                    **_TOO_LONG,
                    **_WRITE_REFUSED,
                },
            }
        },
        "/_emulator/contacts": {
            "get": {
                "operationId": "contacts",
                "parameters": [team, _query("email", "Only this contact.", required=False)],
                "responses": {
                    ok: {
                        "description": "All contacts, or the one named by email.",
                        "content": {
                            _JSON: {"schema": {"anyOf": [ref("ContactList"), ref("Contact")]}}
                        },
                    },
                    "400": _error("team_id is missing, or the query string is not UTF-8."),
                    "404": _error("No contact with this email."),
                    **_QUERY_TOO_LONG,
                },
            }
        },
        "/_emulator/events": {
            "get": {
                "operationId": "events",
                "parameters": [
                    team,
                    {
                        "name": "after",
                        "in": "query",
                        "required": False,
                        "description": "Only events with a larger id.",
                        "schema": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
                    },
                ],
                "responses": {
                    ok: _answer("Events, oldest first.", "EventList"),
                    "400": _error("team_id is missing, or after is not an event id."),
                    **_QUERY_TOO_LONG,
                },
            }
        },
        "/_emulator/deliveries": {
            "get": {
                "operationId": "deliveries",
                "parameters": [_query("team_id", "Only this team.", required=False)],
                "responses": {
                    ok: _answer("Webhook deliveries with every attempt.", "DeliveryList"),
                    **_BAD_QUERY,
                },
            }
        },
        "/_emulator/webhooks": {
            "get": {
                "operationId": "webhooks",
                "summary": "The team's REST webhooks, with the secret each signs with.",
                "parameters": [team],
                "responses": {
                    ok: _answer("The webhooks, oldest first.", "WebhookList"),
                    "400": _error("team_id is missing, or the query string is not UTF-8."),
                    **_QUERY_TOO_LONG,
                },
            }
        },
        **message_paths(),
        **page_paths(),
        "/_emulator/rules": _document_paths("rules", "Rules"),
        "/_emulator/faults": _document_paths("faults", "Faults"),
        "/_emulator/openapi.json": {
            "get": {
                "operationId": "openapi",
                "responses": {
                    ok: {
                        "description": "This document.",
                        "content": {_JSON: {"schema": {"type": "object"}}},
                    },
                    **_BAD_QUERY,
                },
            }
        },
    }


def _document_paths(name: str, schema: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": f"get_{name}",
            "responses": {"200": _answer(f"The active {name}.", schema), **_BAD_QUERY},
        },
        "put": {
            "operationId": f"put_{name}",
            "requestBody": {"required": True, "content": {_JSON: {"schema": ref(schema)}}},
            "responses": {
                "200": _answer(f"The {name} now active.", schema),
                "400": _error(f"The {name} document is invalid (or the query is not UTF-8)."),
                **_TOO_LONG,
                **_WRITE_REFUSED,
            },
        },
    }


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SendX v1 contact API (local emulator)",
            "version": "1.0.0",
            "description": "The SendX v1 identify and track endpoints as the sendx "
            "emulator serves them, and its control plane under /_emulator (no auth). "
            "Every request must name a loopback host, the bound host or one given with "
            "--allow-host; control-plane writes must be JSON, from no Origin or the "
            "emulator's own.",
        },
        "paths": {**_api_paths(), **rest_paths(), **_control_paths()},
        "components": {
            "schemas": {**SCHEMAS, **rest_schemas(), **PAGE_SCHEMAS},
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
