"""The OpenAPI 3.0 document served at ``GET /_emulator/openapi.json``.

It describes what the emulator really answers: the two v1 endpoints (the ``api_key``
header, ``team_id``, bodies, every success and error) and the control plane. The
schemas are as strict as the emulator's checks and no stricter; the patterns are the
very ones the checks use, so a body valid here is accepted and one invalid here is
refused.
"""

from __future__ import annotations

from typing import Any

from sendx._validation import MAX_EMAIL_LENGTH
from sendx.emulator.automations import EVENT_TYPES, NAME_PATTERN, WEBHOOK_PATTERN
from sendx.emulator.faults import MAX_LATENCY_MS, MAX_RETRY_AFTER, METHOD_PATTERN

__all__ = ["document"]

_JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": _ref(schema)}}}


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
_TEAM_ID = _query("team_id", "The team's id.", required=True)
_TOO_LONG = {
    "413": _error("The body is over 1 MiB."),
    "414": _error("The query string is over 8 KiB."),
}
_QUERY_TOO_LONG = {"414": _error("The query string is over 8 KiB.")}
_BAD_QUERY = {
    "400": _error("The query string is not UTF-8."),
    **_QUERY_TOO_LONG,
}
_API_ERRORS = {
    "401": _error("The Team ID or API Key specified is not valid."),
    **_TOO_LONG,
    "431": _error("The request headers are too large."),
    "default": {
        **_error("An injected fault (PUT /_emulator/faults): any 4xx or 5xx status."),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait, when the fault sets retry_after.",
                "required": False,
                "schema": {"type": "string"},
            }
        },
    },
}


def _nullable_string(**extra: Any) -> dict[str, Any]:
    return {"type": "string", "nullable": True, **extra}


def _names() -> dict[str, Any]:
    return {
        "type": "array",
        "nullable": True,
        "items": {"type": "string", "minLength": 1, "pattern": NAME_PATTERN},
    }


_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "string", "description": "The HTTP status, as a string."},
            "message": {"type": "string"},
        },
    },
    "ContactRequest": {
        "type": "object",
        "required": ["email"],
        "description": "Unknown keys are ignored; null means absent.",
        "properties": {
            "email": {"type": "string", "maxLength": MAX_EMAIL_LENGTH},
            "firstName": _nullable_string(),
            "lastName": _nullable_string(),
            "newEmail": _nullable_string(maxLength=MAX_EMAIL_LENGTH),
            "company": _nullable_string(),
            "birthday": _nullable_string(
                pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="A real YYYY-MM-DD date."
            ),
            "tags": _names(),
            "customFields": {
                "type": "object",
                "nullable": True,
                "additionalProperties": {"type": "string"},
                "description": "Name to value; ++N / --N add to / subtract from number fields.",
            },
        },
    },
    "TrackRequest": {
        "type": "object",
        "properties": {"addTags": _names(), "removeTags": _names()},
    },
    "Contact": {
        "type": "object",
        "required": [
            "encryptedTeamId",
            "encryptedId",
            "tags",
            "firstName",
            "lastName",
            "email",
            "company",
            "birthday",
            "customFields",
        ],
        "properties": {
            "encryptedTeamId": {"type": "string", "pattern": "^[A-Za-z0-9]{22}$"},
            "encryptedId": {"type": "string", "pattern": "^[A-Za-z0-9]{22}$"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "firstName": _nullable_string(),
            "lastName": _nullable_string(),
            "email": {"type": "string"},
            "company": {"type": "string", "description": '"" when unset.'},
            "birthday": _nullable_string(),
            "customFields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "ContactResponse": {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {
            "status": {"type": "string", "enum": ["200"]},
            "message": {"type": "string"},
            "data": _ref("Contact"),
        },
    },
    "TrackResponse": {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {
            "status": {"type": "string", "enum": ["200"]},
            "message": {"type": "string"},
            "data": {"type": "string", "enum": ["success"]},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "teams"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "teams": {"type": "integer", "minimum": 0},
        },
    },
    "ResetResult": {
        "type": "object",
        "required": ["status", "reset"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "reset": {"type": "string", "description": '"all", or the team id.'},
        },
    },
    "ContactList": {
        "type": "object",
        "required": ["contacts"],
        "properties": {"contacts": {"type": "array", "items": _ref("Contact")}},
    },
    "Event": {
        "type": "object",
        "required": ["id", "type", "email", "at"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "type": {
                "type": "string",
                "enum": [
                    "contact_created",
                    "contact_renamed",
                    "tag_added",
                    "tag_removed",
                    "field_changed",
                ],
            },
            "email": {"type": "string"},
            "previous_email": {"type": "string", "description": "contact_renamed only."},
            "tag": {"type": "string", "description": "tag_added and tag_removed only."},
            "field": {"type": "string", "description": "field_changed only."},
            "value": {"type": "string", "description": "field_changed only."},
            "at": {"type": "string", "description": "ISO 8601 UTC time."},
        },
    },
    "EventList": {
        "type": "object",
        "required": ["events"],
        "properties": {"events": {"type": "array", "items": _ref("Event")}},
    },
    "Attempt": {
        "type": "object",
        "required": ["attempt", "at", "status", "error", "duration_ms"],
        "properties": {
            "attempt": {"type": "integer", "minimum": 1},
            "at": {"type": "string"},
            "status": {"type": "integer", "nullable": True},
            "error": {"type": "string", "nullable": True},
            "duration_ms": {"type": "number", "minimum": 0},
        },
    },
    "Delivery": {
        "type": "object",
        "required": [
            "id",
            "rule",
            "event",
            "event_id",
            "team_id",
            "tag",
            "webhook",
            "state",
            "attempts",
        ],
        "properties": {
            "id": {"type": "string"},
            "rule": {"type": "integer", "minimum": 0},
            "event": {"type": "string", "enum": list(EVENT_TYPES)},
            "event_id": {"type": "integer"},
            "team_id": {"type": "string"},
            "tag": {"type": "string", "nullable": True},
            "webhook": {"type": "string"},
            "state": {"type": "string", "enum": ["pending", "delivered", "failed"]},
            "attempts": {"type": "array", "items": _ref("Attempt")},
        },
    },
    "DeliveryList": {
        "type": "object",
        "required": ["deliveries"],
        "properties": {"deliveries": {"type": "array", "items": _ref("Delivery")}},
    },
    "Rule": {
        "type": "object",
        "additionalProperties": False,
        "required": ["on", "webhook", "secret"],
        "properties": {
            "on": {"type": "string", "enum": list(EVENT_TYPES)},
            "tag": {"type": "string", "minLength": 1, "pattern": NAME_PATTERN},
            "webhook": {"type": "string", "pattern": WEBHOOK_PATTERN},
            "secret": {"type": "string", "minLength": 1},
        },
        "oneOf": [
            {
                "properties": {"on": {"enum": ["tag_added", "tag_removed"]}},
                "required": ["tag"],
            },
            {"properties": {"on": {"enum": ["contact_created"]}}, "not": {"required": ["tag"]}},
        ],
    },
    "Rules": {
        "type": "object",
        "additionalProperties": False,
        "required": ["rules"],
        "properties": {"rules": {"type": "array", "items": _ref("Rule")}},
    },
    "Fault": {
        "type": "object",
        "additionalProperties": False,
        "description": "Exactly one effect: status (with optional retry_after), "
        "latency_ms, or drop.",
        "properties": {
            "method": {"type": "string", "pattern": METHOD_PATTERN},
            "path": {"type": "string", "pattern": "^/"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "retry_after": {"type": "number", "minimum": 0, "maximum": MAX_RETRY_AFTER},
            "latency_ms": {"type": "number", "minimum": 0, "maximum": MAX_LATENCY_MS},
            "drop": {"type": "string", "enum": ["before", "after"]},
            "probability": {"type": "number", "minimum": 0, "maximum": 1},
            "times": {"type": "integer", "minimum": 1, "description": "Left to apply."},
        },
        "oneOf": [
            {"required": ["status"]},
            {"required": ["latency_ms"], "not": {"required": ["retry_after"]}},
            {"required": ["drop"], "not": {"required": ["retry_after"]}},
        ],
    },
    "Faults": {
        "type": "object",
        "additionalProperties": False,
        "required": ["faults"],
        "properties": {"faults": {"type": "array", "items": _ref("Fault")}},
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
                    "content": {_JSON: {"schema": _ref("ContactRequest")}},
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
                    _query("email", "The contact's email.", required=True),
                    _API_KEY,
                ],
                "requestBody": {
                    "required": False,
                    "description": "May be absent (Content-Length: 0): a no-op.",
                    "content": {_JSON: {"schema": _ref("TrackRequest")}},
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
                "summary": "Forget contacts, tags, fields, events and deliveries, of one "
                "team or of all; rules and faults stay.",
                "parameters": [_query("team_id", "Only this team.", required=False, minLength=1)],
                "responses": {
                    ok: _answer("Done.", "ResetResult"),
                    "400": _error("team_id is empty, or the query string is not UTF-8."),
                    **_QUERY_TOO_LONG,
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
                            _JSON: {"schema": {"anyOf": [_ref("ContactList"), _ref("Contact")]}}
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
            "requestBody": {"required": True, "content": {_JSON: {"schema": _ref(schema)}}},
            "responses": {
                "200": _answer(f"The {name} now active.", schema),
                "400": _error(f"The {name} document is invalid (or the query is not UTF-8)."),
                **_TOO_LONG,
            },
        },
    }


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "SendX v1 contact API (local emulator)",
            "version": "1.0.0",
            "description": "The SendX v1 identify and track endpoints as the sendx "
            "emulator serves them, and its control plane under /_emulator (no auth).",
        },
        "paths": {**_api_paths(), **_control_paths()},
        "components": {"schemas": _SCHEMAS},
    }
